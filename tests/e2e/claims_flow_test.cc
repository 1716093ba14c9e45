// The whole claims flow on the real stack (embedded broker, registration, notification,
// beneficiary, claims): a person registered from a liaison batch, a child declared in their family,
// a bulk claims file with items for both decided with the expected amounts (one item rejected
// with its reason), put in a payment run, confirmed paid (ClaimPaid), and announced to the insured
// by SMS in their language (the local stack's file sink).
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "claims_e2e.h"
#include "events/envelope.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "himaya/claims/v1/events.pb.h"
#include "himaya/notification/v1/notification.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

namespace ben = himaya::beneficiary::v1;
namespace cl = himaya::claims::v1;
namespace notif = himaya::notification::v1;
using ::testing::HasSubstr;

// The SMS the local stack's file sink wrote, by message id.
std::map<std::string, std::string> SmsTextsById(const std::string& sink) {
  std::map<std::string, std::string> out;
  std::ifstream in(sink);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json sms = nlohmann::json::parse(line, nullptr, false);
    if (sms.is_object() && sms["message_id"].is_string() && sms["text"].is_string()) {
      out[sms["message_id"].get<std::string>()] = sms["text"].get<std::string>();
    }
  }
  return out;
}

TEST(ClaimsFlow, FromALiaisonBatchToAClaimDecidedPaidAndAnnouncedBySms) {
  testing::TempDir dir;
  stack::StackOptions options;
  options.data_dir = dir.path() + "/stack";
  auto started = stack::LocalStack::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  stack::LocalStack& s = **started;

  // An insured registered from a liaison batch, Arabic their language, and a child declared.
  auto registered = e2e::RegisterInsured(s, dir.path(), 1, 41, "ar");
  ASSERT_TRUE(registered.ok()) << registered.status();
  const std::string insured = registered->at(0);
  auto beneficiary = ben::BeneficiaryService::NewStub(rpc::NewChannel(s.endpoint("beneficiary").grpc));
  ben::DeclareFamilyMemberRequest declare;
  declare.set_registration_number(insured);
  declare.set_relationship(ben::RELATIONSHIP_CHILD);
  declare.set_first_name("Sara");
  declare.set_last_name("Alaoui");
  declare.set_birth_date("2016-04-12");
  declare.set_sex("F");
  declare.set_declared_by("AGENT:agent.e2e");
  auto declared = rpc::Call(*beneficiary, &ben::BeneficiaryService::Stub::DeclareFamilyMember, declare);
  ASSERT_TRUE(declared.ok()) << declared.status();
  const std::string child = declared->beneficiary().beneficiary_id();
  ASSERT_EQ(child, insured + "-01");

  // A bulk file from a proximity point: one file, three items cared for today.
  auto claims = cl::ClaimsService::NewStub(rpc::NewChannel(s.endpoint("claims").grpc));
  auto tariff = e2e::ImportTestTariff(*claims);
  ASSERT_TRUE(tariff.ok()) << tariff.status();
  const std::string today = e2e::CasablancaToday();
  const std::string claim_id = "E2E-FLOW-1";
  const std::vector<e2e::ClaimsFileRow> rows = {
      {claim_id, insured, insured, today, today, "C", 1, "100.00"},          // 70 % of the TNR 80.00: 56.00
      {claim_id, insured, child, today, today, "PH.GENERIQUE", 2, "75.50"},  // 70 % of 75.50: 52.85
      {claim_id, insured, child, today, today, "C", 2, "160.00"},            // at most 1: rejected
  };
  auto submitted = e2e::SubmitClaimsFile(*claims, "CASHPLUS", "CASHPLUS-E2E-1", e2e::ClaimsCsv(rows), 3);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_NE(submitted->state(), "REFUSED") << submitted->refusal();

  // Decided (confirmed by an agent if the sampling drew it for review).
  cl::GetClaimRequest which;
  which.set_claim_id(claim_id);
  cl::Claim claim;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto got = rpc::Call(*claims, &cl::ClaimsService::Stub::GetClaim, which);
                    if (!got.ok()) return false;
                    claim = *got;
                    if (claim.state() == "IN_REVIEW") e2e::ConfirmPendingReviews(*claims, "agent.e2e").IgnoreError();
                    return claim.state() == "DECIDED";
                  },
                  absl::Seconds(120), "the file to be decided")
                  .ok())
      << claim.ShortDebugString();
  EXPECT_EQ(claim.registration_number(), insured);
  EXPECT_EQ(claim.program(), "amo-tns");
  EXPECT_EQ(claim.outcome(), "PARTIAL");
  EXPECT_EQ(claim.claimed_centimes(), 10000 + 7550 + 16000);
  EXPECT_EQ(claim.reimbursed_centimes(), 5600 + 5285);
  ASSERT_EQ(claim.items_size(), 3);
  EXPECT_EQ(claim.items(0).beneficiary_id(), insured);
  EXPECT_EQ(claim.items(0).outcome(), "ACCEPTED");
  EXPECT_EQ(claim.items(0).tnr_amount_centimes(), 8000);
  EXPECT_EQ(claim.items(0).rate_percent(), 70);
  EXPECT_EQ(claim.items(0).reimbursed_centimes(), 5600);
  EXPECT_EQ(claim.items(1).beneficiary_id(), child);
  EXPECT_EQ(claim.items(1).outcome(), "ACCEPTED");
  EXPECT_EQ(claim.items(1).reimbursed_centimes(), 5285);
  EXPECT_EQ(claim.items(2).beneficiary_id(), child);
  EXPECT_EQ(claim.items(2).outcome(), "REJECTED");
  EXPECT_EQ(claim.items(2).reason(), "QUANTITY_OVER_MAXIMUM");
  EXPECT_EQ(claim.items(2).reimbursed_centimes(), 0);

  // The batch's report says the same, row by row.
  {
    auto report = e2e::ClaimBatchReport(*claims, "CASHPLUS", "CASHPLUS-E2E-1");
    ASSERT_TRUE(report.ok()) << report.status();
    std::vector<std::string> lines = absl::StrSplit(*report, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 4u) << *report;
    EXPECT_EQ(lines[1], absl::StrCat(claim_id, ",1,ACCEPTED,,5600"));
    EXPECT_EQ(lines[2], absl::StrCat(claim_id, ",2,ACCEPTED,,5285"));
    EXPECT_EQ(lines[3], absl::StrCat(claim_id, ",3,REJECTED,QUANTITY_OVER_MAXIMUM,0"));
  }

  // Paid: a run of today, its instruction for the insured, the bank's confirmation.
  auto payments = cl::ClaimPaymentService::NewStub(rpc::NewChannel(s.endpoint("claims").grpc));
  cl::CreatePaymentRunRequest create;
  create.set_date(today);
  create.set_created_by("agent.e2e");
  auto run = rpc::Call(*payments, &cl::ClaimPaymentService::Stub::CreatePaymentRun, create);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->claims(), 1);
  EXPECT_EQ(run->total_centimes(), 10885);
  std::string instructions;
  {
    cl::GetPaymentRunRequest get;
    get.set_run_id(run->run_id());
    grpc::ClientContext context;
    auto reader = payments->GetPaymentInstructions(&context, get);
    cl::PaymentInstructionChunk chunk;
    while (reader->Read(&chunk)) instructions += chunk.csv();
    ASSERT_TRUE(reader->Finish().ok());
  }
  std::vector<std::string> lines = absl::StrSplit(instructions, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << instructions;
  // run_id,line,registration_number,claims,amount_centimes
  std::vector<std::string> line = absl::StrSplit(lines[1], ',');
  ASSERT_EQ(line.size(), 5u) << lines[1];
  EXPECT_EQ(line[2], insured);
  EXPECT_EQ(line[3], "1");
  EXPECT_EQ(line[4], "10885");
  {
    grpc::ClientContext context;
    cl::PaymentConfirmationResult confirmed;
    auto writer = payments->ImportPaymentConfirmation(&context, &confirmed);
    cl::PaymentConfirmationUpload upload;
    upload.set_run_id(run->run_id());
    ASSERT_TRUE(writer->Write(upload));
    upload.set_chunk(absl::StrCat("run_id,line,registration_number,status,reason\n", run->run_id(), ",", line[1], ",",
                                  insured, ",PAID,\n"));
    ASSERT_TRUE(writer->Write(upload));
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(confirmed.claims_paid(), 1);
  }
  auto paid = rpc::Call(*claims, &cl::ClaimsService::Stub::GetClaim, which);
  ASSERT_TRUE(paid.ok()) << paid.status();
  EXPECT_EQ(paid->state(), "PAID");
  EXPECT_EQ(paid->payment_run_id(), run->run_id());

  // On Kafka: the file decided and paid, amounts and codes only.
  std::vector<events::Envelope> on_topic;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto got = e2e::ClaimsEventsOnKafka(s, "amo-tns");
                    if (got.ok()) on_topic = *got;
                    for (const events::Envelope& e : on_topic) {
                      if (e.type() == events::EventType<cl::ClaimPaid>()) return true;
                    }
                    return false;
                  },
                  absl::Seconds(60), "ClaimPaid on Kafka")
                  .ok());
  int decided_events = 0;
  for (const events::Envelope& e : on_topic) {
    if (e.type() == events::EventType<cl::ClaimDecided>()) {
      auto decided = events::Unpack<cl::ClaimDecided>(e);
      ASSERT_TRUE(decided.ok());
      ++decided_events;
      EXPECT_EQ(decided->claim_id(), claim_id);
      EXPECT_EQ(decided->outcome(), "PARTIAL");
      EXPECT_EQ(decided->reimbursed_centimes(), 10885);
      EXPECT_EQ(decided->items_rejected(), 1);
    } else if (e.type() == events::EventType<cl::ClaimPaid>()) {
      auto event = events::Unpack<cl::ClaimPaid>(e);
      ASSERT_TRUE(event.ok());
      EXPECT_EQ(event->paid_centimes(), 10885);
      EXPECT_EQ(event->run_id(), run->run_id());
    }
    EXPECT_EQ(e.SerializeAsString().find("Sara"), std::string::npos) << "no names on the topic";
  }
  EXPECT_EQ(decided_events, 1);

  // Announced by SMS, in Arabic: the decision (the outcome in words, the amount in dirhams), then
  // the payment.
  auto notification = notif::NotificationService::NewStub(rpc::NewChannel(s.endpoint("notification").grpc));
  notif::ListMessagesRequest list;
  list.set_registration_number(insured);
  std::map<std::string, notif::Message> sent;  // template -> message
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto got = rpc::Call(*notification, &notif::NotificationService::Stub::ListMessages, list);
                    if (!got.ok()) return false;
                    sent.clear();
                    for (const notif::Message& m : got->messages()) sent[m.template_()] = m;
                    for (const char* key : {"claim_decided", "claim_paid"}) {
                      if (!sent.count(key) || sent[key].status() != notif::MESSAGE_STATUS_DELIVERED) return false;
                    }
                    return true;
                  },
                  absl::Seconds(60), "the claim's SMS delivered")
                  .ok());
  const std::map<std::string, std::string> texts = SmsTextsById(s.data_dir() + "/sms.jsonl");
  const std::string decided_sms =
      texts.count(sent["claim_decided"].message_id()) ? texts.at(sent["claim_decided"].message_id()) : "";
  EXPECT_EQ(sent["claim_decided"].language(), "ar");
  EXPECT_THAT(decided_sms, HasSubstr(claim_id));
  EXPECT_THAT(decided_sms, HasSubstr("مقبول جزئيا"));
  EXPECT_THAT(decided_sms, HasSubstr("108.85"));
  const std::string paid_sms =
      texts.count(sent["claim_paid"].message_id()) ? texts.at(sent["claim_paid"].message_id()) : "";
  EXPECT_THAT(paid_sms, HasSubstr(claim_id));
  EXPECT_THAT(paid_sms, HasSubstr("108.85"));
  EXPECT_THAT(paid_sms, HasSubstr("درهم"));
}

}  // namespace
}  // namespace himaya
