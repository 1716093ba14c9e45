// Two notification replicas on one PostgreSQL database send every message exactly once: two
// real himaya-notification processes consume the same registrations (one consumer group) and
// dispatch from the same messages table, each into its own SMS file sink; 5,000 people are
// registered by batch, and what reached the two sinks together is each message once.
#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "core/json_file.h"
#include "core/process.h"
#include "datagen/liaison_generator.h"
#include "gtest/gtest.h"
#include "metrics/scrape.h"
#include "nlohmann/json.hpp"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "storage/database.h"
#include "testing/backends.h"
#include "testing/queries.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

// The message ids a file sink received, one per line written.
std::vector<std::string> SinkMessageIds(const std::string& path) {
  std::vector<std::string> ids;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    ids.push_back(json.is_object() && json.contains("message_id") ? json["message_id"].get<std::string>() : "?");
  }
  return ids;
}

TEST(NotificationReplicas, TwoProcessesOnOnePostgresSendEachMessageOnce) {
  constexpr int kPeople = 5000;
  testing::TempDir dir;
  auto batch = datagen::GenerateLiaisonBatch(datagen::EveryoneRegisteredOptions(kPeople, dir.path(), 21));
  ASSERT_TRUE(batch.ok()) << batch.status();
  auto database = testing::SharedPostgres().CreateDatabase("replicas");
  ASSERT_TRUE(database.ok()) << database.status();

  // Replica a is the stack's notification; replica b a second process on the same database.
  const std::string sink_a = dir.path() + "/a.jsonl", sink_b = dir.path() + "/b.jsonl";
  stack::StackOptions options;
  options.data_dir = dir.path() + "/stack";
  options.databases["notification"] = *database;
  options.extra_flags["notification"] = {"--sms_rate=5000", "--instance_id=replica-a", "--sms_sink=" + sink_a};
  auto s = stack::LocalStack::Start(options);
  ASSERT_TRUE(s.ok()) << s.status();
  const std::string b_dir = dir.path() + "/b";
  std::filesystem::create_directories(b_dir + "/run");
  std::vector<std::string> b_argv = {stack::DefaultBinDir() + "/himaya-notification",
                                     "--data_dir=" + b_dir,
                                     "--database=" + *database,
                                     "--kafka_bootstrap=" + (*s)->bootstrap_servers(),
                                     "--registration_address=" + (*s)->endpoint("registration").grpc,
                                     "--address_file=" + b_dir + "/run/notification.json",
                                     "--quiet_hours=",
                                     "--sms_provider=file",
                                     "--sms_sink=" + sink_b,
                                     "--sms_rate=5000",
                                     "--instance_id=replica-b"};
  // It calls registration as notification, with the stack's certificate.
  const std::vector<std::string> tls = (*s)->tls_flags("notification");
  b_argv.insert(b_argv.end(), tls.begin(), tls.end());
  auto b = core::Subprocess::Start(
      {.argv = b_argv, .stdout_path = b_dir + "/notification.log", .stderr_path = b_dir + "/notification.log"});
  ASSERT_TRUE(b.ok()) << b.status();
  stack::Endpoint b_endpoint;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto endpoint = stack::ReadEndpoint(b_dir, "notification");
                    if (!endpoint.ok() || !rpc::CheckHealth(endpoint->grpc, "").value_or(false)) return false;
                    b_endpoint = *endpoint;
                    return true;
                  },
                  absl::Seconds(60), "the second notification replica")
                  .ok())
      << "see " << b_dir << "/notification.log";

  auto submit = core::Subprocess::Start({.argv = {stack::DefaultBinDir() + "/himaya", "batch", "submit",
                                                  batch->csv_path, "--data_dir=" + options.data_dir},
                                         .stdout_path = dir.path() + "/submit.out",
                                         .stderr_path = dir.path() + "/submit.out"});
  ASSERT_TRUE(submit.ok()) << submit.status();
  ASSERT_EQ(submit->Wait(absl::Seconds(300)).value_or(-1), 0) << "see " << dir.path() << "/submit.out";

  // Done when every message is closed and each replica's sink holds exactly what it counted as
  // sent (no submission still in flight).
  auto db = storage::Open({.url = *database, .pool_size = 1});
  ASSERT_TRUE(db.ok()) << db.status();
  auto sent = [](const std::string& metrics) {
    return metrics::MetricSum(
        metrics, "himaya_notification_messages_total",
        {{"channel", "sms"}, {"program", "amo-tns"}, {"template", "activation"}, {"what", "sent"}});
  };
  int64_t delivered = 0;
  absl::Status done = stack::WaitUntil(
      [&] {
        delivered = testing::Count(**db, "SELECT count(*) FROM messages WHERE status = 'DELIVERED'");
        if (delivered < kPeople) return false;
        return sent((*s)->endpoint("notification").metrics) + sent(b_endpoint.metrics) ==
               static_cast<double>(SinkMessageIds(sink_a).size() + SinkMessageIds(sink_b).size());
      },
      absl::Seconds(300), "every message delivered");
  ASSERT_TRUE(done.ok()) << done << " (delivered: " << delivered << ")";

  std::map<std::string, int> received;
  const std::vector<std::string> by_a = SinkMessageIds(sink_a), by_b = SinkMessageIds(sink_b);
  for (const auto* ids : {&by_a, &by_b}) {
    for (const std::string& id : *ids) ++received[id];
  }
  int twice = 0;
  for (const auto& [id, n] : received) twice += n > 1;
  EXPECT_EQ(received.size(), static_cast<size_t>(kPeople)) << "every person's message reached the provider";
  EXPECT_EQ(twice, 0) << "messages sent by both replicas";
  EXPECT_EQ(by_a.size() + by_b.size(), static_cast<size_t>(kPeople));
  EXPECT_GT(by_a.size(), 0u) << "replica a sent nothing: the test proved nothing";
  EXPECT_GT(by_b.size(), 0u) << "replica b sent nothing: the test proved nothing";
  std::printf("replica a sent %zu, replica b sent %zu, sent twice: %d\n", by_a.size(), by_b.size(), twice);
  b->Stop();
}

}  // namespace
}  // namespace himaya
