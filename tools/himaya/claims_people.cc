#include "claims_people.h"

#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "identity/registration_number.h"
#include "liaison/csv_stream.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "rpc/status.h"

namespace himaya::cli {
namespace {

namespace ben = himaya::beneficiary::v1;
namespace reg = himaya::registration::v1;

// The first day of the period covering today (the last one, open or ending today or later).
bool CurrentStart(const ben::Beneficiary& b, absl::CivilDay* start) {
  if (!b.covered_today() || b.periods().empty()) return false;
  return absl::ParseCivilTime(b.periods(b.periods_size() - 1).start_date(), start);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> RegisteredByBatch(const std::string& address, const std::string& liaison_body,
                                                           const std::string& batch_id) {
  reg::GetBatchRequest request;
  request.set_liaison_body(liaison_body);
  request.set_batch_id(batch_id);
  reg::RegistrationService::Stub stub(rpc::NewChannel(address));
  grpc::ClientContext context;
  auto reader = stub.GetBatchReport(&context, request);
  std::vector<std::string> numbers;
  std::map<std::string, size_t> column;
  liaison::CsvStream csv([&](std::vector<std::string>& fields) -> absl::Status {
    if (column.empty()) {
      for (size_t i = 0; i < fields.size(); ++i) column[fields[i]] = i;
      if (!column.count("outcome") || !column.count("registration_number")) {
        return absl::InternalError("the batch report has no outcome or registration_number column");
      }
      return absl::OkStatus();
    }
    const size_t outcome = column["outcome"], number = column["registration_number"];
    if (outcome < fields.size() && number < fields.size() && fields[outcome] == "REGISTERED") {
      numbers.push_back(fields[number]);
    }
    return absl::OkStatus();
  });
  reg::ReportChunk chunk;
  absl::Status parsed = absl::OkStatus();
  while (reader->Read(&chunk)) {
    if (parsed.ok()) parsed = csv.Feed(chunk.csv());
  }
  if (absl::Status status = rpc::FromGrpcStatus(reader->Finish()); !status.ok()) return status;
  if (parsed.ok()) parsed = csv.Finish();
  if (!parsed.ok()) return parsed;
  return numbers;
}

absl::StatusOr<std::vector<datagen::CoveredFamily>> CoveredFamilies(const std::string& address,
                                                                    const std::vector<std::string>& insured,
                                                                    int64_t* left_out) {
  ben::BeneficiaryService::Stub stub(rpc::NewChannel(address));
  std::vector<datagen::CoveredFamily> families;
  *left_out = 0;
  for (const std::string& number : insured) {
    ben::ListFamilyRequest request;
    request.set_registration_number(number);
    absl::StatusOr<ben::ListFamilyResponse> family =
        rpc::Call(stub, &ben::BeneficiaryService::Stub::ListFamily, request);
    if (absl::IsNotFound(family.status())) {
      ++*left_out;
      continue;
    }
    if (!family.ok()) return family.status();
    datagen::CoveredFamily f;
    bool insured_covered = false;
    for (const ben::Beneficiary& b : family->beneficiaries()) {
      absl::CivilDay start;
      if (!CurrentStart(b, &start)) continue;
      if (b.relationship() == ben::RELATIONSHIP_INSURED) {
        f.insured = {b.beneficiary_id(), start};
        insured_covered = true;
      } else {
        f.dependents.push_back({b.beneficiary_id(), start});
      }
    }
    if (!insured_covered) {
      ++*left_out;
      continue;
    }
    families.push_back(std::move(f));
  }
  return families;
}

absl::StatusOr<std::vector<datagen::CoveredFamily>> ReadFamiliesFile(const std::string& path,
                                                                     absl::CivilDay covered_from) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<datagen::CoveredFamily> families;
  std::map<std::string, size_t> index;  // registration number -> its family
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": line ", line_number, ": ", why));
    };
    std::vector<std::string> parts = absl::StrSplit(text, ',');
    if (parts.size() > 2) return bad("ID or ID,YYYY-MM-DD");
    datagen::CoveredPerson person{std::string(absl::StripAsciiWhitespace(parts[0])), covered_from};
    if (parts.size() == 2 && !absl::ParseCivilTime(absl::StripAsciiWhitespace(parts[1]), &person.covered_from)) {
      return bad("the first covered day is written YYYY-MM-DD");
    }
    const std::string number = person.beneficiary_id.substr(0, person.beneficiary_id.find('-'));
    if (!identity::IsValidRegistrationNumber(number)) return bad("not a registration number");
    if (number == person.beneficiary_id) {
      if (index.count(number)) return bad("this insured is listed twice");
      index[number] = families.size();
      families.push_back({person, {}});
      continue;
    }
    const std::string rank = person.beneficiary_id.substr(number.size());
    if (rank.size() != 3 || rank == "-00" || !absl::ascii_isdigit(rank[1]) || !absl::ascii_isdigit(rank[2])) {
      return bad("a dependent is NUMBER-NN (01 to 99)");
    }
    if (!index.count(number)) return bad("a dependent comes after their insured");
    families[index[number]].dependents.push_back(person);
  }
  return families;
}

}  // namespace himaya::cli
