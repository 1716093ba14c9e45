// A Database decorator that counts transactions and times them (himaya_db_* metrics).
#pragma once

#include <memory>

#include "metrics/metrics.h"
#include "storage/database.h"

namespace himaya::service {

std::unique_ptr<storage::Database> Instrument(std::unique_ptr<storage::Database> db, metrics::DatabaseMetrics& metrics);

}  // namespace himaya::service
