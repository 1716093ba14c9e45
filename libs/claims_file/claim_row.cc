#include "claims_file/claim_row.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "claims_file/dirhams.h"
#include "identity/registration_number.h"

namespace himaya::claims_file {
namespace {

// What the report keeps of claim_id and registration_number when they are not valid.
constexpr size_t kMaxKeptBytes = 64;

bool IsClaimIdChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-'; }

bool IsActCodeChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; }

absl::Status FieldError(absl::string_view field, absl::string_view must) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", must));
}

// The field named by an INVALID_ARGUMENT "<field>: ..." of the checks above.
std::string FieldOf(const absl::Status& status) {
  const absl::string_view message = status.message();
  return std::string(message.substr(0, message.find(':')));
}

// A quantity written as 1 to 3 digits, nothing else (no sign, no space).
absl::StatusOr<int64_t> ParseQuantity(absl::string_view text) {
  if (text.empty() || text.size() > 3) return FieldError("quantity", "must be a whole number from 1 to 999");
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return FieldError("quantity", "must be a whole number from 1 to 999");
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

const std::vector<std::string>& ClaimsFileRequiredColumns() {
  static const auto* const columns = new std::vector<std::string>{"claim_id",  "registration_number", "beneficiary_id",
                                                                  "care_date", "filed_date",          "act_code",
                                                                  "quantity",  "amount_paid"};
  return *columns;
}

absl::Status CheckClaimId(absl::string_view claim_id) {
  if (claim_id.empty() || claim_id.size() > kMaxClaimIdLength) {
    return FieldError("claim_id", "must be 1 to 32 characters of A-Z, a-z, 0-9 and -");
  }
  for (char c : claim_id) {
    if (!IsClaimIdChar(c)) return FieldError("claim_id", "must be 1 to 32 characters of A-Z, a-z, 0-9 and -");
  }
  return absl::OkStatus();
}

absl::Status CheckBeneficiaryOf(absl::string_view registration_number, absl::string_view beneficiary_id) {
  if (beneficiary_id == registration_number) return absl::OkStatus();
  const absl::Status bad =
      FieldError("beneficiary_id", "must be the file's registration number, or that number followed by -01 to -99");
  if (beneficiary_id.size() != registration_number.size() + 3) return bad;
  if (beneficiary_id.substr(0, registration_number.size()) != registration_number) return bad;
  const absl::string_view rank = beneficiary_id.substr(registration_number.size());
  if (rank[0] != '-' || !absl::ascii_isdigit(static_cast<unsigned char>(rank[1])) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(rank[2])) || rank.substr(1) == "00") {
    return bad;
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> ParseClaimDay(absl::string_view field, absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text) {
    return FieldError(field, "must be a day written YYYY-MM-DD");
  }
  return day;
}

absl::StatusOr<std::string> NormalizeActCode(absl::string_view act_code) {
  std::string code = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(act_code));
  if (code.empty() || code.size() > kMaxActCodeLength) {
    return FieldError("act_code", "must be 1 to 16 characters of A-Z, 0-9, . and -");
  }
  for (char c : code) {
    if (!IsActCodeChar(c)) return FieldError("act_code", "must be 1 to 16 characters of A-Z, 0-9, . and -");
  }
  return code;
}

absl::Status CheckQuantity(int64_t quantity) {
  if (quantity < 1 || quantity > kMaxQuantity) return FieldError("quantity", "must be a whole number from 1 to 999");
  return absl::OkStatus();
}

absl::Status CheckAmountPaid(int64_t centimes) {
  if (centimes <= 0 || centimes > kMaxDirhamsCentimes) {
    return FieldError("amount_paid", "must be more than 0 and at most 10000000000.00 dirhams");
  }
  return absl::OkStatus();
}

absl::Status CheckAldCertificate(absl::string_view certificate) {
  if (certificate.empty()) return absl::OkStatus();
  const absl::Status bad =
      FieldError("ald_certificate", "must be empty or 1 to 32 printable ASCII characters, no space at either end");
  if (certificate.size() > kMaxAldCertificateLength || certificate.front() == ' ' || certificate.back() == ' ') {
    return bad;
  }
  for (char c : certificate) {
    if (c < 0x20 || c > 0x7E) return bad;
  }
  return absl::OkStatus();
}

absl::Status CheckFiledBy(absl::CivilDay filed_date, absl::CivilDay received_day) {
  if (filed_date > received_day) return FieldError("filed_date", "must not be after the day the file was received");
  return absl::OkStatus();
}

absl::Status CheckFiledItem(absl::string_view registration_number, absl::CivilDay filed_date, const FiledItem& item) {
  if (absl::Status s = CheckBeneficiaryOf(registration_number, item.beneficiary_id); !s.ok()) return s;
  if (item.care_date > filed_date) return FieldError("care_date", "must not be after filed_date");
  absl::StatusOr<std::string> code = NormalizeActCode(item.act_code);
  if (!code.ok()) return code.status();
  if (*code != item.act_code) return FieldError("act_code", "must be written in capitals without surrounding spaces");
  if (absl::Status s = CheckQuantity(item.quantity); !s.ok()) return s;
  if (absl::Status s = CheckAmountPaid(item.amount_paid_centimes); !s.ok()) return s;
  return CheckAldCertificate(item.ald_certificate);
}

ClaimRow ReadClaimRow(int64_t row, const std::function<const std::string&(const std::string& column)>& get) {
  ClaimRow out;
  out.row = row;
  // Copies: `get` may answer each call from the same buffer.
  const std::string claim_id = get("claim_id");
  const std::string registration_number = get("registration_number");
  out.claim_id = claim_id.substr(0, kMaxKeptBytes);
  out.registration_number = registration_number.substr(0, kMaxKeptBytes);
  FiledItem& item = out.item;

  // Every field is read; the first bad one in the contract's order is named.
  std::vector<absl::Status> checks;
  checks.push_back(CheckClaimId(claim_id));
  checks.push_back(identity::CheckRegistrationNumber(registration_number));
  item.beneficiary_id = get("beneficiary_id").substr(0, kMaxKeptBytes);
  checks.push_back(checks.back().ok() ? CheckBeneficiaryOf(registration_number, item.beneficiary_id)
                                      : absl::OkStatus());
  absl::StatusOr<absl::CivilDay> care = ParseClaimDay("care_date", get("care_date"));
  absl::StatusOr<absl::CivilDay> filed = ParseClaimDay("filed_date", get("filed_date"));
  if (care.ok()) item.care_date = *care;
  if (filed.ok()) out.filed_date = *filed;
  if (care.ok() && filed.ok() && *care > *filed) care = FieldError("care_date", "must not be after filed_date");
  checks.push_back(care.status());
  checks.push_back(filed.status());
  absl::StatusOr<std::string> code = NormalizeActCode(get("act_code"));
  if (code.ok()) item.act_code = *std::move(code);
  checks.push_back(code.status());
  absl::StatusOr<int64_t> quantity = ParseQuantity(get("quantity"));
  if (quantity.ok()) item.quantity = static_cast<int>(*quantity);
  checks.push_back(quantity.ok() ? CheckQuantity(*quantity) : quantity.status());
  absl::StatusOr<int64_t> amount = ParseDirhams(get("amount_paid"));
  if (amount.ok()) item.amount_paid_centimes = *amount;
  checks.push_back(amount.ok() ? CheckAmountPaid(*amount) : FieldError("amount_paid", "must be dirhams"));
  const std::string certificate = get(kAldCertificateColumn);
  checks.push_back(CheckAldCertificate(certificate));
  if (checks.back().ok()) item.ald_certificate = certificate;

  for (const absl::Status& check : checks) {
    if (!check.ok()) {
      item.invalid_field = FieldOf(check);
      break;
    }
  }
  return out;
}

}  // namespace himaya::claims_file
