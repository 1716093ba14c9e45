// Registrar on both backends: the person, the number and the outbox event commit together.
#include "registration/src/registrar.h"

#include <thread>

#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/events.pb.h"
#include "identity/registration_number.h"
#include "registration/test/registration_database.h"
#include "registration_migrations.h"
#include "testing/fakes.h"

namespace himaya::registration {
namespace {

class RegistrarTest : public RegistrationDatabaseTest {
 protected:
  void SetUp() override {
    RegistrationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    numbers_ = std::make_unique<NumberAllocator>(*db_, 10);
    registrar_ = std::make_unique<Registrar>(*db_, *numbers_, events::EventSource{"registration", &clock_, &random_},
                                             std::vector<std::string>{"amo-tns", "amo-tadamon"},
                                             ReferenceData::Shipped(), [this] { ++commits_; });
  }
  std::vector<events::Envelope> Outbox() {
    std::vector<events::Envelope> out;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(std::vector<events::Record> records, events::OutboxEvents(tx));
                     for (const auto& r : records) {
                       topics_.push_back(r.topic);
                       out.push_back(*events::ParseEnvelope(r.value));
                     }
                     return absl::OkStatus();
                   })
                    .ok());
    return out;
  }
  static PersonApplication Amina(const std::string& cin = "BK123456") {
    return {cin, "Alaoui", "Amina", "1985-03-12", "F", "0612345678", "amo-tns", "AGRI", "Settat", "ar"};
  }
  testing::FakeClock clock_;
  testing::SeededRandom random_{3};
  std::unique_ptr<NumberAllocator> numbers_;
  std::unique_ptr<Registrar> registrar_;
  std::vector<std::string> topics_;
  int commits_ = 0;
};

TEST_P(RegistrarTest, RegistersAndPublishesWithoutPersonalData) {
  absl::StatusOr<Person> p = registrar_->Register(Amina(" bk123456"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->registration_number, "100000017");
  EXPECT_EQ(p->cin, "BK123456");
  EXPECT_EQ(commits_, 1);

  std::vector<events::Envelope> outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(topics_[0], "himaya.registration.amo-tns.v1");
  EXPECT_EQ(outbox[0].aggregate_id(), p->registration_number);
  EXPECT_EQ(outbox[0].program(), "amo-tns");
  auto event = events::Unpack<v1::PersonRegistered>(outbox[0]);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->registration_number(), p->registration_number);
  EXPECT_EQ(event->category(), "AGRI");
  EXPECT_EQ(event->region(), "Casablanca-Settat");
  EXPECT_EQ(event->preferred_language(), "ar");
  EXPECT_TRUE(event->has_phone());
  const std::string bytes = outbox[0].SerializeAsString();
  for (const char* secret : {"BK123456", "Alaoui", "Amina", "612345678", "1985-03-12"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " leaked into the event";
  }
}

TEST_P(RegistrarTest, LooksUpByNumberAndByCin) {
  Person p = *registrar_->Register(Amina());
  EXPECT_EQ(registrar_->GetByNumber(p.registration_number)->cin, "BK123456");
  EXPECT_EQ(registrar_->GetByCin("bk123456")->registration_number, p.registration_number);
  EXPECT_EQ(registrar_->GetByCin("ZZ1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(registrar_->GetByNumber("100000025").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(registrar_->GetByNumber("100000018").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registrar_->GetByCin("not a cin").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(RegistrarTest, SameCinTwiceIsRefusedAndChangesNothing) {
  ASSERT_TRUE(registrar_->Register(Amina()).ok());
  absl::StatusOr<Person> again = registrar_->Register(Amina("bk123456"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Outbox().size(), 1u);
  // The refused attempt consumed no number.
  EXPECT_EQ(registrar_->Register(Amina("BK2"))->registration_number,
            identity::FormatRegistrationNumber(identity::kFirstSequence + 1));
}

TEST_P(RegistrarTest, InvalidApplicationNamesTheFieldsAndStoresNothing) {
  PersonApplication a = Amina();
  a.cin = "12345";
  a.sex = "X";
  absl::StatusOr<Person> p = registrar_->Register(a);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status().message()), ::testing::HasSubstr("cin:"));
  EXPECT_THAT(std::string(p.status().message()), ::testing::HasSubstr("sex:"));
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(commits_, 0);
}

TEST_P(RegistrarTest, FieldsPastTheirLimitsAreRefusedAndReachNoEvent) {
  PersonApplication a = Amina();
  a.city = std::string(1500 * 1024, 'F');  // 1.5 MB
  absl::StatusOr<Person> p = registrar_->Register(a);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), "city: is longer than 80 characters");
  a.city = std::string(80, 'F');
  a.last_name = std::string(101, 'A');
  p = registrar_->Register(a);
  EXPECT_EQ(p.status().message(), "last_name: is longer than 100 characters");
  EXPECT_TRUE(Outbox().empty());
  a.last_name = "Alaoui";
  EXPECT_TRUE(registrar_->Register(a).ok()) << "80 characters are allowed";
}

TEST_P(RegistrarTest, ProgramNotServedHereIsAFailedPrecondition) {
  PersonApplication a = Amina();
  a.program = "family-allowances";
  a.category = "";
  EXPECT_EQ(registrar_->Register(a).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(RegistrarTest, ConcurrentRegistrationsGetDistinctNumbers) {
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::string> numbers;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto p = registrar_->Register(Amina(absl::StrCat("T", t, i)));
        ASSERT_TRUE(p.ok()) << p.status();
        std::lock_guard<std::mutex> lock(mu);
        numbers.insert(p->registration_number);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(numbers.size(), static_cast<size_t>(kThreads * kEach));
  for (const auto& n : numbers) EXPECT_TRUE(identity::IsValidRegistrationNumber(n)) << n;
  EXPECT_EQ(Outbox().size(), static_cast<size_t>(kThreads * kEach));
}

INSTANTIATE_BACKENDS(RegistrarTest);

}  // namespace
}  // namespace himaya::registration
