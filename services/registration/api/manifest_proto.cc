#include "registration/api/manifest_proto.h"

namespace himaya::registration {

v1::Manifest ManifestToProto(const liaison::Manifest& manifest) {
  v1::Manifest out;
  out.set_batch_id(manifest.batch_id);
  out.set_liaison_body(manifest.liaison_body);
  out.set_program(manifest.program);
  out.set_record_count(manifest.record_count);
  out.set_sha256(manifest.sha256);
  out.set_produced_at(manifest.produced_at);
  return out;
}

liaison::Manifest ManifestFromProto(const v1::Manifest& manifest) {
  liaison::Manifest out;
  out.batch_id = manifest.batch_id();
  out.liaison_body = manifest.liaison_body();
  out.program = manifest.program();
  out.record_count = manifest.record_count();
  out.sha256 = manifest.sha256();
  out.produced_at = manifest.produced_at();
  return out;
}

}  // namespace himaya::registration
