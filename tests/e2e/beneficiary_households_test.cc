// A liaison batch of amo-tadamon households goes through registration and arrives as families in
// beneficiary, on the real stack (embedded broker, registration, beneficiary): every registered
// person is insured, every spouse and child a dependent of their head, asked of registration and
// decided (none left DETAILS_PENDING). Beneficiary is killed with -9 while it consumes and
// started again: nothing is lost and nothing applied twice.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "datagen/liaison_generator.h"
#include "events/envelope.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/registration/v1/events.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "liaison/manifest.h"
#include "metrics/scrape.h"
#include "registration/api/manifest_proto.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "testing/kcat.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

namespace reg = himaya::registration::v1;
namespace ben = himaya::beneficiary::v1;

TEST(BeneficiaryHouseholds, ABatchOfHouseholdsBecomesFamiliesThroughARestart) {
  testing::TempDir dir;
  datagen::LiaisonOptions gen = datagen::EveryoneRegisteredOptions(1500, dir.path(), 29);
  gen.program = "amo-tadamon";
  auto batch = datagen::GenerateLiaisonBatch(gen);
  ASSERT_TRUE(batch.ok()) << batch.status();
  stack::StackOptions options;
  options.data_dir = dir.path() + "/stack";
  options.services = {"registration", "beneficiary"};
  // Ten events a transaction: the batch takes beneficiary some 150 commits, so that a kill after
  // the first falls mid-way (with the default, the whole batch can be one transaction).
  options.extra_flags["beneficiary"] = {"--consumer_batch=10"};
  auto s = stack::LocalStack::Start(options);
  ASSERT_TRUE(s.ok()) << s.status();

  auto registration = reg::RegistrationService::NewStub(rpc::NewChannel((*s)->endpoint("registration").grpc));
  reg::Manifest manifest;
  {
    std::ifstream manifest_file(batch->manifest_path);
    auto parsed = liaison::ParseManifestJson(
        std::string((std::istreambuf_iterator<char>(manifest_file)), std::istreambuf_iterator<char>()));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    manifest = registration::ManifestToProto(*parsed);
    grpc::ClientContext context;
    reg::BatchStatus status;
    auto writer = registration->SubmitBatch(&context, &status);
    reg::UploadRequest request;
    *request.mutable_manifest() = manifest;
    ASSERT_TRUE(writer->Write(request));
    std::ifstream in(batch->csv_path, std::ios::binary);
    request.set_chunk(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
    ASSERT_TRUE(writer->Write(request));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }

  // Kill beneficiary once it has applied the first events, and start it again.
  const std::string beneficiary_metrics = (*s)->endpoint("beneficiary").metrics;
  double applied_before_kill = 0;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    applied_before_kill = metrics::MetricSum(beneficiary_metrics, "himaya_consumer_events_total",
                                                             {{"outcome", "applied"}});
                    return applied_before_kill >= 1;
                  },
                  absl::Seconds(120), "beneficiary to apply the first events")
                  .ok());
  (*s)->StopService("beneficiary", SIGKILL);
  ASSERT_TRUE((*s)->StartService("beneficiary").ok());

  // Every row applied and every event of registration on Kafka.
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    reg::GetBatchRequest request;
                    request.set_batch_id(manifest.batch_id());
                    request.set_liaison_body(manifest.liaison_body());
                    auto got = rpc::Call(*registration, &reg::RegistrationService::Stub::GetBatch, request);
                    return got.ok() && got->state() == reg::BATCH_STATE_COMPLETED &&
                           metrics::MetricSum((*s)->endpoint("registration").metrics, "himaya_outbox_depth") == 0;
                  },
                  absl::Seconds(180), "the batch applied and published")
                  .ok());
  const std::string topic = "himaya.registration.amo-tadamon.v1";
  auto on_topic = testing::ReadTopicWithKcat((*s)->bootstrap_servers(), topic);
  ASSERT_TRUE(on_topic.ok()) << on_topic.status();
  std::vector<std::string> insured;
  std::map<std::string, int> members_of;  // head -> members declared
  int members = 0;
  for (const testing::KcatRecord& record : *on_topic) {
    auto envelope = events::ParseEnvelope(record.value);
    ASSERT_TRUE(envelope.ok()) << envelope.status();
    if (envelope->type() == events::EventType<reg::PersonRegistered>()) {
      insured.push_back(events::Unpack<reg::PersonRegistered>(*envelope)->registration_number());
    } else if (envelope->type() == events::EventType<reg::HouseholdMemberDeclared>()) {
      ++members_of[events::Unpack<reg::HouseholdMemberDeclared>(*envelope)->head_registration_number()];
      ++members;
    }
  }
  ASSERT_GT(members, 100) << "the batch holds households";
  ASSERT_LT(applied_before_kill, static_cast<double>(insured.size() + members))
      << "the kill came too late to test anything";

  // Each head's family holds exactly its members, each decided; every registered person is insured.
  auto beneficiary = ben::BeneficiaryService::NewStub(rpc::NewChannel((*s)->endpoint("beneficiary").grpc));
  auto family_of = [&](const std::string& number) {
    ben::ListFamilyRequest request;
    request.set_registration_number(number);
    return rpc::Call(*beneficiary, &ben::BeneficiaryService::Stub::ListFamily, request);
  };
  std::string waiting;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    for (const auto& [head, n] : members_of) {
                      auto family = family_of(head);
                      if (!family.ok()) {
                        waiting = absl::StrCat(head, ": ", family.status().ToString());
                        return false;
                      }
                      int dependents = 0;
                      for (const ben::Beneficiary& b : family->beneficiaries()) {
                        if (b.relationship() == ben::RELATIONSHIP_INSURED) continue;
                        if (b.reason_today() == "DETAILS_PENDING") {
                          waiting = absl::StrCat(b.beneficiary_id(), " pending");
                          return false;
                        }
                        ++dependents;
                      }
                      if (dependents != n) {
                        waiting = absl::StrCat(head, " has ", dependents, " dependents, ", n, " declared");
                        return dependents < n ? false : true;
                      }
                    }
                    return true;
                  },
                  absl::Seconds(120), "every household member decided")
                  .ok())
      << waiting;
  int dependents = 0;
  int covered = 0;
  for (const auto& [head, n] : members_of) {
    auto family = family_of(head);
    ASSERT_TRUE(family.ok()) << family.status();
    for (const ben::Beneficiary& b : family->beneficiaries()) {
      if (b.relationship() == ben::RELATIONSHIP_INSURED) continue;
      ++dependents;
      covered += b.covered_today();
      EXPECT_EQ(b.source(), "LIAISON_BATCH");
      EXPECT_EQ(b.program(), "amo-tadamon");
    }
  }
  EXPECT_EQ(dependents, members) << "nothing lost, nothing applied twice";
  EXPECT_GT(covered, 0);
  for (const std::string& number : insured) {
    auto family = family_of(number);
    ASSERT_TRUE(family.ok()) << number << ": " << family.status();
    EXPECT_TRUE(family->beneficiaries(0).covered_today()) << number;
  }
  std::printf("%zu insured, %d household members (%d covered today); beneficiary killed after %.0f events\n",
              insured.size(), members, covered, applied_before_kill);
}

}  // namespace
}  // namespace himaya
