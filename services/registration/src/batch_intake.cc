#include "registration/src/batch_intake.h"

#include "absl/strings/str_cat.h"

namespace himaya::registration {

std::string BatchStateName(BatchState state) {
  switch (state) {
    case BatchState::kReceiving:
      return "RECEIVING";
    case BatchState::kApplying:
      return "APPLYING";
    case BatchState::kCompleted:
      return "COMPLETED";
    case BatchState::kRefused:
      return "REFUSED";
    case BatchState::kUnknown:
      break;
  }
  return "UNSPECIFIED";
}

IntakeMetrics::IntakeMetrics(prometheus::Registry& registry)
    : rows(prometheus::BuildCounter()
               .Name("himaya_registration_batch_rows_total")
               .Help("Liaison batch rows decided, by program and outcome")
               .Register(registry)),
      batches(prometheus::BuildCounter()
                  .Name("himaya_registration_batches_total")
                  .Help("Liaison batches by program and what became of them (received, refused, completed)")
                  .Register(registry)),
      slices(prometheus::BuildCounter()
                 .Name("himaya_registration_chunk_slices_read_total")
                 .Help("Slices of batch rows read to be decided, by how: ahead (on a snapshot, while the chunk "
                       "before was written) or in the chunk's own transaction")
                 .Register(registry)) {}

void CountBatch(const IntakeContext& context, const std::string& program, const char* what) {
  if (context.metrics) context.metrics->batches.Add({{"program", program}, {"what", what}}).Increment();
}

absl::Status CheckIntakeSettings(int chunk_rows, absl::Duration receive_lease) {
  if (chunk_rows < 1) return absl::InvalidArgumentError("batch_chunk_rows: must be at least 1");
  if (receive_lease <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("batch_receive_lease: must be a positive duration, e.g. 30s");
  }
  return absl::OkStatus();
}

std::string BatchKey(absl::string_view liaison_body, absl::string_view batch_id) {
  return absl::StrCat(liaison_body, "/", batch_id);
}

}  // namespace himaya::registration
