#include "registration/src/registration_service.h"

#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rpc/server.h"

namespace himaya::registration {
namespace {

void ToProto(const Person& p, v1::Person* out) {
  out->set_registration_number(p.registration_number);
  out->set_cin(p.cin);
  out->set_last_name(p.last_name);
  out->set_first_name(p.first_name);
  out->set_birth_date(p.birth_date);
  out->set_sex(p.sex == "F" ? v1::SEX_FEMALE : v1::SEX_MALE);
  out->set_phone(p.phone);
  out->set_program(p.program);
  out->set_category(p.category);
  out->set_city(p.city);
  out->set_preferred_language(p.preferred_language);
  *out->mutable_registered_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(p.registered_at));
}

}  // namespace

grpc::ServerUnaryReactor* RegistrationService::RegisterPerson(
    grpc::CallbackServerContext* context, const v1::RegisterPersonRequest* request,
    v1::RegisterPersonResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    PersonApplication application{request->cin(),       request->last_name(),
                                  request->first_name(), request->birth_date(),
                                  request->sex(),        request->phone(),
                                  request->program(),    request->category(),
                                  request->city(),       request->preferred_language()};
    ASSIGN_OR_RETURN(Person person, registrar_.Register(application));
    ToProto(person, response->mutable_person());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::GetPerson(grpc::CallbackServerContext* context,
                                                         const v1::GetPersonRequest* request,
                                                         v1::Person* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    absl::StatusOr<Person> person;
    switch (request->key_case()) {
      case v1::GetPersonRequest::kRegistrationNumber:
        person = registrar_.GetByNumber(request->registration_number());
        break;
      case v1::GetPersonRequest::kCin:
        person = registrar_.GetByCin(request->cin());
        break;
      default:
        return absl::InvalidArgumentError("key: give a registration_number or a cin");
    }
    RETURN_IF_ERROR(person.status());
    ToProto(*person, response);
    return absl::OkStatus();
  });
}

}  // namespace himaya::registration
