// ClaimsService through the gRPC edge: a real server and stub in the process, on both backends.
// Each refusal's status, message and `himaya-reason`; the file as the proto writes it.
#include "claims/src/claims_service.h"

#include "absl/strings/str_cat.h"
#include "claims/test/claims_database.h"
#include "core/thread_pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "liaison/manifested_csv.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "rpc/server.h"

namespace himaya::claims {
namespace {

using ::testing::HasSubstr;
using Stub = v1::ClaimsService::Stub;

// A call's status and the refusal code in its trailing metadata.
struct Refusal {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  std::string reason;
};

class ClaimsServiceTest : public ClaimsDatabaseTest {
 protected:
  void SetUp() override {
    ClaimsDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    intake_ = std::make_unique<ClaimIntake>(*db_, clock_, random_, IntakeOptions{}, [] {});
    lookup_ = std::make_unique<ClaimLookup>(*db_);
    batches_.db = db_.get();
    batches_.clock = &clock_;
    tariffs_ = std::make_unique<TariffImports>(*db_, clock_);
    ald_ = std::make_unique<AldCertificates>(*db_, clock_);
    reviews_ = std::make_unique<ClaimReviews>(*db_, clock_, events::EventSource{"claims", &clock_, &random_}, registry_,
                                              processing_time_);
    claim_clock_ = std::make_unique<ClaimClock>(*db_, registry_, clock_);
    service_ = std::make_unique<ClaimsService>(ClaimsDomain{intake_.get(), lookup_.get(), &batches_, tariffs_.get(),
                                                            ald_.get(), reviews_.get(), claim_clock_.get()},
                                               pool_);
    auto server = rpc::Server::Start({.services = {service_.get()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = std::make_unique<Stub>(rpc::NewChannel(absl::StrCat("127.0.0.1:", server_->port())));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  static v1::SubmitClaimRequest Request(const std::string& claim_id, const std::string& number = "100000017") {
    v1::SubmitClaimRequest r;
    r.set_claim_id(claim_id);
    r.set_registration_number(number);
    r.set_filed_date("2026-03-01");
    r.set_channel("AGENT:a.idrissi");
    v1::ClaimItem* item = r.add_items();
    item->set_beneficiary_id(number + "-01");
    item->set_care_date("2026-02-27");
    item->set_act_code("C");
    item->set_quantity(1);
    item->set_amount_paid_centimes(15000);
    return r;
  }
  Refusal Refused(const v1::SubmitClaimRequest& r) {
    grpc::ClientContext context;
    v1::Claim response;
    grpc::Status status = stub_->SubmitClaim(&context, r, &response);
    Refusal out{status.error_code(), status.error_message(), ""};
    auto it = context.GetServerTrailingMetadata().find(kReasonMetadata);
    if (it != context.GetServerTrailingMetadata().end()) out.reason = std::string(it->second.data(), it->second.size());
    return out;
  }
  core::ThreadPool pool_{2};
  std::unique_ptr<ClaimIntake> intake_;
  std::unique_ptr<ClaimLookup> lookup_;
  BatchIntakeContext batches_;
  std::unique_ptr<TariffImports> tariffs_;
  std::unique_ptr<AldCertificates> ald_;
  prometheus::Registry registry_;
  ProcessingTime processing_time_{registry_};
  std::unique_ptr<ClaimReviews> reviews_;
  std::unique_ptr<ClaimClock> claim_clock_;
  std::unique_ptr<ClaimsService> service_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_P(ClaimsServiceTest, ASubmittedFileIsReturnedReceivedAndReadBack) {
  auto submitted = rpc::Call(*stub_, &Stub::SubmitClaim, Request("FS-1"));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->claim_id(), "FS-1");
  EXPECT_EQ(submitted->state(), "RECEIVED");
  EXPECT_EQ(submitted->channel(), "AGENT:a.idrissi");
  EXPECT_EQ(submitted->due_date(), "2026-03-11");
  EXPECT_EQ(submitted->claimed_centimes(), 15000);
  EXPECT_EQ(submitted->received_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  ASSERT_EQ(submitted->items_size(), 1);
  EXPECT_EQ(submitted->items(0).item(), 1);
  EXPECT_EQ(submitted->items(0).outcome(), "");

  v1::GetClaimRequest get;
  get.set_claim_id("FS-1");
  auto read = rpc::Call(*stub_, &Stub::GetClaim, get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), submitted->SerializeAsString());
  get.set_claim_id("FS-2");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::GetClaim, get).status().code(), absl::StatusCode::kNotFound);
  get.set_claim_id("FS 2");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::GetClaim, get).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(ClaimsServiceTest, RefusalsSayTheFieldOrTheCode) {
  ASSERT_TRUE(rpc::Call(*stub_, &Stub::SubmitClaim, Request("FS-1")).ok());
  Refusal taken = Refused(Request("FS-1"));
  EXPECT_EQ(taken.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(taken.reason, "CLAIM_ID_TAKEN");
  v1::SubmitClaimRequest late = Request("FS-2");
  late.mutable_items(0)->set_care_date("2026-03-02");
  Refusal invalid = Refused(late);
  EXPECT_EQ(invalid.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(invalid.message, HasSubstr("items[0].care_date"));
  EXPECT_EQ(invalid.reason, "");
}

TEST_P(ClaimsServiceTest, AReviewIsListedAndDecidedAndOverdueFilesListedThroughTheEdge) {
  ASSERT_TRUE(rpc::Call(*stub_, &Stub::SubmitClaim, Request("FS-1")).ok());
  ASSERT_TRUE(rpc::Call(*stub_, &Stub::SubmitClaim, Request("FS-2")).ok());
  v1::DecideClaimReviewRequest decide;
  decide.set_claim_id("FS-1");
  decide.set_decision(v1::DecideClaimReviewRequest::REJECT);
  decide.set_agent("agent-7");
  decide.set_reason("FORGED_DOCUMENT");
  grpc::ClientContext early;
  v1::Claim claim;
  EXPECT_EQ(stub_->DecideClaimReview(&early, decide, &claim).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(early.GetServerTrailingMetadata().find(kReasonMetadata)->second, "NOT_IN_REVIEW");
  // As the decider leaves a file over the review threshold.
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                   return tx
                       .Execute(
                           "UPDATE claims SET state = 'IN_REVIEW', program = 'amo-tadamon', outcome = 'ACCEPTED', "
                           "review_reason = 'SAMPLED' WHERE claim_id = 'FS-1'")
                       .status();
                 })
                  .ok());
  auto pending = rpc::Call(*stub_, &Stub::ListClaimReviews, v1::ListClaimReviewsRequest());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->claims_size(), 1);
  EXPECT_EQ(pending->claims(0).review_reason(), "SAMPLED");
  v1::DecideClaimReviewRequest unspecified = decide;
  unspecified.set_decision(v1::DecideClaimReviewRequest::DECISION_UNSPECIFIED);
  EXPECT_EQ(rpc::Call(*stub_, &Stub::DecideClaimReview, unspecified).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto decided = rpc::Call(*stub_, &Stub::DecideClaimReview, decide);
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->state(), "DECIDED");
  EXPECT_EQ(decided->outcome(), "REJECTED");
  EXPECT_EQ(decided->reviewed_by(), "agent-7");
  EXPECT_EQ(decided->items(0).reason(), "REJECTED_BY_AGENT");
  v1::ListClaimReviewsRequest reviewed;
  reviewed.set_state("DECIDED");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::ListClaimReviews, reviewed)->claims_size(), 1);
  reviewed.set_state("LATER");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::ListClaimReviews, reviewed).status().code(), absl::StatusCode::kInvalidArgument);

  clock_.Advance(absl::Hours(24) * 10);  // FS-2 was due 2026-03-11; FS-1 is settled
  auto overdue = rpc::Call(*stub_, &Stub::ListOverdueClaims, v1::ListOverdueClaimsRequest());
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  ASSERT_EQ(overdue->claims_size(), 1);
  EXPECT_EQ(overdue->claims(0).claim_id(), "FS-2");
  v1::ListOverdueClaimsRequest bad;
  bad.set_page_token("x");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::ListOverdueClaims, bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(ClaimsServiceTest, AnInsuredsFilesNewestFirstAPageAtATime) {
  for (const char* id : {"FS-1", "FS-2", "FS-3"}) {
    ASSERT_TRUE(rpc::Call(*stub_, &Stub::SubmitClaim, Request(id)).ok());
    clock_.Advance(absl::Minutes(1));
  }
  ASSERT_TRUE(rpc::Call(*stub_, &Stub::SubmitClaim, Request("FS-4", "100000025")).ok());
  v1::ListClaimsRequest list;
  list.set_registration_number("100000017");
  list.set_page_size(2);
  auto first = rpc::Call(*stub_, &Stub::ListClaims, list);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->claims_size(), 2);
  EXPECT_EQ(first->claims(0).claim_id(), "FS-3");
  EXPECT_EQ(first->claims(1).claim_id(), "FS-2");
  EXPECT_EQ(first->claims(0).items_size(), 0);
  ASSERT_FALSE(first->next_page_token().empty());
  list.set_page_token(first->next_page_token());
  auto second = rpc::Call(*stub_, &Stub::ListClaims, list);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->claims_size(), 1);
  EXPECT_EQ(second->claims(0).claim_id(), "FS-1");
  EXPECT_EQ(second->next_page_token(), "");

  list.set_page_token("nonsense");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::ListClaims, list).status().code(), absl::StatusCode::kInvalidArgument);
  list.set_page_token("");
  list.set_page_size(501);
  EXPECT_EQ(rpc::Call(*stub_, &Stub::ListClaims, list).status().code(), absl::StatusCode::kInvalidArgument);
  list.set_page_size(0);
  list.set_registration_number("");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::ListClaims, list).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(ClaimsServiceTest, ABulkFileIsUploadedInChunksAndItsReportStreamed) {
  const std::string csv =
      "claim_id,registration_number,beneficiary_id,care_date,filed_date,act_code,quantity,amount_paid\n"
      "F-1,100000017,100000017,2026-02-27,2026-03-01,C,1,80.00\n"
      "F-1,100000017,100000017-01,2026-02-28,2026-03-01,C,1,80.00\n";
  auto upload = [&](const std::string& sha256) {
    grpc::ClientContext context;
    v1::ClaimBatchStatus status;
    auto writer = stub_->SubmitClaimBatch(&context, &status);
    v1::ClaimBatchUpload message;
    v1::Manifest* manifest = message.mutable_manifest();
    manifest->set_batch_id("B-1");
    manifest->set_liaison_body("CASHPLUS");
    manifest->set_record_count(2);
    manifest->set_sha256(sha256);
    EXPECT_TRUE(writer->Write(message));
    for (size_t at = 0; at < csv.size(); at += 40) {
      v1::ClaimBatchUpload chunk;
      chunk.set_chunk(csv.substr(at, 40));
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    grpc::Status done = writer->Finish();
    return std::make_pair(done, status);
  };
  auto [done, status] = upload(liaison::Sha256Hex(csv));
  ASSERT_TRUE(done.ok()) << done.error_message();
  EXPECT_EQ(status.state(), "DECIDING");
  EXPECT_EQ(status.sender(), "CASHPLUS");
  EXPECT_EQ(status.rows_received(), 2);
  EXPECT_EQ(status.claims_received(), 1);
  auto [refused, unused] = upload(liaison::Sha256Hex("other bytes"));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::ALREADY_EXISTS) << refused.error_message();

  v1::GetClaimBatchRequest request;
  request.set_batch_id("B-1");  // no sender: found by its id
  auto read = rpc::Call(*stub_, &Stub::GetClaimBatch, request);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->claims_received(), 1);
  grpc::ClientContext context;
  auto reader = stub_->GetClaimBatchReport(&context, request);
  std::string report;
  v1::ReportChunk chunk;
  while (reader->Read(&chunk)) report += chunk.csv();
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(report,
            "claim_id,item,outcome,reason,reimbursed_centimes\n"
            "F-1,1,PENDING,,0\n"
            "F-1,2,PENDING,,0\n");
  request.set_batch_id("B-2");
  grpc::ClientContext unknown_context;
  auto unknown = stub_->GetClaimBatchReport(&unknown_context, request);
  while (unknown->Read(&chunk)) {
  }
  EXPECT_EQ(unknown->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(ClaimsServiceTest, ATariffIsImportedAndAnAldCertificateRegistered) {
  const std::string csv =
      "act_code,label,category,tnr_amount,max_quantity,min_days_between\n"
      "C,Consultation,CONSULTATION,80.00,1,0\n"
      "CS,Consultation spécialiste,SPECIALIST,150.00,1,0\n";
  auto import = [&](const std::string& version) {
    grpc::ClientContext context;
    v1::TariffImportResult result;
    auto writer = stub_->ImportTariff(&context, &result);
    v1::TariffUpload header;
    header.mutable_header()->set_version(version);
    header.mutable_header()->set_effective_from("2026-01-01");
    EXPECT_TRUE(writer->Write(header));
    v1::TariffUpload chunk;
    chunk.set_chunk(csv);
    EXPECT_TRUE(writer->Write(chunk));
    writer->WritesDone();
    grpc::Status done = writer->Finish();
    return std::make_pair(done, result);
  };
  auto [done, result] = import("TNR-2026-01");
  ASSERT_TRUE(done.ok()) << done.error_message();
  EXPECT_EQ(result.version(), "TNR-2026-01");
  EXPECT_EQ(result.effective_from(), "2026-01-01");
  EXPECT_EQ(result.acts(), 2);
  EXPECT_FALSE(result.already_imported());
  auto [again_done, again] = import("TNR-2026-01");
  ASSERT_TRUE(again_done.ok()) << again_done.error_message();
  EXPECT_TRUE(again.already_imported());
  auto [other_day, unused] = import("TNR-2026-02");
  EXPECT_EQ(other_day.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  v1::RegisterAldCertificateRequest ald;
  ald.set_certificate("ALD-2025-0091");
  ald.set_beneficiary_id("100000017-01");
  ald.set_valid_from("2025-06-01");
  ald.set_valid_until("2027-05-31");
  ald.set_registered_by("agent-1");
  auto registered = rpc::Call(*stub_, &Stub::RegisterAldCertificate, ald);
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->beneficiary_id(), "100000017-01");
  EXPECT_EQ(registered->valid_until(), "2027-05-31");
  ald.set_valid_until("2025-01-01");
  auto refused = rpc::Call(*stub_, &Stub::RegisterAldCertificate, ald);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("valid_until"));
}

INSTANTIATE_BACKENDS(ClaimsServiceTest);

}  // namespace
}  // namespace himaya::claims
