#include "notification/src/money_messages.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "claims_file/dirhams.h"
#include "core/status_macros.h"
#include "himaya/beneficiary/v1/events.pb.h"
#include "himaya/contributions/v1/events.pb.h"
#include "notification/src/message.h"

namespace himaya::notification {
namespace {

namespace contrib = himaya::contributions::v1;

// "YYYY-MM-DD" as "DD/MM/YYYY"; INVALID_ARGUMENT naming the event when not a real date.
absl::StatusOr<std::string> DayInWords(absl::string_view event, const std::string& text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text) {
    return absl::InvalidArgumentError(absl::StrCat(event, ": from_date must be a real date, YYYY-MM-DD"));
  }
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

}  // namespace

absl::Status CoverageMessages::Apply(storage::Transaction& tx, const events::Envelope& envelope) {
  if (envelope.type() == events::EventType<contrib::CoverageSuspended>()) {
    ASSIGN_OR_RETURN(contrib::CoverageSuspended e, events::Unpack<contrib::CoverageSuspended>(envelope));
    ASSIGN_OR_RETURN(std::string from, DayInWords("CoverageSuspended", e.from_date()));
    if (e.arrears_centimes() < 0) return absl::InvalidArgumentError("CoverageSuspended: arrears_centimes < 0");
    return messages_.Record(tx, envelope, e.registration_number(), e.program(), kTemplateCoverageSuspended,
                            {{"date", from}, {"amount", claims_file::FormatDirhams(e.arrears_centimes())}});
  }
  if (envelope.type() == events::EventType<contrib::CoverageRestored>()) {
    ASSIGN_OR_RETURN(contrib::CoverageRestored e, events::Unpack<contrib::CoverageRestored>(envelope));
    ASSIGN_OR_RETURN(std::string from, DayInWords("CoverageRestored", e.from_date()));
    return messages_.Record(tx, envelope, e.registration_number(), e.program(), kTemplateCoverageRestored,
                            {{"date", from}});
  }
  return absl::OkStatus();
}

absl::Status AllowanceMessages::Apply(storage::Transaction& tx, const events::Envelope& envelope) {
  using himaya::beneficiary::v1::AllowancePaid;
  if (envelope.type() != events::EventType<AllowancePaid>()) return absl::OkStatus();
  ASSIGN_OR_RETURN(AllowancePaid e, events::Unpack<AllowancePaid>(envelope));
  absl::CivilMonth month;
  if (e.month().size() != 7 || !absl::ParseCivilTime(e.month(), &month) || absl::FormatCivilTime(month) != e.month()) {
    return absl::InvalidArgumentError("AllowancePaid: month must be YYYY-MM");
  }
  if (e.paid_centimes() < 0) return absl::InvalidArgumentError("AllowancePaid: paid_centimes < 0");
  return messages_.Record(tx, envelope, e.registration_number(), e.program(), kTemplateAllowancePaid,
                          {{"month", absl::StrFormat("%02d/%04d", month.month(), month.year())},
                           {"amount", claims_file::FormatDirhams(e.paid_centimes())}});
}

}  // namespace himaya::notification
