#include "debian_tools.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/process.h"
#include "testing/temp_dir.h"

namespace himaya::attestation::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

// Runs `argv` (argv[0] an absolute path) in `dir`; returns its standard output when it exits
// with one of `ok_codes`.
absl::StatusOr<std::string> Run(const std::vector<std::string>& argv, const std::string& dir,
                                std::vector<int> ok_codes = {0}) {
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  std::remove(out.c_str());
  std::remove(err.c_str());
  absl::StatusOr<core::Subprocess> tool =
      core::Subprocess::Start({.argv = argv, .stdout_path = out, .stderr_path = err, .working_dir = dir});
  if (!tool.ok()) return tool.status();
  std::optional<int> status = tool->Wait(absl::Seconds(60));
  if (!status.has_value()) return absl::DeadlineExceededError(absl::StrCat(argv[0], " did not end in 60 s"));
  for (int code : ok_codes) {
    if (WIFEXITED(*status) && WEXITSTATUS(*status) == code) return ReadFile(out);
  }
  return absl::InternalError(absl::StrCat(argv[0], " ", core::DescribeWaitStatus(*status), ": ", ReadFile(err)));
}

}  // namespace

absl::StatusOr<std::string> ExtractText(const std::string& pdf, int page) {
  himaya::testing::TempDir dir;
  WriteFile(dir.path() + "/in.pdf", pdf);
  std::vector<std::string> argv = {"/usr/bin/pdftotext", "-enc", "UTF-8"};
  if (page != 0) argv.insert(argv.end(), {"-f", absl::StrCat(page), "-l", absl::StrCat(page)});
  argv.insert(argv.end(), {"in.pdf", "-"});
  return Run(argv, dir.path());
}

absl::StatusOr<int> CountPages(const std::string& pdf) {
  himaya::testing::TempDir dir;
  WriteFile(dir.path() + "/in.pdf", pdf);
  absl::StatusOr<std::string> info = Run({"/usr/bin/pdfinfo", "in.pdf"}, dir.path());
  if (!info.ok()) return info.status();
  for (absl::string_view line : absl::StrSplit(*info, '\n')) {
    int pages = 0;
    if (absl::ConsumePrefix(&line, "Pages:") && absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &pages)) {
      return pages;
    }
  }
  return absl::InternalError(absl::StrCat("pdfinfo printed no page count: ", *info));
}

absl::StatusOr<std::vector<std::string>> ScanRenderedPage(const std::string& pdf, int dpi) {
  himaya::testing::TempDir dir;
  WriteFile(dir.path() + "/in.pdf", pdf);
  absl::StatusOr<std::string> rendered = Run({"/usr/bin/pdftoppm", "-r", absl::StrCat(dpi), "-gray", "-png",
                                              "-singlefile", "-f", "1", "-l", "1", "in.pdf", "page"},
                                             dir.path());
  if (!rendered.ok()) return rendered.status();
  // zbarimg exits with 4 when it finds no code; --raw prints each code's text on a line.
  absl::StatusOr<std::string> scanned =
      Run({"/usr/bin/zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "page.png"}, dir.path(), {0, 4});
  if (!scanned.ok()) return scanned.status();
  std::vector<std::string> codes;
  for (absl::string_view line : absl::StrSplit(*scanned, '\n', absl::SkipEmpty())) codes.emplace_back(line);
  return codes;
}

}  // namespace himaya::attestation::testing
