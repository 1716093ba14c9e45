#include "events/envelope.h"

#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "testing/fakes.h"

namespace himaya::events {
namespace {

using google::protobuf::Timestamp;

TEST(Envelope, CarriesIdentityTypeProgramAndPayload) {
  testing::FakeClock clock;
  testing::SeededRandom random(1);
  Timestamp payload;  // any message will do as a payload
  payload.set_seconds(42);
  Envelope e = NewEnvelope({"registration", &clock, &random}, payload, "amo-tns", "100000017");
  EXPECT_EQ(e.event_id().size(), 36u);
  EXPECT_EQ(e.type(), "google.protobuf.Timestamp");
  EXPECT_EQ(e.program(), "amo-tns");
  EXPECT_EQ(e.aggregate_id(), "100000017");
  EXPECT_EQ(e.producer(), "registration");
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToMicroseconds(e.occurred_at()),
            absl::ToUnixMicros(clock.Now()));
  absl::StatusOr<Timestamp> back = Unpack<Timestamp>(e);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->seconds(), 42);
  Envelope other = NewEnvelope({"registration", &clock, &random}, payload, "amo-tns", "1");
  EXPECT_NE(other.event_id(), e.event_id());
}

TEST(Envelope, UnpackingAsAnotherTypeIsInvalid) {
  testing::FakeClock clock;
  testing::SeededRandom random(1);
  Envelope e = NewEnvelope({"x", &clock, &random}, Timestamp(), "amo-tns", "1");
  EXPECT_EQ(Unpack<google::protobuf::Duration>(e).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Envelope, ParseRejectsGarbageAndIncompleteEnvelopes) {
  EXPECT_EQ(ParseEnvelope("\xff\xff\xff garbage").status().code(), absl::StatusCode::kInvalidArgument);
  Envelope no_id;
  no_id.set_type("t");
  EXPECT_EQ(ParseEnvelope(no_id.SerializeAsString()).status().code(), absl::StatusCode::kInvalidArgument);
  Envelope ok;
  ok.set_event_id("e1");
  ok.set_type("t");
  EXPECT_TRUE(ParseEnvelope(ok.SerializeAsString()).ok());
}

}  // namespace
}  // namespace himaya::events
