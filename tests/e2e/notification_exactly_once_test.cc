// Exactly once, as far as a provider without idempotency keys allows: every registration event
// is delivered twice, and the notification service is killed with -9 in the middle of sending
// through a real Kannel and started again. Every person has one activation message; the network
// sees each person once, except messages a crash caught between submitting and recording,
// which are counted (himaya_notification_resent_after_crash_total) and bounded by the claim size.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "datagen/liaison_generator.h"
#include "events/kafka.h"
#include "gtest/gtest.h"
#include "himaya/notification/v1/notification.grpc.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "liaison/manifest.h"
#include "metrics/scrape.h"
#include "registration/api/manifest_proto.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_kannel.h"
#include "stack/local_stack.h"
#include "testing/kcat.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

namespace reg = himaya::registration::v1;
namespace notif = himaya::notification::v1;

TEST(NotificationExactlyOnce, DuplicateEventsAndAKillMidDispatch) {
  constexpr int kPeople = 300;
  testing::TempDir dir;
  datagen::LiaisonOptions gen = datagen::EveryoneRegisteredOptions(kPeople, dir.path(), 13);
  gen.language = "fr";  // one part each, so the network's count is a count of messages
  auto batch = datagen::GenerateLiaisonBatch(gen);
  ASSERT_TRUE(batch.ok()) << batch.status();
  std::filesystem::create_directories(dir.path() + "/kannel");
  auto kannel = stack::LocalKannel::Start(dir.path() + "/kannel", "");
  ASSERT_TRUE(kannel.ok()) << kannel.status();

  const std::string password_file = dir.path() + "/kannel.password";
  std::ofstream(password_file) << (*kannel)->password();
  const std::vector<std::string> sending = {"--sms_provider=kannel", "--kannel_sendsms_url=" + (*kannel)->sendsms_url(),
                                            "--kannel_username=" + (*kannel)->username(),
                                            "--kannel_password_file=" + password_file, "--sms_rate=40"};
  stack::StackOptions options;
  options.data_dir = dir.path() + "/stack";
  options.extra_flags["notification"] = sending;
  auto s = stack::LocalStack::Start(options);
  ASSERT_TRUE(s.ok()) << s.status();

  // Register everyone by batch.
  auto registration = reg::RegistrationService::NewStub(rpc::NewChannel((*s)->endpoint("registration").grpc));
  {
    std::ifstream manifest_file(batch->manifest_path);
    auto manifest = liaison::ParseManifestJson(
        std::string((std::istreambuf_iterator<char>(manifest_file)), std::istreambuf_iterator<char>()));
    ASSERT_TRUE(manifest.ok()) << manifest.status();
    grpc::ClientContext context;
    reg::BatchStatus status;
    auto writer = registration->SubmitBatch(&context, &status);
    reg::UploadRequest request;
    *request.mutable_manifest() = registration::ManifestToProto(*manifest);
    ASSERT_TRUE(writer->Write(request));
    std::ifstream in(batch->csv_path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    request.set_chunk(bytes);
    ASSERT_TRUE(writer->Write(request));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }
  const std::string topic = "himaya.registration.amo-tns.v1";
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto n = events::CountTopicMessages({(*s)->bootstrap_servers()}, topic);
                    return n.ok() && *n >= kPeople + 1;
                  },
                  absl::Seconds(60), "the registrations on Kafka")
                  .ok());

  // Every event once more, as a relay that crashed before marking its rows would send them.
  {
    auto on_topic = testing::ReadTopicWithKcat((*s)->bootstrap_servers(), topic);
    ASSERT_TRUE(on_topic.ok()) << on_topic.status();
    std::vector<events::Record> again;
    for (const testing::KcatRecord& record : *on_topic) again.push_back({topic, record.key, record.value});
    ASSERT_EQ(again.size(), static_cast<size_t>(kPeople + 1));
    auto producer = events::KafkaProducer::Create({(*s)->bootstrap_servers()});
    ASSERT_TRUE(producer.ok());
    for (const absl::Status& st : (*producer)->Publish(again)) ASSERT_TRUE(st.ok()) << st;
  }

  // Kill notification while it sends (40 a second: about 7 seconds for everyone).
  ASSERT_TRUE(stack::WaitUntil([&] { return (*kannel)->ReceivedMessages().size() >= 40; }, absl::Seconds(60),
                               "sending to have started")
                  .ok());
  (*s)->StopService("notification", SIGKILL);
  const size_t before_restart = (*kannel)->ReceivedMessages().size();
  ASSERT_LT(before_restart, static_cast<size_t>(kPeople)) << "the kill came too late to test anything";
  ASSERT_TRUE((*s)->StartService("notification", &sending).ok());

  // The restarted process may wait a minute for the group to answer its join (its consumer's
  // max.poll.interval.ms) when it had events left to read.
  ASSERT_TRUE(stack::WaitUntil([&] { return (*kannel)->ReceivedMessages().size() >= static_cast<size_t>(kPeople); },
                               absl::Seconds(180), "every person's SMS")
                  .ok())
      << (*kannel)->ReceivedMessages().size();

  // One activation message per person, though every event came twice.
  auto notification = notif::NotificationService::NewStub(rpc::NewChannel((*s)->endpoint("notification").grpc));
  auto messages_of = [&](const std::string& number) {
    notif::ListMessagesRequest request;
    request.set_registration_number(number);
    return rpc::Call(*notification, &notif::NotificationService::Stub::ListMessages, request);
  };
  std::vector<std::string> numbers;
  {
    reg::GetBatchRequest request;
    request.set_batch_id(batch->batch_id);
    grpc::ClientContext context;
    auto reader = registration->GetBatchReport(&context, request);
    std::string report;
    reg::ReportChunk chunk;
    while (reader->Read(&chunk)) report += chunk.csv();
    ASSERT_TRUE(reader->Finish().ok());
    std::vector<std::string> lines = absl::StrSplit(report, '\n', absl::SkipEmpty());
    ASSERT_FALSE(lines.empty());
    // The column named registration_number (the report's columns may grow).
    const std::vector<std::string> header = absl::StrSplit(lines[0], ',');
    const size_t column = std::find(header.begin(), header.end(), "registration_number") - header.begin();
    ASSERT_LT(column, header.size()) << lines[0];
    for (size_t i = 1; i < lines.size(); ++i) {
      numbers.push_back(std::vector<std::string>(absl::StrSplit(lines[i], ',')).at(column));
    }
  }
  ASSERT_EQ(numbers.size(), static_cast<size_t>(kPeople));
  // Nothing more reaches the network once no message is left to send and every SMS the restarted
  // process submitted is reported delivered: Kannel's link to the network is first in first out,
  // so the submissions of the killed process went before.
  const std::string metrics = (*s)->endpoint("notification").metrics;
  double sent = 0, reported = 0;
  int open = 0;
  std::string list_error;
  auto settled = [&] {
    sent =
        metrics::MetricSum(metrics, "himaya_notification_messages_total",
                           {{"channel", "sms"}, {"program", "amo-tns"}, {"template", "activation"}, {"what", "sent"}});
    reported = metrics::MetricSum(metrics, "himaya_notification_delivery_reports_total");
    if (sent != reported) return false;
    open = 0;
    for (const std::string& number : numbers) {
      absl::StatusOr<notif::ListMessagesResponse> listed = messages_of(number);
      if (!listed.ok()) {
        list_error = std::string(listed.status().message());
        return false;
      }
      for (const auto& m : listed->messages()) {
        if (m.status() == notif::MESSAGE_STATUS_PENDING || m.status() == notif::MESSAGE_STATUS_SENDING) ++open;
      }
    }
    return open == 0;
  };
  ASSERT_TRUE(stack::WaitUntil(settled, absl::Seconds(120), "every submission to be reported").ok())
      << "sent " << sent << ", reported " << reported << ", messages still to send " << open << " " << list_error;
  for (const std::string& number : numbers) {
    absl::StatusOr<notif::ListMessagesResponse> listed = messages_of(number);
    ASSERT_TRUE(listed.ok()) << listed.status();
    ASSERT_EQ(listed->messages_size(), 1) << number;
    EXPECT_EQ(listed->messages(0).template_(), "activation");
  }

  std::map<std::string, int> received_by;
  for (const std::string& line : (*kannel)->ReceivedMessages()) {
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    ++received_by[f.at(1)];
  }
  EXPECT_EQ(received_by.size(), static_cast<size_t>(kPeople)) << "everyone got their SMS";
  int extra = 0;
  for (const auto& [to, n] : received_by) extra += n - 1;
  const double resent =
      metrics::MetricSum((*s)->endpoint("notification").metrics, "himaya_notification_resent_after_crash_total");
  EXPECT_LE(extra, resent) << "duplicates only where a crash caught a message mid-send";
  EXPECT_LE(resent, 200) << "bounded by the claim size";
  std::printf("network duplicates after the crash: %d (resent after crash: %.0f)\n", extra, resent);
}

}  // namespace
}  // namespace himaya
