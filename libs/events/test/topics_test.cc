#include "events/topics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::events {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

TEST(Topics, FollowTheNamingScheme) {
  EXPECT_EQ(Topic(kRegistrationDomain, "amo-tns"), "himaya.registration.amo-tns.v1");
  EXPECT_THAT(Topics(kNotificationDomain, {"amo-tns", "amo-tadamon"}),
              ElementsAre("himaya.notification.amo-tns.v1", "himaya.notification.amo-tadamon.v1"));
}

TEST(Topics, SuiteTopicsCoverEveryDomainAndProgram) {
  std::vector<std::string> all = SuiteTopics({"amo-tns", "amo-tadamon"});
  EXPECT_EQ(all.size(), AllDomains().size() * 2);
  EXPECT_THAT(all, Contains("himaya.claims.amo-tadamon.v1"));
}

}  // namespace
}  // namespace himaya::events
