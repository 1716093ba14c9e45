#include "registration/src/manifest_checks.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "registration/src/person_rules.h"

namespace himaya::registration {

absl::Status CheckBatchManifest(const liaison::Manifest& m, const ReferenceData& reference) {
  if (absl::Status s = liaison::CheckManifestFields(m); !s.ok()) return s;
  const LiaisonBody* body = reference.Body(m.liaison_body);
  if (body == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest.liaison_body: unknown liaison body '", ShortForError(m.liaison_body), "'"));
  }
  if (m.program.empty()) return absl::InvalidArgumentError("manifest.program: is required");
  if (reference.Program(m.program) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest.program: unknown program '", ShortForError(m.program), "'"));
  }
  if (body->programs.count(m.program) == 0) {
    return absl::InvalidArgumentError(absl::StrCat("manifest.program: ", m.liaison_body, " does not serve ", m.program,
                                                   " (it serves ", absl::StrJoin(body->programs, ", "), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckCoverageManifest(const liaison::Manifest& m, const ReferenceData& reference) {
  if (absl::Status s = liaison::CheckManifestFields(m); !s.ok()) return s;
  if (reference.coverage_operators.count(m.liaison_body) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest.liaison_body: unknown coverage operator '", ShortForError(m.liaison_body),
                     "' (known: ", absl::StrJoin(reference.coverage_operators, ", "), ")"));
  }
  return absl::OkStatus();
}

}  // namespace himaya::registration
