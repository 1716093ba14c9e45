// Sending a file to a service as a client stream, its header first (registration's batches and
// coverage files with their manifest; claims' bulk files and tariff versions).
#pragma once

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "liaison/manifest.h"
#include "registration/api/manifest_proto.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "rpc/status.h"

namespace himaya::cli {

// NAME.csv -> NAME.manifest.json
inline std::string DefaultManifestPath(const std::string& file) {
  std::string base = file;
  if (absl::EndsWith(base, ".csv")) base.resize(base.size() - 4);
  return base + ".manifest.json";
}

// Reads a manifest file (the liaison manifest, libs/liaison). INVALID_ARGUMENT or NOT_FOUND naming
// the file.
inline absl::StatusOr<liaison::Manifest> ReadManifestFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("manifest ", path, " cannot be read"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  absl::StatusOr<liaison::Manifest> manifest = liaison::ParseManifestJson(text);
  if (!manifest.ok()) {
    return absl::Status(manifest.status().code(), absl::StrCat(path, ": ", manifest.status().message()));
  }
  return manifest;
}

// Reads a manifest file as the registration service takes it.
inline absl::StatusOr<registration::v1::Manifest> ReadManifest(const std::string& path) {
  absl::StatusOr<liaison::Manifest> manifest = ReadManifestFile(path);
  if (!manifest.ok()) return manifest.status();
  return registration::ManifestToProto(*manifest);
}

// Calls `attempt` until it succeeds or fails otherwise than UNAVAILABLE (the service starting
// again after a crash, or still holding the lease of the upload the crash interrupted), for at
// most `retry_for`, waiting 1, 2, 4, then 5 s between attempts and saying so on stderr, naming
// `service`.
template <typename T>
absl::StatusOr<T> RetryWhileUnavailable(absl::Duration retry_for, const std::function<absl::StatusOr<T>()>& attempt,
                                        const std::string& service = "registration") {
  const absl::Time give_up = absl::Now() + retry_for;
  absl::Duration wait = absl::Seconds(1);
  for (;;) {
    absl::StatusOr<T> result = attempt();
    if (result.ok() || !absl::IsUnavailable(result.status()) || absl::Now() + wait > give_up) return result;
    std::fprintf(stderr, "%s unavailable (%s); trying again in %s\n", service.c_str(),
                 std::string(result.status().message()).c_str(), absl::FormatDuration(wait).c_str());
    absl::SleepFor(wait);
    wait = std::min(wait * 2, absl::Seconds(5));
  }
}

using RegistrationStub = registration::v1::RegistrationService::Stub;

// Writes `header`, then the bytes of `in` in 256 KiB chunks (each a Request with its `chunk`
// set), and ends the call. The call's status: the server's answer when it stopped reading early.
template <typename Request>
absl::Status StreamFile(std::istream& in, grpc::ClientWriter<Request>& writer, const Request& header) {
  bool open = writer.Write(header);
  Request request;
  std::vector<char> buffer(256 * 1024);
  while (open && (in.read(buffer.data(), buffer.size()) || in.gcount() > 0)) {
    request.set_chunk(buffer.data(), in.gcount());
    open = writer.Write(request);
  }
  writer.WritesDone();
  return rpc::FromGrpcStatus(writer.Finish());
}

// Streams the manifest, then the file in 256 KiB chunks; returns the server's answer. The call
// has no deadline: a million rows take a while, and the server paces the sender. Sending again
// is safe: the same batch (id and bytes) returns its first result.
template <typename Response>
absl::StatusOr<Response> Upload(const std::string& file, const std::string& manifest_path,
                                std::unique_ptr<grpc::ClientWriter<registration::v1::UploadRequest>> (
                                    RegistrationStub::*call)(grpc::ClientContext*, Response*),
                                const std::function<absl::StatusOr<std::unique_ptr<RegistrationStub>>()>& connect,
                                absl::Duration retry_for, registration::v1::Manifest* manifest_out) {
  absl::StatusOr<registration::v1::Manifest> manifest = ReadManifest(manifest_path);
  if (!manifest.ok()) return manifest.status();
  *manifest_out = *manifest;
  return RetryWhileUnavailable<Response>(retry_for, [&]() -> absl::StatusOr<Response> {
    std::ifstream in(file, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", file));
    absl::StatusOr<std::unique_ptr<RegistrationStub>> stub = connect();  // it may have moved
    if (!stub.ok()) return stub.status();
    grpc::ClientContext context;
    Response response;
    auto writer = ((**stub).*call)(&context, &response);
    registration::v1::UploadRequest header;
    *header.mutable_manifest() = *manifest;
    if (absl::Status sent = StreamFile(in, *writer, header); !sent.ok()) return sent;
    return response;
  });
}

// Sends `file` after `header` through the client-streaming `method` of the service at
// `address()` (asked at each attempt: the service may have moved after a restart), trying again
// while it is UNAVAILABLE for `retry_for`. The server's answer; NOT_FOUND when the file cannot be
// read.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> UploadFile(const std::string& file, const Request& header,
                                    std::unique_ptr<grpc::ClientWriter<Request>> (Stub::*method)(grpc::ClientContext*,
                                                                                                 Response*),
                                    const std::function<absl::StatusOr<std::string>()>& address,
                                    absl::Duration retry_for, const std::string& service) {
  return RetryWhileUnavailable<Response>(
      retry_for,
      [&]() -> absl::StatusOr<Response> {
        std::ifstream in(file, std::ios::binary);
        if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", file));
        absl::StatusOr<std::string> target = address();
        if (!target.ok()) return target.status();
        Stub stub(rpc::NewChannel(*target));
        grpc::ClientContext context;
        Response response;
        auto writer = (stub.*method)(&context, &response);
        if (absl::Status sent = StreamFile(in, *writer, header); !sent.ok()) return sent;
        return response;
      },
      service);
}

// The status of a batch; an empty body finds it by id alone.
inline absl::StatusOr<registration::v1::BatchStatus> GetBatch(RegistrationStub& stub, const std::string& body,
                                                              const std::string& id) {
  registration::v1::GetBatchRequest request;
  request.set_liaison_body(body);
  request.set_batch_id(id);
  return rpc::Call(stub, &RegistrationStub::GetBatch, request);
}

// Asks `get` every `interval` until the batch leaves APPLYING (every row has its outcome), and
// shows `seen` each status on the way. Fails with get's first error.
inline absl::StatusOr<registration::v1::BatchStatus> WaitUntilApplied(
    registration::v1::BatchStatus status, absl::Duration interval,
    const std::function<absl::StatusOr<registration::v1::BatchStatus>()>& get,
    const std::function<void(const registration::v1::BatchStatus&)>& seen = [](const auto&) {}) {
  while (status.state() == registration::v1::BATCH_STATE_APPLYING) {
    absl::SleepFor(interval);
    absl::StatusOr<registration::v1::BatchStatus> next = get();
    if (!next.ok()) return next.status();
    status = *std::move(next);
    seen(status);
  }
  return status;
}

// One attempt, to the service at `address` (tools that started the stack themselves).
template <typename Response>
absl::StatusOr<Response> Upload(const std::string& file, const std::string& manifest_path,
                                std::unique_ptr<grpc::ClientWriter<registration::v1::UploadRequest>> (
                                    RegistrationStub::*call)(grpc::ClientContext*, Response*),
                                const std::string& address, registration::v1::Manifest* manifest_out) {
  return Upload<Response>(
      file, manifest_path, call,
      [&]() -> absl::StatusOr<std::unique_ptr<RegistrationStub>> {
        return registration::v1::RegistrationService::NewStub(rpc::NewChannel(address));
      },
      absl::ZeroDuration(), manifest_out);
}

// Submits a batch to the service at `address` (one attempt), then asks for its status every
// `interval` until every row has its outcome. The upload's or the first status call's error.
inline absl::StatusOr<registration::v1::BatchStatus> SubmitAndWaitUntilApplied(
    const std::string& file, const std::string& manifest_path, const std::string& address, absl::Duration interval,
    registration::v1::Manifest* manifest_out) {
  absl::StatusOr<registration::v1::BatchStatus> received =
      Upload<registration::v1::BatchStatus>(file, manifest_path, &RegistrationStub::SubmitBatch, address, manifest_out);
  if (!received.ok()) return received.status();
  RegistrationStub stub(rpc::NewChannel(address));
  return WaitUntilApplied(*received, interval,
                          [&] { return GetBatch(stub, manifest_out->liaison_body(), manifest_out->batch_id()); });
}

}  // namespace himaya::cli
