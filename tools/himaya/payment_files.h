// The files of a payment run on the operator's disk (claims' refunds, family allowances): a
// streamed CSV written whole or not at all, and the run a bank's confirmation names.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "rpc/status.h"

namespace himaya::cli {

// Writes into `path` the `csv` of each chunk the stream `open` starts gives (through a temporary
// file beside it, renamed once complete, so that a half-written file never carries the name).
template <typename Chunk>
absl::Status WriteStreamedCsv(
    const std::string& path,
    const std::function<std::unique_ptr<grpc::ClientReader<Chunk>>(grpc::ClientContext*)>& open) {
  const std::string partial = path + ".partial";
  std::ofstream file(partial, std::ios::binary | std::ios::trunc);
  if (!file) return absl::PermissionDeniedError(absl::StrCat("cannot write ", partial));
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<Chunk>> reader = open(&context);
  Chunk chunk;
  while (reader->Read(&chunk)) file << chunk.csv();
  absl::Status status = rpc::FromGrpcStatus(reader->Finish());
  file.close();
  if (status.ok() && !file) status = absl::DataLossError(absl::StrCat("cannot write ", partial));
  std::error_code error;
  if (status.ok()) std::filesystem::rename(partial, path, error);
  if (status.ok() && error) status = absl::PermissionDeniedError(absl::StrCat("cannot write ", path));
  if (!status.ok()) std::filesystem::remove(partial, error);
  return status;
}

// The run a confirmation file is for: the run_id of its first line. INVALID_ARGUMENT when the
// file has no run_id column or no line; NOT_FOUND when it cannot be read.
absl::StatusOr<std::string> RunOfConfirmation(const std::string& path);

}  // namespace himaya::cli
