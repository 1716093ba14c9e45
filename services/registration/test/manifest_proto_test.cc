#include "registration/api/manifest_proto.h"

#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

TEST(ManifestProto, EveryFieldGoesToTheWireAndBack) {
  liaison::Manifest m;
  m.batch_id = "MAPMDREF-2022-000123";
  m.liaison_body = "MAPMDREF";
  m.program = "amo-tns";
  m.record_count = 1000000;
  m.sha256 = std::string(64, 'a');
  m.produced_at = "2022-03-01T10:00:00Z";
  const v1::Manifest wire = ManifestToProto(m);
  EXPECT_EQ(wire.batch_id(), m.batch_id);
  EXPECT_EQ(wire.liaison_body(), m.liaison_body);
  EXPECT_EQ(wire.program(), m.program);
  EXPECT_EQ(wire.record_count(), m.record_count);
  EXPECT_EQ(wire.sha256(), m.sha256);
  EXPECT_EQ(wire.produced_at(), m.produced_at);
  const liaison::Manifest back = ManifestFromProto(wire);
  EXPECT_EQ(back.batch_id, m.batch_id);
  EXPECT_EQ(back.liaison_body, m.liaison_body);
  EXPECT_EQ(back.program, m.program);
  EXPECT_EQ(back.record_count, m.record_count);
  EXPECT_EQ(back.sha256, m.sha256);
  EXPECT_EQ(back.produced_at, m.produced_at);
}

}  // namespace
}  // namespace himaya::registration
