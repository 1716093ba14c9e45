// Draws a registration certificate (attestation d'immatriculation) as an A4 PDF, in French and
// in Arabic: the fund and the title, the insured's number, names, program and validity in a
// French column (left to right) and an Arabic one (right to left), the table of the covered
// family, and the signed QR code anyone can verify offline. Text goes through Pango (shaped
// by HarfBuzz in fonts found by fontconfig, attestation/certificate_fonts.h), the page through
// Cairo's PDF surface, the QR code as vector squares (attestation/qr_code.h). A family too long
// for the first page continues on the next ones, with the table's header repeated.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "attestation/attestation_document.h"

namespace himaya::attestation {

// The PDF's bytes. INVALID_ARGUMENT when the document breaks CheckAttestationDocument (the field
// named, not its value) or its QR text does not fit in a QR code; FAILED_PRECONDITION when no
// font with Arabic (or Latin) letters is installed; INTERNAL when Cairo fails. Safe to call from
// several threads: renderings take turns (see attestation_pdf.cc).
absl::StatusOr<std::string> RenderAttestationPdf(const AttestationDocument& document);

}  // namespace himaya::attestation
