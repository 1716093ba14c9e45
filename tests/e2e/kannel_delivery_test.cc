// SMS through a real Kannel (bearerbox + smsbox + fake SMSC, fakesmsc as the network): a
// registered person's activation SMS is submitted over HTTP sendsms, reaches the network, and
// the delivery report brings the message to DELIVERED; a number the route refuses ends FAILED
// with Kannel's reason. Both final states are published. On SQLite and PostgreSQL.
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "core/process.h"
#include "events/kafka.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/notification/v1/notification.grpc.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/client.h"
#include "rpc/status.h"
#include "stack/local_kannel.h"
#include "stack/local_stack.h"
#include "testing/backends.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

namespace reg = himaya::registration::v1;
namespace notif = himaya::notification::v1;

class KannelDeliveryTest : public testing::BackendTest {};

TEST_P(KannelDeliveryTest, DeliveredAndFailedReportsEndToEnd) {
  std::filesystem::create_directories(dir_.path() + "/kannel");
  auto kannel = stack::LocalKannel::Start(dir_.path() + "/kannel");
  ASSERT_TRUE(kannel.ok()) << kannel.status();

  stack::StackOptions options;
  options.data_dir = dir_.path() + "/stack";
  const std::string password_file = dir_.path() + "/kannel.password";
  std::ofstream(password_file) << (*kannel)->password() << "\n";
  options.extra_flags["notification"] = {"--sms_provider=kannel", "--kannel_sendsms_url=" + (*kannel)->sendsms_url(),
                                         "--kannel_username=" + (*kannel)->username(),
                                         "--kannel_password_file=" + password_file};
  if (GetParam() == testing::Backend::kPostgres) {
    for (const std::string& s : stack::Services()) options.databases[s] = NewDatabaseUrl(s);
  }
  auto s = stack::LocalStack::Start(options);
  ASSERT_TRUE(s.ok()) << s.status();

  auto registration = reg::RegistrationService::NewStub(rpc::NewChannel((*s)->endpoint("registration").grpc));
  auto register_person = [&](const std::string& cin, const std::string& phone, const std::string& language) {
    reg::RegisterPersonRequest r;
    r.set_cin(cin);
    r.set_last_name("Ouazzani");
    r.set_first_name("Rachid");
    r.set_birth_date("1975-06-15");
    r.set_sex("M");
    r.set_phone(phone);
    r.set_program("amo-tns");
    r.set_category("TAXI");
    r.set_preferred_language(language);
    reg::RegisterPersonResponse response;
    auto context = rpc::NewContext();
    grpc::Status status = registration->RegisterPerson(context.get(), r, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.person().registration_number();
  };
  const std::string delivered = register_person("KA1001", "0661000001", "ar");
  const std::string refused = register_person("KA1002", "0771000002", "fr");  // +2127: no route

  auto notification = notif::NotificationService::NewStub(rpc::NewChannel((*s)->endpoint("notification").grpc));
  auto message_of = [&](const std::string& number) {
    notif::ListMessagesRequest request;
    request.set_registration_number(number);
    notif::ListMessagesResponse response;
    auto context = rpc::NewContext();
    EXPECT_TRUE(notification->ListMessages(context.get(), request, &response).ok());
    return response.messages().empty() ? notif::Message() : response.messages(0);
  };
  ASSERT_TRUE(stack::WaitUntil([&] { return message_of(delivered).status() == notif::MESSAGE_STATUS_DELIVERED; },
                               absl::Seconds(60), "the delivery report")
                  .ok())
      << notif::MessageStatus_Name(message_of(delivered).status());
  ASSERT_TRUE(stack::WaitUntil([&] { return message_of(refused).status() == notif::MESSAGE_STATUS_FAILED; },
                               absl::Seconds(60), "the refusal")
                  .ok());
  EXPECT_THAT(message_of(refused).last_error(), ::testing::HasSubstr("Not routable"));
  EXPECT_GE(message_of(delivered).parts(), 2) << "the Arabic activation text takes several UCS-2 parts";

  // The network got the one routable SMS, once: as many concatenated parts as we counted.
  std::vector<std::string> network = (*kannel)->ReceivedMessages();
  ASSERT_EQ(network.size(), static_cast<size_t>(message_of(delivered).parts()));
  for (const std::string& part : network) {
    EXPECT_THAT(part, ::testing::StartsWith("CNSS +212661000001 udh ")) << "concatenated with a UDH";
  }

  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto n = events::CountTopicMessages({(*s)->bootstrap_servers()}, "himaya.notification.amo-tns.v1");
                    return n.ok() && *n >= 2;
                  },
                  absl::Seconds(30), "NotificationDelivered and NotificationFailed on Kafka")
                  .ok());
}

INSTANTIATE_BACKENDS(KannelDeliveryTest);

// The Kannel password is never a flag: without a file or HIMAYA_KANNEL_PASSWORD the service
// refuses to start, saying how to give it.
TEST(KannelPassword, StartIsRefusedWithoutOneAndTheFlagIsGone) {
  testing::TempDir dir;
  auto run = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {stack::DefaultBinDir() + "/himaya-notification",
                                     "--data_dir=" + dir.path(),
                                     "--database=sqlite:" + dir.path() + "/notification.db",
                                     "--kafka_bootstrap=127.0.0.1:9",
                                     "--registration_address=127.0.0.1:9",
                                     "--insecure_plaintext",
                                     "--sms_provider=kannel"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const std::string out = dir.path() + "/out";
    std::remove(out.c_str());
    auto process = core::Subprocess::Start({.argv = argv, .stdout_path = out, .stderr_path = out});
    EXPECT_TRUE(process.ok()) << process.status();
    std::optional<int> status = process.ok() ? process->Wait(absl::Seconds(60)) : std::nullopt;
    std::ifstream in(out);
    std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(status.has_value() && WIFEXITED(*status) && WEXITSTATUS(*status) != 0)
        << "it must refuse to start: " << output;
    return output;
  };
  std::string refused = run({});
  EXPECT_THAT(refused,
              ::testing::HasSubstr("himaya-notification: INVALID_ARGUMENT: sms_provider=kannel needs the Kannel "
                                   "password: --kannel_password_file=PATH or HIMAYA_KANNEL_PASSWORD\n"));
  EXPECT_THAT(run({"--kannel_password=test-secret"}), ::testing::HasSubstr("kannel_password"));
  EXPECT_THAT(run({"--kannel_password_file=" + dir.path() + "/none"}),
              ::testing::HasSubstr("kannel_password_file: cannot read"));
}

}  // namespace
}  // namespace himaya
