#include "registration/src/registration_service.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "registration/api/manifest_proto.h"
#include "registration/src/coverage_import.h"
#include "registration/src/person_rules.h"
#include "rpc/credentials.h"
#include "rpc/server.h"
#include "rpc/streams.h"

namespace himaya::registration {
namespace {

// Who calls, as far as the connection tells: the authenticated identity when there is one,
// otherwise the peer's address without its port (a new connection must not be a new caller).
std::string CallerIdentity(const grpc::CallbackServerContext& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    std::string identity;
    for (const grpc::string_ref& part : auth->GetPeerIdentity()) {
      absl::StrAppend(&identity, identity.empty() ? "" : ",", absl::string_view(part.data(), part.size()));
    }
    return absl::StrCat("id:", identity);
  }
  std::string peer = context.peer();  // ipv4:10.1.2.3:5000, ipv6:[::1]:5000, unix:/path
  if (absl::StartsWith(peer, "ipv4:") || absl::StartsWith(peer, "ipv6:")) {
    const size_t colon = peer.rfind(':');
    if (colon != std::string::npos && colon > 5 && peer[colon - 1] != ':') peer.resize(colon);
  }
  return peer;
}

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
  *out->mutable_registered_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(p.registered_at));
}

void ToProto(const BatchStatus& s, v1::BatchStatus* out) {
  auto state = [](BatchState state) {
    switch (state) {
      case BatchState::kReceiving:
        return v1::BATCH_STATE_RECEIVING;
      case BatchState::kApplying:
        return v1::BATCH_STATE_APPLYING;
      case BatchState::kCompleted:
        return v1::BATCH_STATE_COMPLETED;
      case BatchState::kRefused:
        return v1::BATCH_STATE_REFUSED;
      case BatchState::kUnknown:
        break;
    }
    return v1::BATCH_STATE_UNSPECIFIED;
  };
  out->set_batch_id(s.batch_id);
  out->set_liaison_body(s.liaison_body);
  out->set_program(s.program);
  out->set_state(state(s.state));
  out->set_rows_received(s.rows_received);
  out->set_rows_applied(s.rows_applied);
  out->set_refusal(s.refusal);
  *out->mutable_received_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(s.received_at));
  if (s.completed_at) {
    *out->mutable_completed_at() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(*s.completed_at));
  }
  for (const auto& [outcome, n] : s.outcomes) (*out->mutable_outcomes())[outcome] = n;
}

void ToProto(const CoverageImportResult& r, v1::CoverageImportResult* out) {
  out->set_batch_id(r.batch_id);
  out->set_operator_(r.operator_name);
  out->set_rows_received(r.rows_received);
  out->set_coverages_added(r.coverages_added);
  out->set_coverages_updated(r.coverages_updated);
  out->set_rows_invalid(r.rows_invalid);
  for (const std::string& e : r.errors) out->add_errors(e);
}

void ToProto(const Review& r, v1::Review* out) {
  out->set_review_id(r.review_id);
  out->set_liaison_body(r.liaison_body);
  out->set_batch_id(r.batch_id);
  out->set_record_id(r.record_id);
  out->set_candidate_registration_number(r.candidate_registration_number);
  out->set_state(r.state);
  out->set_decided_by(r.decided_by);
  out->set_registration_number(r.registration_number);
  out->set_cin(r.cin);
  out->set_last_name(r.last_name);
  out->set_first_name(r.first_name);
  out->set_birth_date(r.birth_date);
  out->set_household_members_waiting(r.household_members_waiting);
  out->set_household_members_attached(r.household_members_attached);
}

ReviewDecision DecisionOf(v1::DecideReviewRequest::Decision decision) {
  switch (decision) {
    case v1::DecideReviewRequest::REGISTER_AS_NEW:
      return ReviewDecision::kRegisterAsNew;
    case v1::DecideReviewRequest::MERGE_WITH_EXISTING:
      return ReviewDecision::kMergeWithExisting;
    default:
      return ReviewDecision::kUnspecified;
  }
}

// A client-streaming upload (manifest, then chunks) driven by a Session type with Feed, Finish,
// Abort and existing() (answering a domain result, given as Response), begun by `begin`. Each message is handled on the
// pool, and the next is read only once it is, so a slow database slows the sender instead of filling memory.
template <typename Session, typename Response>
class UploadReactor final : public grpc::ServerReadReactor<v1::UploadRequest> {
 public:
  using BeginFn = std::function<absl::StatusOr<std::unique_ptr<Session>>(const liaison::Manifest&)>;
  UploadReactor(grpc::CallbackServerContext* context, core::ThreadPool& pool, BeginFn begin, Response* response)
      : context_(context), pool_(pool), begin_(std::move(begin)), response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    pool_.Schedule([this, ok] { Handle(ok); });
  }
  void OnDone() override { delete this; }

 private:
  void Handle(bool ok) {
    if (!ok) {
      if (session_ == nullptr)
        return Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "manifest: the upload sent nothing"));
      if (context_->IsCancelled()) {
        session_->Abort();
        return Finish(grpc::Status::CANCELLED);
      }
      auto result = session_->Finish();
      if (result.ok()) ToProto(*result, response_);
      return Finish(rpc::ToGrpcStatus(result.status()));
    }
    if (session_ == nullptr) {
      if (request_.part_case() != v1::UploadRequest::kManifest) {
        return Finish(
            grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "manifest: the first message must be the manifest"));
      }
      absl::StatusOr<std::unique_ptr<Session>> session = begin_(ManifestFromProto(request_.manifest()));
      if (!session.ok()) return Finish(rpc::ToGrpcStatus(session.status()));
      session_ = std::move(*session);
      if (session_->existing()) {
        ToProto(*session_->existing(), response_);  // received before: its first result
        return Finish(grpc::Status::OK);
      }
    } else if (request_.part_case() != v1::UploadRequest::kChunk) {
      return Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "upload: a second manifest"));
    } else if (absl::Status fed = session_->Feed(request_.chunk()); !fed.ok()) {
      return Finish(rpc::ToGrpcStatus(fed));
    }
    StartRead(&request_);
  }

  grpc::CallbackServerContext* context_;
  core::ThreadPool& pool_;
  BeginFn begin_;
  Response* response_;
  v1::UploadRequest request_;
  std::unique_ptr<Session> session_;
};

}  // namespace

grpc::ServerReadReactor<v1::UploadRequest>* RegistrationService::SubmitBatch(grpc::CallbackServerContext* context,
                                                                             v1::BatchStatus* response) {
  return new UploadReactor<BatchUpload, v1::BatchStatus>(
      context, pool_,
      [this](const liaison::Manifest& manifest) { return BatchUpload::Begin(domain_.intake, manifest); }, response);
}

grpc::ServerUnaryReactor* RegistrationService::GetBatch(grpc::CallbackServerContext* context,
                                                        const v1::GetBatchRequest* request, v1::BatchStatus* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(BatchStatus status,
                     GetBatchStatus(*domain_.intake.db, request->liaison_body(), request->batch_id()));
    ToProto(status, response);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::ReportChunk>* RegistrationService::GetBatchReport(grpc::CallbackServerContext* context,
                                                                               const v1::GetBatchRequest* request) {
  // A page per message (rpc/streams.h): slow readers cost memory for one page each, not a thread.
  return new rpc::PagedWriteReactor<v1::ReportChunk>(
      context, pool_,
      [this, request = *request](std::optional<int64_t> after_row) -> absl::StatusOr<rpc::StreamPage> {
        ASSIGN_OR_RETURN(ReportPage page, ReadBatchReportPage(*domain_.intake.db, request.liaison_body(),
                                                              request.batch_id(), after_row));
        return rpc::StreamPage{std::move(page.csv), page.next_after_row, page.last};
      },
      [](std::string bytes, v1::ReportChunk* chunk) { chunk->set_csv(std::move(bytes)); });
}

grpc::ServerReadReactor<v1::UploadRequest>* RegistrationService::ImportCoverage(grpc::CallbackServerContext* context,
                                                                                v1::CoverageImportResult* response) {
  return new UploadReactor<CoverageUpload, v1::CoverageImportResult>(
      context, pool_,
      [this](const liaison::Manifest& manifest) {
        return CoverageUpload::Begin(*domain_.intake.db, *domain_.intake.reference, *domain_.intake.source.clock,
                                     manifest);
      },
      response);
}

grpc::ServerUnaryReactor* RegistrationService::ListReviews(grpc::CallbackServerContext* context,
                                                           const v1::ListReviewsRequest* request,
                                                           v1::ListReviewsResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(
        ReviewPage page,
        domain_.reviews->List(request->state(), request->page_size() != 0 ? request->page_size() : request->limit(),
                              request->page_token()));
    for (const Review& r : page.reviews) ToProto(r, response->add_reviews());
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::DecideReview(grpc::CallbackServerContext* context,
                                                            const v1::DecideReviewRequest* request,
                                                            v1::Review* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(Review decided,
                     domain_.reviews->Decide(request->review_id(), DecisionOf(request->decision()), request->agent()));
    ToProto(decided, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::LookupForIvr(grpc::CallbackServerContext* context,
                                                            const v1::IvrLookupRequest* request,
                                                            v1::IvrLookupResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    if (request->caller().size() > 64) return absl::InvalidArgumentError("caller: longer than 64 characters");
    std::string caller = CallerIdentity(*context);
    if (!request->caller().empty()) absl::StrAppend(&caller, "|", request->caller());
    ASSIGN_OR_RETURN(std::string number, domain_.ivr->Lookup(request->cin(), request->birth_date(), caller));
    response->set_registration_number(number);
    return absl::OkStatus();
  });
}

namespace {

// The identities (certificate CNs) allowed to be handed activation codes and personal data in
// bulk: notification sends the codes by SMS; an agent's command line issues one at the desk.
const std::vector<std::string>& CodeReaders() {
  static const auto* const readers = new std::vector<std::string>{"notification", "cli"};
  return *readers;
}
const std::vector<std::string>& RecipientReaders() {
  static const auto* const readers = new std::vector<std::string>{"notification"};
  return *readers;
}
// A portal password set (with the code from the SMS) or a new code sent: the gateway for the
// portal, an agent's command line at the desk.
const std::vector<std::string>& AccountOpeners() {
  static const auto* const openers = new std::vector<std::string>{"gateway", "cli"};
  return *openers;
}
// A portal password checked: the gateway only, which opens the session.
const std::vector<std::string>& PasswordCheckers() {
  static const auto* const checkers = new std::vector<std::string>{"gateway"};
  return *checkers;
}
// Household members' identities in bulk: the beneficiary service, which makes them families.
const std::vector<std::string>& HouseholdReaders() {
  static const auto* const readers = new std::vector<std::string>{"beneficiary"};
  return *readers;
}
// A payment mode chosen or shown (masked): the gateway for the portal, an agent's command line.
const std::vector<std::string>& PaymentModeChoosers() {
  static const auto* const choosers = new std::vector<std::string>{"gateway", "cli"};
  return *choosers;
}
// Whole account numbers in bulk: the services that pay, beneficiary (family allowances) and
// claims (refunds).
const std::vector<std::string>& PaymentAccountReaders() {
  static const auto* const readers = new std::vector<std::string>{"beneficiary", "claims"};
  return *readers;
}

PaymentMethod MethodOf(v1::PaymentMethod method) {
  switch (method) {
    case v1::PAYMENT_METHOD_BANK_TRANSFER:
      return PaymentMethod::kBankTransfer;
    case v1::PAYMENT_METHOD_MOBILE_WALLET:
      return PaymentMethod::kMobileWallet;
    default:
      return PaymentMethod::kUnspecified;
  }
}

v1::PaymentMethod ToProto(PaymentMethod method) {
  switch (method) {
    case PaymentMethod::kBankTransfer:
      return v1::PAYMENT_METHOD_BANK_TRANSFER;
    case PaymentMethod::kMobileWallet:
      return v1::PAYMENT_METHOD_MOBILE_WALLET;
    case PaymentMethod::kUnspecified:
      break;
  }
  return v1::PAYMENT_METHOD_UNSPECIFIED;
}

void ToProto(const ShownPaymentMode& mode, v1::PaymentMode* out) {
  out->set_registration_number(mode.registration_number);
  out->set_method(ToProto(mode.method));
  out->set_account_masked(mode.account_masked);
  *out->mutable_chosen_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(mode.chosen_at));
  out->set_chosen_by(mode.chosen_by);
}

}  // namespace

grpc::ServerUnaryReactor* RegistrationService::IssueActivationCode(grpc::CallbackServerContext* context,
                                                                   const v1::IssueActivationCodeRequest* request,
                                                                   v1::IssueActivationCodeResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, CodeReaders()));
    ASSIGN_OR_RETURN(IssuedCode code, domain_.codes->Issue(request->registration_number()));
    response->set_code(code.code);
    *response->mutable_expires_at() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(code.expires_at));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::GetRecipients(grpc::CallbackServerContext* context,
                                                             const v1::GetRecipientsRequest* request,
                                                             v1::GetRecipientsResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, RecipientReaders()));
    std::vector<RecipientQuery> queries;
    for (const v1::RecipientQuery& q : request->queries())
      queries.push_back({q.registration_number(), q.activation_code()});
    ASSIGN_OR_RETURN(std::vector<Recipient> answers, domain_.codes->PrepareRecipients(queries));
    for (size_t i = 0; i < answers.size(); ++i) {
      v1::Recipient* r = response->add_recipients();
      r->set_registration_number(queries[i].registration_number);
      if (!answers[i].person) continue;
      r->set_found(true);
      r->set_phone(answers[i].person->phone);
      r->set_preferred_language(answers[i].person->preferred_language);
      r->set_account_active(answers[i].account_active);
      if (answers[i].code) r->set_activation_code(answers[i].code->code);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::ActivateAccount(grpc::CallbackServerContext* context,
                                                               const v1::ActivateAccountRequest* request,
                                                               v1::ActivateAccountResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, AccountOpeners()));
    return domain_.accounts->Activate(request->registration_number(), request->code(), request->password());
  });
}

grpc::ServerUnaryReactor* RegistrationService::AuthenticateAccount(grpc::CallbackServerContext* context,
                                                                   const v1::AuthenticateAccountRequest* request,
                                                                   v1::AuthenticateAccountResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, PasswordCheckers()));
    ASSIGN_OR_RETURN(AuthenticatedAccount account,
                     domain_.accounts->Authenticate(request->registration_number(), request->password()));
    response->set_registration_number(account.registration_number);
    response->set_program(account.program);
    response->set_preferred_language(account.preferred_language);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::ResendActivationCode(grpc::CallbackServerContext* context,
                                                                    const v1::ResendActivationCodeRequest* request,
                                                                    v1::ResendActivationCodeResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, AccountOpeners()));
    return domain_.resends->Request(request->registration_number());
  });
}

grpc::ServerUnaryReactor* RegistrationService::GetHouseholdMembers(grpc::CallbackServerContext* context,
                                                                   const v1::GetHouseholdMembersRequest* request,
                                                                   v1::GetHouseholdMembersResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, HouseholdReaders()));
    const std::vector<std::string> ids(request->member_ids().begin(), request->member_ids().end());
    ASSIGN_OR_RETURN(auto members, domain_.households->FindMembers(ids));
    for (size_t i = 0; i < members.size(); ++i) {
      v1::HouseholdMember* out = response->add_members();
      out->set_member_id(ids[i]);
      if (!members[i]) continue;
      const DeclaredHouseholdMember& m = *members[i];
      out->set_found(true);
      out->set_head_registration_number(m.head_registration_number);
      out->set_relationship(m.identity.relationship);
      out->set_cin(m.identity.cin);
      out->set_last_name(m.identity.last_name);
      out->set_first_name(m.identity.first_name);
      out->set_birth_date(m.identity.birth_date);
      out->set_sex(m.identity.sex == "F" ? v1::SEX_FEMALE : v1::SEX_MALE);
      out->set_program(m.program);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::ChoosePaymentMode(grpc::CallbackServerContext* context,
                                                                 const v1::ChoosePaymentModeRequest* request,
                                                                 v1::PaymentMode* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, PaymentModeChoosers()));
    ASSIGN_OR_RETURN(ShownPaymentMode mode,
                     domain_.payment_modes->Choose({request->registration_number(), MethodOf(request->method()),
                                                    request->rib(), request->wallet_phone(), request->chosen_by()}));
    ToProto(mode, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::GetPaymentMode(grpc::CallbackServerContext* context,
                                                              const v1::GetPaymentModeRequest* request,
                                                              v1::PaymentMode* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, PaymentModeChoosers()));
    ASSIGN_OR_RETURN(ShownPaymentMode mode, domain_.payment_modes->Get(request->registration_number()));
    ToProto(mode, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::GetPaymentAccounts(grpc::CallbackServerContext* context,
                                                                  const v1::GetPaymentAccountsRequest* request,
                                                                  v1::GetPaymentAccountsResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, PaymentAccountReaders()));
    const std::vector<std::string> numbers(request->registration_numbers().begin(),
                                           request->registration_numbers().end());
    ASSIGN_OR_RETURN(std::vector<PaymentAccount> accounts, domain_.payment_modes->Accounts(numbers));
    for (const PaymentAccount& a : accounts) {
      v1::PaymentAccount* out = response->add_accounts();
      out->set_registration_number(a.registration_number);
      out->set_method(ToProto(a.method));
      out->set_account(a.account);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::RegisterPerson(grpc::CallbackServerContext* context,
                                                              const v1::RegisterPersonRequest* request,
                                                              v1::RegisterPersonResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    PersonApplication application{request->cin(),        request->last_name(),
                                  request->first_name(), request->birth_date(),
                                  request->sex(),        request->phone(),
                                  request->program(),    request->category(),
                                  request->city(),       request->preferred_language()};
    ASSIGN_OR_RETURN(Person person, domain_.registrar->Register(application));
    ToProto(person, response->mutable_person());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationService::GetPerson(grpc::CallbackServerContext* context,
                                                         const v1::GetPersonRequest* request, v1::Person* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    absl::StatusOr<Person> person;
    switch (request->key_case()) {
      case v1::GetPersonRequest::kRegistrationNumber:
        person = domain_.registrar->GetByNumber(request->registration_number());
        break;
      case v1::GetPersonRequest::kCin:
        person = domain_.registrar->GetByCin(request->cin());
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
