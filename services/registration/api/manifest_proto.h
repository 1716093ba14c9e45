// A liaison manifest (liaison/manifest.h) as registration's API carries it (v1::Manifest, the
// first message of an upload): for the service's gRPC edge and for its clients (the CLI, the
// end-to-end tests).
#pragma once

#include "himaya/registration/v1/registration.pb.h"
#include "liaison/manifest.h"

namespace himaya::registration {

v1::Manifest ManifestToProto(const liaison::Manifest& manifest);
liaison::Manifest ManifestFromProto(const v1::Manifest& manifest);

}  // namespace himaya::registration
