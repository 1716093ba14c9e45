// himaya register / person get: one person registered by hand, and looked up.
#include <cstdio>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "commands.h"
#include "connection.h"
#include "failure.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/call.h"

ABSL_DECLARE_FLAG(std::string, registration_address);
ABSL_FLAG(std::string, cin, "", "register: national identity card number");
ABSL_FLAG(std::string, last_name, "", "register: last name (Latin script)");
ABSL_FLAG(std::string, first_name, "", "register: first name (Latin script)");
ABSL_FLAG(std::string, birth_date, "", "register: YYYY-MM-DD");
ABSL_FLAG(std::string, sex, "", "register: M or F");
ABSL_FLAG(std::string, phone, "", "register: Moroccan mobile number");
ABSL_FLAG(std::string, program, "amo-tns", "register: program");
ABSL_FLAG(std::string, category, "", "register: category of the program");
ABSL_FLAG(std::string, city, "", "register: city");
ABSL_FLAG(std::string, language, "fr", "register: preferred language of messages (fr, ar)");

namespace himaya::cli {

namespace reg = himaya::registration::v1;

int Register(const std::vector<std::string>& args) {
  if (!args.empty()) return Fail("register takes flags only (--cin=... --last_name=... ...)");
  absl::StatusOr<std::string> address = ServiceAddress("registration", absl::GetFlag(FLAGS_registration_address));
  if (!address.ok()) return Fail(address.status());
  reg::RegisterPersonRequest request;
  request.set_cin(absl::GetFlag(FLAGS_cin));
  request.set_last_name(absl::GetFlag(FLAGS_last_name));
  request.set_first_name(absl::GetFlag(FLAGS_first_name));
  request.set_birth_date(absl::GetFlag(FLAGS_birth_date));
  request.set_sex(absl::GetFlag(FLAGS_sex));
  request.set_phone(absl::GetFlag(FLAGS_phone));
  request.set_program(absl::GetFlag(FLAGS_program));
  request.set_category(absl::GetFlag(FLAGS_category));
  request.set_city(absl::GetFlag(FLAGS_city));
  request.set_preferred_language(absl::GetFlag(FLAGS_language));
  auto registered = rpc::Call(*address, &reg::RegistrationService::Stub::RegisterPerson, request);
  if (!registered.ok()) return Fail(registered.status());
  std::printf("registered %s\n", registered->person().registration_number().c_str());
  return 0;
}

int Person(const std::vector<std::string>& args) {
  if (args.size() != 2 || args[0] != "get") return Fail("usage: himaya person get NUMBER|CIN");
  absl::StatusOr<std::string> address = ServiceAddress("registration", absl::GetFlag(FLAGS_registration_address));
  if (!address.ok()) return Fail(address.status());
  reg::GetPersonRequest request;
  const std::string& key = args[1];
  bool is_number = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
  if (is_number) {
    request.set_registration_number(key);
  } else {
    request.set_cin(key);
  }
  absl::StatusOr<reg::Person> person = rpc::Call(*address, &reg::RegistrationService::Stub::GetPerson, request);
  if (!person.ok()) return Fail(person.status());
  const reg::Person& p = *person;
  std::printf(
      "registration_number  %s\ncin                  %s\nname                 %s %s\n"
      "birth_date           %s\nsex                  %s\nphone                %s\n"
      "program              %s\ncategory             %s\ncity                 %s\n"
      "language             %s\nregistered_at        %s\n",
      p.registration_number().c_str(), p.cin().c_str(), p.first_name().c_str(), p.last_name().c_str(),
      p.birth_date().c_str(), p.sex() == reg::SEX_FEMALE ? "F" : "M", p.phone().c_str(), p.program().c_str(),
      p.category().c_str(), p.city().c_str(), p.preferred_language().c_str(),
      google::protobuf::util::TimeUtil::ToString(p.registered_at()).c_str());
  return 0;
}

}  // namespace himaya::cli
