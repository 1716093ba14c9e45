// CBOR (RFC 8949) through libcbor, for the seal's COSE and claims: owning handles, builders that
// pick the shortest encoding of an integer, and decoding of hostile bytes within limits that
// libcbor does not enforce itself (how deep containers nest, how many items there are, how many
// items a container may announce: libcbor allocates what a header announces before reading it).
// Readers return INVALID_ARGUMENT naming what is wrong, never the value.
#pragma once

#include <cbor.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::seal {

struct CborItemRelease {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
// An owned libcbor item (one reference). Null when libcbor could not allocate it.
using CborItem = std::unique_ptr<cbor_item_t, CborItemRelease>;

// Builders. Each returns null when an allocation fails, or when a part given is null, so that a
// whole structure can be built in one expression and checked once, by Serialize.
CborItem CborInt(int64_t value);
CborItem CborText(absl::string_view text);
CborItem CborBytes(absl::string_view bytes);
CborItem CborArray(std::vector<CborItem> items);
CborItem CborMap(std::vector<std::pair<CborItem, CborItem>> entries);
CborItem CborTag(uint64_t tag, CborItem item);

// The encoding of `item`, definite lengths throughout. RESOURCE_EXHAUSTED when `item` is null (a
// builder failed to allocate) or libcbor cannot allocate the output.
absl::StatusOr<std::string> Serialize(const CborItem& item);

struct CborLimits {
  size_t max_depth = 4;    // containers (arrays, maps, tags) inside one another
  size_t max_items = 256;  // data items in all, map keys and tags included
  size_t max_tags = 1;
};

// Decodes `bytes`, which must hold exactly one data item within `limits`. Indefinite lengths are
// refused (the seal never writes them). INVALID_ARGUMENT for anything else.
absl::StatusOr<CborItem> DecodeCbor(absl::string_view bytes, const CborLimits& limits);

// Readers of a decoded item; `what` names it in the error.
absl::StatusOr<int64_t> ReadInt(const cbor_item_t* item, absl::string_view what);
absl::StatusOr<std::string> ReadText(const cbor_item_t* item, absl::string_view what);
absl::StatusOr<std::string> ReadBytes(const cbor_item_t* item, absl::string_view what);
absl::StatusOr<std::vector<const cbor_item_t*>> ReadArray(const cbor_item_t* item, absl::string_view what);
// A map whose keys are integers, each at most once.
absl::StatusOr<absl::flat_hash_map<int64_t, const cbor_item_t*>> ReadIntKeyedMap(const cbor_item_t* item,
                                                                                 absl::string_view what);

}  // namespace himaya::seal
