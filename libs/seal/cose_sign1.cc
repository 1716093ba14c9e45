#include "seal/cose_sign1.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "seal/cbor_items.h"

namespace himaya::seal {
namespace {

constexpr absl::string_view kSignature1Context = "Signature1";
constexpr size_t kCoseFields = 4;
constexpr uint8_t kCoseSign1TagByte = 0xC0 | kCoseSign1Tag;  // major type 6, tag 18 in the initial byte
constexpr size_t kProtectedHeaderEntries = 2;

// A COSE_Sign1 (after its tag) is an array whose protected header is CBOR of its own: two levels
// deep, and a handful of items.
constexpr CborLimits kEnvelopeLimits{/*max_depth=*/2, /*max_items=*/16, /*max_tags=*/0};
constexpr CborLimits kHeaderLimits{/*max_depth=*/1, /*max_items=*/8, /*max_tags=*/0};

absl::StatusOr<std::string> ProtectedHeader(absl::string_view kid) {
  std::vector<std::pair<CborItem, CborItem>> header;
  header.emplace_back(CborInt(kCoseHeaderAlg), CborInt(kCoseAlgEdDsa));
  header.emplace_back(CborInt(kCoseHeaderKid), CborBytes(kid));
  return Serialize(CborMap(std::move(header)));
}

absl::StatusOr<std::string> ReadProtectedHeader(absl::string_view bytes) {
  ASSIGN_OR_RETURN(CborItem header, DecodeCbor(bytes, kHeaderLimits));
  ASSIGN_OR_RETURN(auto entries, ReadIntKeyedMap(header.get(), "COSE protected header"));
  if (entries.size() != kProtectedHeaderEntries || !entries.contains(kCoseHeaderAlg) ||
      !entries.contains(kCoseHeaderKid)) {
    return absl::InvalidArgumentError("COSE protected header: must hold alg and kid, and nothing else");
  }
  ASSIGN_OR_RETURN(int64_t alg, ReadInt(entries[kCoseHeaderAlg], "COSE alg"));
  if (alg != kCoseAlgEdDsa) return absl::InvalidArgumentError("COSE alg: must be EdDSA (-8)");
  ASSIGN_OR_RETURN(std::string kid, ReadBytes(entries[kCoseHeaderKid], "COSE kid"));
  if (!CheckKeyId(kid).ok()) return absl::InvalidArgumentError("COSE kid: not a key id");
  return kid;
}

}  // namespace

absl::StatusOr<std::string> CoseSigStructure(absl::string_view protected_header, absl::string_view payload) {
  std::vector<CborItem> structure;
  structure.push_back(CborText(kSignature1Context));
  structure.push_back(CborBytes(protected_header));
  structure.push_back(CborBytes(""));  // external_aad: none
  structure.push_back(CborBytes(payload));
  return Serialize(CborArray(std::move(structure)));
}

absl::StatusOr<std::string> SignCoseSign1(absl::string_view payload, const SigningKey& key) {
  ASSIGN_OR_RETURN(std::string protected_header, ProtectedHeader(key.kid()));
  ASSIGN_OR_RETURN(std::string to_sign, CoseSigStructure(protected_header, payload));
  std::vector<CborItem> fields;
  fields.push_back(CborBytes(protected_header));
  fields.push_back(CborMap({}));
  fields.push_back(CborBytes(payload));
  fields.push_back(CborBytes(key.Sign(to_sign)));
  return Serialize(CborTag(kCoseSign1Tag, CborArray(std::move(fields))));
}

absl::StatusOr<CoseSign1> ParseCoseSign1(absl::string_view bytes) {
  // The tag is read here, not by libcbor: libcbor 0.8 (Debian 12) refuses to decode tags 6 to 20,
  // 18 among them (PJK/libcbor#307, fixed in 0.11). The seal writes the tag in its one-byte form.
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kCoseSign1TagByte) {
    return absl::InvalidArgumentError("COSE: not a tagged COSE_Sign1 (tag 18)");
  }
  ASSIGN_OR_RETURN(CborItem envelope, DecodeCbor(bytes.substr(1), kEnvelopeLimits));
  ASSIGN_OR_RETURN(std::vector<const cbor_item_t*> fields, ReadArray(envelope.get(), "COSE_Sign1"));
  if (fields.size() != kCoseFields) return absl::InvalidArgumentError("COSE_Sign1: must be an array of 4");
  CoseSign1 sign1;
  ASSIGN_OR_RETURN(sign1.protected_header, ReadBytes(fields[0], "COSE protected header"));
  ASSIGN_OR_RETURN(sign1.kid, ReadProtectedHeader(sign1.protected_header));
  ASSIGN_OR_RETURN(auto unprotected, ReadIntKeyedMap(fields[1], "COSE unprotected header"));
  if (!unprotected.empty()) return absl::InvalidArgumentError("COSE unprotected header: must be empty");
  ASSIGN_OR_RETURN(sign1.payload, ReadBytes(fields[2], "COSE payload"));
  ASSIGN_OR_RETURN(sign1.signature, ReadBytes(fields[3], "COSE signature"));
  if (sign1.signature.size() != kSignatureBytes) {
    return absl::InvalidArgumentError(absl::StrCat("COSE signature: must be ", kSignatureBytes, " bytes"));
  }
  return sign1;
}

bool VerifyCoseSign1(const CoseSign1& sign1, const KeyRing& ring) {
  absl::StatusOr<std::string> signed_bytes = CoseSigStructure(sign1.protected_header, sign1.payload);
  return signed_bytes.ok() && ring.Verify(sign1.kid, *signed_bytes, sign1.signature);
}

}  // namespace himaya::seal
