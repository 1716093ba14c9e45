// The bank's confirmation of a payment run (libs/payment_file), by the names claims' payment
// runs use.
#pragma once

#include "payment_file/confirmation.h"

namespace himaya::claims {

using payment_file::ConfirmedLine;
using payment_file::kMaxConfirmationBytes;
using payment_file::kMaxConfirmationLines;
using payment_file::kMaxConfirmationReasonBytes;
using payment_file::LineStatus;
using payment_file::LineStatusName;
using payment_file::LineStatusNamed;
using payment_file::PaymentConfirmationReader;

}  // namespace himaya::claims
