// Sending a manifest and its data file to the registration service (batches, coverage files).
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "registration/src/manifest.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/status.h"

namespace himaya::cli {

// NAME.csv -> NAME.manifest.json
inline std::string DefaultManifestPath(const std::string& file) {
  std::string base = file;
  if (absl::EndsWith(base, ".csv")) base.resize(base.size() - 4);
  return base + ".manifest.json";
}

// Reads a manifest file (parsed as the registration service checks it). INVALID_ARGUMENT or
// NOT_FOUND naming the file.
inline absl::StatusOr<registration::v1::Manifest> ReadManifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("manifest ", path, " cannot be read"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  absl::StatusOr<registration::v1::Manifest> manifest = registration::ParseManifestJson(text);
  if (!manifest.ok()) {
    return absl::Status(manifest.status().code(), absl::StrCat(path, ": ", manifest.status().message()));
  }
  return manifest;
}

// Streams the manifest, then the file in 256 KiB chunks; returns the server's answer. The call
// has no deadline: a million rows take a while, and the server paces the sender.
template <typename Response>
absl::StatusOr<Response> Upload(
    const std::string& file, const std::string& manifest_path,
    std::unique_ptr<grpc::ClientWriter<registration::v1::UploadRequest>> (
        registration::v1::RegistrationService::Stub::*call)(grpc::ClientContext*, Response*),
    registration::v1::RegistrationService::Stub& stub, registration::v1::Manifest* manifest_out) {
  absl::StatusOr<registration::v1::Manifest> manifest = ReadManifest(manifest_path);
  if (!manifest.ok()) return manifest.status();
  *manifest_out = *manifest;
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", file));
  grpc::ClientContext context;
  Response response;
  auto writer = (stub.*call)(&context, &response);
  registration::v1::UploadRequest request;
  *request.mutable_manifest() = *manifest;
  bool open = writer->Write(request);
  std::vector<char> buffer(256 * 1024);
  while (open && (in.read(buffer.data(), buffer.size()) || in.gcount() > 0)) {
    request.set_chunk(buffer.data(), in.gcount());
    open = writer->Write(request);
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return response;
}

}  // namespace himaya::cli
