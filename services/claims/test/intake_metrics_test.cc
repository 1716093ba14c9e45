// IntakeMetrics: files counted by the kind of their channel, batches by what became of them.
#include "claims/src/intake_metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace himaya::claims {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(IntakeMetrics, FilesAreCountedByTheKindOfTheirChannel) {
  prometheus::Registry registry;
  IntakeMetrics metrics(registry);
  metrics.FilesReceived("PORTAL", 1);
  metrics.FilesReceived("AGENT:a.idrissi", 1);
  metrics.FilesReceived("AGENT:k.benali", 1);
  metrics.FilesReceived("BATCH:CASHPLUS/B-1", 1200);
  metrics.Batch("received");
  metrics.Batch("refused");
  metrics.Batch("refused");
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_THAT(text, HasSubstr("himaya_claims_received_total{channel=\"PORTAL\"} 1"));
  EXPECT_THAT(text, HasSubstr("himaya_claims_received_total{channel=\"AGENT\"} 2"));
  EXPECT_THAT(text, HasSubstr("himaya_claims_received_total{channel=\"BATCH\"} 1200"));
  EXPECT_THAT(text, Not(HasSubstr("CASHPLUS")));  // no sender, no agent in a label
  EXPECT_THAT(text, HasSubstr("himaya_claims_batches_total{what=\"received\"} 1"));
  EXPECT_THAT(text, HasSubstr("himaya_claims_batches_total{what=\"refused\"} 2"));
}

}  // namespace
}  // namespace himaya::claims
