// The gRPC face of registration: translates messages and delegates to Registrar.
#pragma once

#include "core/thread_pool.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "registration/src/registrar.h"

namespace himaya::registration {

class RegistrationService final : public v1::RegistrationService::CallbackService {
 public:
  RegistrationService(Registrar& registrar, core::ThreadPool& pool)
      : registrar_(registrar), pool_(pool) {}

  grpc::ServerUnaryReactor* RegisterPerson(grpc::CallbackServerContext* context,
                                           const v1::RegisterPersonRequest* request,
                                           v1::RegisterPersonResponse* response) override;
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* context,
                                      const v1::GetPersonRequest* request,
                                      v1::Person* response) override;

 private:
  Registrar& registrar_;
  core::ThreadPool& pool_;
};

}  // namespace himaya::registration
