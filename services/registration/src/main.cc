// himaya-registration: persons, their registration numbers, liaison batches, coverage reference
// data, the review queue, portal activation codes and portal accounts (passwords, logins), and
// payment modes.
#include <malloc.h>
#include <sodium.h>

#include <cstdlib>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "core/log.h"
#include "registration/src/activation_codes.h"
#include "registration/src/batch_applier.h"
#include "registration/src/batch_intake.h"
#include "registration/src/code_resends.h"
#include "registration/src/households.h"
#include "registration/src/ivr_lookup.h"
#include "registration/src/passwords.h"
#include "registration/src/payment_modes.h"
#include "registration/src/portal_accounts.h"
#include "registration/src/reference_data.h"
#include "registration/src/registrar.h"
#include "registration/src/registration_figures.h"
#include "registration/src/registration_service.h"
#include "registration/src/reviews.h"
#include "registration_migrations.h"
#include "service/runtime.h"

ABSL_FLAG(std::string, reference_data, "",
          "Reference data JSON (programs, liaison bodies, operators); default: the shipped one");
ABSL_FLAG(std::string, activation_code_key_file, "",
          "File holding the hex key (32 bytes) under which activation codes are hashed (or the environment "
          "variable HIMAYA_ACTIVATION_CODE_KEY holds it). Neither: a random key for this process, so codes do "
          "not survive a restart");
ABSL_FLAG(int, batch_chunk_rows, 5000,
          "Rows applied per transaction (on SQLite, read and decided up to 2,000 at a time)");
ABSL_FLAG(absl::Duration, batch_receive_lease, absl::Seconds(30),
          "An upload silent this long (its process died) may be taken over by the sender's next attempt");
ABSL_FLAG(int, ivr_failures_per_cin, 5, "Failed IVR lookups of one CIN allowed within --ivr_failure_window");
ABSL_FLAG(int, ivr_failures_per_caller, 20, "Failed IVR lookups by one caller allowed within --ivr_failure_window");
ABSL_FLAG(absl::Duration, ivr_failure_window, absl::Hours(1), "The window over which failed IVR lookups count");
ABSL_FLAG(int, login_failures_per_number, 5,
          "Failed portal logins on one registration number (known or not) within --login_failure_window before "
          "it is locked");
ABSL_FLAG(absl::Duration, login_failure_window, absl::Minutes(15), "The window over which failed logins count");
ABSL_FLAG(absl::Duration, login_lockout, absl::Minutes(15), "How long a number stays locked");
ABSL_FLAG(uint64_t, password_hash_ops, 2, "Argon2id passes of a portal password's hash (libsodium's INTERACTIVE: 2)");
ABSL_FLAG(uint64_t, password_hash_memory_kib, 65536,
          "Argon2id memory of a portal password's hash, in KiB (libsodium's INTERACTIVE: 65536)");
ABSL_FLAG(int, code_requests_per_number, 3, "New activation codes asked for one number within --code_request_window");
ABSL_FLAG(int, code_requests_per_phone, 5, "New activation codes sent to one phone within --code_request_window");
ABSL_FLAG(absl::Duration, code_request_window, absl::Hours(24), "The window over which code requests count");

namespace {

constexpr char kKeyVariable[] = "HIMAYA_ACTIVATION_CODE_KEY";

// The key from --activation_code_key_file or HIMAYA_ACTIVATION_CODE_KEY (a secret: never a flag's
// value, which any user sees in the process list).
absl::StatusOr<std::string> ActivationKey() {
  const std::string path = absl::GetFlag(FLAGS_activation_code_key_file);
  const char* variable = std::getenv(kKeyVariable);
  if (!path.empty() && variable != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("activation_code_key_file: give the key in a file or in ", kKeyVariable, ", not both"));
  }
  std::string hex;
  std::string source = kKeyVariable;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("activation_code_key_file: cannot read ", path));
    hex.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    source = "activation_code_key_file";
  } else if (variable != nullptr) {
    hex = variable;
  } else {
    himaya::log::Warn("no activation code key given: codes are hashed under a key of this process only");
    std::string key(32, '\0');
    randombytes_buf(key.data(), key.size());
    return key;
  }
  hex = std::string(absl::StripAsciiWhitespace(hex));
  std::string key = absl::HexStringToBytes(hex);
  if (hex.size() != 64 || absl::BytesToHexString(key) != absl::AsciiStrToLower(hex)) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": the key must be 64 hexadecimal digits"));
  }
  return key;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace himaya;
  // Two malloc arenas, not glibc's eight per core: a batch's rows are parsed on an RPC thread,
  // staged on another and applied on a third, and memory freed into many arenas is kept by
  // each (a million-row batch then peaks near 320 MB instead of about 220 MB).
  mallopt(M_ARENA_MAX, 2);
  if (sodium_init() < 0) return 1;
  std::unique_ptr<registration::ReferenceData> reference;
  std::unique_ptr<registration::IntakeMetrics> intake_metrics;
  std::unique_ptr<registration::RegistrationFigures> figures;
  std::unique_ptr<registration::NumberAllocator> numbers;
  std::unique_ptr<registration::Registrar> registrar;
  std::unique_ptr<registration::BatchApplier> applier;
  std::unique_ptr<registration::ReviewQueue> reviews;
  std::unique_ptr<registration::ActivationCodes> codes;
  std::unique_ptr<registration::IvrLookup> ivr;
  std::unique_ptr<registration::PortalAccounts> accounts;
  std::unique_ptr<registration::CodeResends> resends;
  std::unique_ptr<registration::Households> households;
  std::unique_ptr<registration::PaymentModes> payment_modes;
  std::unique_ptr<registration::RegistrationService> grpc_service;
  int code = service::RunService(
      argc, argv, "registration",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::RegistrationMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        absl::StatusOr<registration::ReferenceData> loaded =
            registration::ReferenceData::Load(absl::GetFlag(FLAGS_reference_data));
        if (!loaded.ok()) return loaded.status();
        reference = std::make_unique<registration::ReferenceData>(*std::move(loaded));
        if (absl::Status s = registration::CheckIntakeSettings(absl::GetFlag(FLAGS_batch_chunk_rows),
                                                               absl::GetFlag(FLAGS_batch_receive_lease));
            !s.ok()) {
          return s;
        }
        const registration::IvrLimits ivr_limits{absl::GetFlag(FLAGS_ivr_failures_per_cin),
                                                 absl::GetFlag(FLAGS_ivr_failures_per_caller),
                                                 absl::GetFlag(FLAGS_ivr_failure_window)};
        if (absl::Status s = registration::CheckIvrLimits(ivr_limits); !s.ok()) return s;
        const registration::LoginLimits login_limits{absl::GetFlag(FLAGS_login_failures_per_number),
                                                     absl::GetFlag(FLAGS_login_failure_window),
                                                     absl::GetFlag(FLAGS_login_lockout)};
        if (absl::Status s = registration::CheckLoginLimits(login_limits); !s.ok()) return s;
        const registration::PasswordHashing hashing{absl::GetFlag(FLAGS_password_hash_ops),
                                                    absl::GetFlag(FLAGS_password_hash_memory_kib) * 1024};
        if (absl::Status s = registration::CheckPasswordHashing(hashing); !s.ok()) return s;
        const registration::ResendLimits resend_limits{absl::GetFlag(FLAGS_code_requests_per_number),
                                                       absl::GetFlag(FLAGS_code_requests_per_phone),
                                                       absl::GetFlag(FLAGS_code_request_window)};
        if (absl::Status s = registration::CheckResendLimits(resend_limits); !s.ok()) return s;
        absl::StatusOr<std::string> key = ActivationKey();
        if (!key.ok()) return key.status();
        auto wake_relay = [&runtime] { runtime.relay().Wake(); };
        numbers = std::make_unique<registration::NumberAllocator>(runtime.db());
        registrar = std::make_unique<registration::Registrar>(runtime.db(), *numbers, runtime.event_source(),
                                                              runtime.config().programs, *reference, wake_relay);
        registration::IntakeContext intake{&runtime.db(),          reference.get(), runtime.config().programs,
                                           runtime.event_source(), numbers.get(),   core::NewUuid(runtime.random())};
        intake.receive_lease = absl::GetFlag(FLAGS_batch_receive_lease);
        intake_metrics = std::make_unique<registration::IntakeMetrics>(runtime.registry());
        figures = std::make_unique<registration::RegistrationFigures>(runtime.db(), runtime.registry(), runtime.clock(),
                                                                      runtime.config().programs);
        runtime.AddFigures("registration", [&](const auto&) { return figures->Refresh(); });
        intake.metrics = intake_metrics.get();
        // On PostgreSQL each chunk reads the next one ahead (chunk_prefetch.h), on a connection of
        // its own while the chunk holds another, and whole: a chunk is one slice, up to 5,000
        // rows. On SQLite, which cannot read ahead, slices of 2,000 rows bound the memory.
        const int chunk_rows = absl::GetFlag(FLAGS_batch_chunk_rows);
        const bool ahead =
            registration::ChunkPrefetch::Supported(runtime.db().dialect()) && runtime.config().database_pool >= 2;
        applier = std::make_unique<registration::BatchApplier>(intake, wake_relay, chunk_rows,
                                                               std::min(chunk_rows, ahead ? 5000 : 2000));
        applier->set_read_ahead(ahead);
        intake.on_received = [a = applier.get()] { a->Wake(); };
        reviews =
            std::make_unique<registration::ReviewQueue>(runtime.db(), *numbers, runtime.event_source(), wake_relay);
        codes = std::make_unique<registration::ActivationCodes>(runtime.db(), runtime.event_source(), *reference, *key,
                                                                wake_relay);
        ivr = std::make_unique<registration::IvrLookup>(runtime.db(), runtime.clock(), ivr_limits);
        accounts = std::make_unique<registration::PortalAccounts>(runtime.db(), *codes, runtime.clock(), hashing,
                                                                  login_limits);
        resends = std::make_unique<registration::CodeResends>(runtime.db(), runtime.event_source(), resend_limits,
                                                              wake_relay);
        households = std::make_unique<registration::Households>(runtime.db());
        payment_modes = std::make_unique<registration::PaymentModes>(runtime.db(), runtime.event_source(), wake_relay);
        grpc_service = std::make_unique<registration::RegistrationService>(
            registration::RegistrationDomain{registrar.get(), intake, reviews.get(), codes.get(), ivr.get(),
                                             households.get(), accounts.get(), resends.get(), payment_modes.get()},
            runtime.handler_pool());
        applier->Start();
        // Destroyed here, while the database is open: it releases its leases as it goes.
        runtime.OnStop([&] { applier.reset(); });
        return runtime.Serve({grpc_service.get()}, {registration::v1::RegistrationService::service_full_name()});
      });
  return code;
}
