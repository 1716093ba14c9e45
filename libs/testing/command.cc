#include "testing/command.h"

#include <sys/wait.h>

#include <fstream>
#include <iterator>
#include <optional>

namespace himaya::testing {

CommandRun RunCommand(core::ProcessOptions options, const std::string& output_prefix, absl::Duration timeout) {
  options.stdout_path = output_prefix + ".out";
  options.stderr_path = output_prefix + ".err";
  auto process = core::Subprocess::Start(options);
  if (!process.ok()) return {-1, "", std::string(process.status().message())};
  std::optional<int> status = process->Wait(timeout);
  CommandRun run{-1, ReadWholeFile(options.stdout_path), ReadWholeFile(options.stderr_path)};
  if (status && WIFEXITED(*status)) run.code = WEXITSTATUS(*status);
  return run;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace himaya::testing
