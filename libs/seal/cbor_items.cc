#include "seal/cbor_items.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace himaya::seal {
namespace {

CborItem Own(cbor_item_t* item) { return CborItem(item); }

// An unsigned CBOR integer (major type 0, or the argument of a negative one) in its shortest form.
template <typename Build8, typename Build16, typename Build32, typename Build64>
cbor_item_t* ShortestInt(uint64_t value, Build8 b8, Build16 b16, Build32 b32, Build64 b64) {
  if (value <= std::numeric_limits<uint8_t>::max()) return b8(static_cast<uint8_t>(value));
  if (value <= std::numeric_limits<uint16_t>::max()) return b16(static_cast<uint16_t>(value));
  if (value <= std::numeric_limits<uint32_t>::max()) return b32(static_cast<uint32_t>(value));
  return b64(value);
}

// The guard run before cbor_load: walks the item headers with libcbor's streaming decoder,
// keeping, for each open container, how many items it still expects.
struct Guard {
  const CborLimits* limits = nullptr;
  size_t bytes_left = 0;  // from the current header to the end of the input
  size_t items = 0;
  size_t tags = 0;
  size_t top_level_items = 0;
  std::vector<uint64_t> open;  // items still expected by each open container, innermost last
  std::string error;

  void Fail(std::string message) {
    if (error.empty()) error = std::move(message);
  }

  // A data item starts (any kind, a tag included).
  void Item() {
    while (!open.empty() && open.back() == 0) open.pop_back();
    if (open.empty()) {
      if (++top_level_items > 1) Fail("CBOR: bytes follow the data item");
    } else {
      --open.back();
    }
    if (++items > limits->max_items) Fail(absl::StrCat("CBOR: more than ", limits->max_items, " data items"));
  }

  // A container starts that holds `count` items.
  void Container(uint64_t count) {
    Item();
    // Every item takes at least one byte: a header announcing more than the bytes left is false,
    // and libcbor would allocate for it before finding out.
    if (count > bytes_left) {
      Fail(absl::StrCat("CBOR: a container announces ", count, " items in ", bytes_left, " bytes"));
      return;
    }
    if (count == 0) return;
    // Item() closed the containers that were complete: what is open now encloses this one.
    open.push_back(count);
    if (open.size() > limits->max_depth) {
      Fail(absl::StrCat("CBOR: containers nest deeper than ", limits->max_depth));
    }
  }
};

Guard& G(void* context) { return *static_cast<Guard*>(context); }

struct cbor_callbacks GuardCallbacks() {
  struct cbor_callbacks callbacks = cbor_empty_callbacks;
  callbacks.uint8 = [](void* c, uint8_t) { G(c).Item(); };
  callbacks.uint16 = [](void* c, uint16_t) { G(c).Item(); };
  callbacks.uint32 = [](void* c, uint32_t) { G(c).Item(); };
  callbacks.uint64 = [](void* c, uint64_t) { G(c).Item(); };
  callbacks.negint8 = [](void* c, uint8_t) { G(c).Item(); };
  callbacks.negint16 = [](void* c, uint16_t) { G(c).Item(); };
  callbacks.negint32 = [](void* c, uint32_t) { G(c).Item(); };
  callbacks.negint64 = [](void* c, uint64_t) { G(c).Item(); };
  callbacks.byte_string = [](void* c, cbor_data, size_t) { G(c).Item(); };
  callbacks.string = [](void* c, cbor_data, size_t) { G(c).Item(); };
  callbacks.float2 = [](void* c, float) { G(c).Item(); };
  callbacks.float4 = [](void* c, float) { G(c).Item(); };
  callbacks.float8 = [](void* c, double) { G(c).Item(); };
  callbacks.undefined = [](void* c) { G(c).Item(); };
  callbacks.null = [](void* c) { G(c).Item(); };
  callbacks.boolean = [](void* c, bool) { G(c).Item(); };
  callbacks.array_start = [](void* c, size_t count) { G(c).Container(count); };
  callbacks.map_start = [](void* c, size_t count) {
    // A map of n pairs holds 2n items; n beyond the input is refused before doubling overflows.
    Guard& guard = G(c);
    guard.Container(count > guard.bytes_left ? count : 2 * static_cast<uint64_t>(count));
  };
  callbacks.tag = [](void* c, uint64_t) {
    Guard& guard = G(c);
    if (++guard.tags > guard.limits->max_tags) {
      guard.Fail(absl::StrCat("CBOR: more than ", guard.limits->max_tags, " tags"));
    }
    guard.Container(1);
  };
  const auto indefinite = [](void* c) { G(c).Fail("CBOR: indefinite lengths are not accepted"); };
  callbacks.byte_string_start = indefinite;
  callbacks.string_start = indefinite;
  callbacks.indef_array_start = indefinite;
  callbacks.indef_map_start = indefinite;
  callbacks.indef_break = indefinite;
  return callbacks;
}

absl::Status CheckWithinLimits(absl::string_view bytes, const CborLimits& limits) {
  static const struct cbor_callbacks kCallbacks = GuardCallbacks();
  Guard guard;
  guard.limits = &limits;
  const auto* data = reinterpret_cast<cbor_data>(bytes.data());
  size_t at = 0;
  while (at < bytes.size() && guard.error.empty()) {
    guard.bytes_left = bytes.size() - at;
    const struct cbor_decoder_result result = cbor_stream_decode(data + at, bytes.size() - at, &kCallbacks, &guard);
    if (result.status != CBOR_DECODER_FINISHED || result.read == 0) {
      return absl::InvalidArgumentError(absl::StrCat("CBOR: truncated or invalid at byte ", at));
    }
    at += result.read;
  }
  if (!guard.error.empty()) return absl::InvalidArgumentError(guard.error);
  if (guard.top_level_items == 0) return absl::InvalidArgumentError("CBOR: no data item");
  while (!guard.open.empty() && guard.open.back() == 0) guard.open.pop_back();
  if (!guard.open.empty()) return absl::InvalidArgumentError("CBOR: truncated, a container lacks items");
  return absl::OkStatus();
}

}  // namespace

CborItem CborInt(int64_t value) {
  if (value >= 0) {
    return Own(ShortestInt(static_cast<uint64_t>(value), cbor_build_uint8, cbor_build_uint16, cbor_build_uint32,
                           cbor_build_uint64));
  }
  // A negative integer n is encoded as -1 - n.
  const uint64_t argument = static_cast<uint64_t>(-(value + 1));
  return Own(ShortestInt(argument, cbor_build_negint8, cbor_build_negint16, cbor_build_negint32, cbor_build_negint64));
}

CborItem CborText(absl::string_view text) { return Own(cbor_build_stringn(text.data(), text.size())); }

CborItem CborBytes(absl::string_view bytes) {
  return Own(cbor_build_bytestring(reinterpret_cast<cbor_data>(bytes.data()), bytes.size()));
}

CborItem CborArray(std::vector<CborItem> items) {
  for (const CborItem& item : items) {
    if (item == nullptr) return nullptr;
  }
  CborItem array = Own(cbor_new_definite_array(items.size()));
  if (array == nullptr) return nullptr;
  for (const CborItem& item : items) {
    if (!cbor_array_push(array.get(), item.get())) return nullptr;
  }
  return array;
}

CborItem CborMap(std::vector<std::pair<CborItem, CborItem>> entries) {
  for (const auto& [key, value] : entries) {
    if (key == nullptr || value == nullptr) return nullptr;
  }
  CborItem map = Own(cbor_new_definite_map(entries.size()));
  if (map == nullptr) return nullptr;
  for (const auto& [key, value] : entries) {
    if (!cbor_map_add(map.get(), cbor_pair{key.get(), value.get()})) return nullptr;
  }
  return map;
}

CborItem CborTag(uint64_t tag, CborItem item) {
  if (item == nullptr) return nullptr;
  return Own(cbor_build_tag(tag, item.get()));
}

absl::StatusOr<std::string> Serialize(const CborItem& item) {
  if (item == nullptr) return absl::ResourceExhaustedError("CBOR: out of memory while building");
  unsigned char* buffer = nullptr;
  size_t capacity = 0;
  const size_t length = cbor_serialize_alloc(item.get(), &buffer, &capacity);
  if (length == 0) {
    free(buffer);
    return absl::ResourceExhaustedError("CBOR: out of memory while serialising");
  }
  std::string bytes(reinterpret_cast<const char*>(buffer), length);
  free(buffer);
  return bytes;
}

absl::StatusOr<CborItem> DecodeCbor(absl::string_view bytes, const CborLimits& limits) {
  if (absl::Status within = CheckWithinLimits(bytes, limits); !within.ok()) return within;
  struct cbor_load_result result {};
  CborItem item = Own(cbor_load(reinterpret_cast<cbor_data>(bytes.data()), bytes.size(), &result));
  if (item == nullptr || result.error.code != CBOR_ERR_NONE) {
    return absl::InvalidArgumentError(absl::StrCat("CBOR: invalid at byte ", result.error.position));
  }
  if (result.read != bytes.size()) return absl::InvalidArgumentError("CBOR: bytes follow the data item");
  return item;
}

absl::StatusOr<int64_t> ReadInt(const cbor_item_t* item, absl::string_view what) {
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  if (cbor_isa_uint(item) && cbor_get_int(item) <= kMax) return static_cast<int64_t>(cbor_get_int(item));
  if (cbor_isa_negint(item) && cbor_get_int(item) <= kMax) return -1 - static_cast<int64_t>(cbor_get_int(item));
  return absl::InvalidArgumentError(absl::StrCat(what, ": not an integer of 64 bits"));
}

absl::StatusOr<std::string> ReadText(const cbor_item_t* item, absl::string_view what) {
  if (!cbor_isa_string(item) || !cbor_string_is_definite(item)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a text string"));
  }
  return std::string(reinterpret_cast<const char*>(cbor_string_handle(item)), cbor_string_length(item));
}

absl::StatusOr<std::string> ReadBytes(const cbor_item_t* item, absl::string_view what) {
  if (!cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a byte string"));
  }
  return std::string(reinterpret_cast<const char*>(cbor_bytestring_handle(item)), cbor_bytestring_length(item));
}

absl::StatusOr<std::vector<const cbor_item_t*>> ReadArray(const cbor_item_t* item, absl::string_view what) {
  if (!cbor_isa_array(item) || !cbor_array_is_definite(item)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not an array"));
  }
  cbor_item_t** handle = cbor_array_handle(item);
  return std::vector<const cbor_item_t*>(handle, handle + cbor_array_size(item));
}

absl::StatusOr<absl::flat_hash_map<int64_t, const cbor_item_t*>> ReadIntKeyedMap(const cbor_item_t* item,
                                                                                 absl::string_view what) {
  if (!cbor_isa_map(item) || !cbor_map_is_definite(item)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a map"));
  }
  absl::flat_hash_map<int64_t, const cbor_item_t*> entries;
  const struct cbor_pair* pairs = cbor_map_handle(item);
  for (size_t i = 0; i < cbor_map_size(item); ++i) {
    absl::StatusOr<int64_t> key = ReadInt(pairs[i].key, absl::StrCat(what, " key"));
    if (!key.ok()) return key.status();
    if (!entries.emplace(*key, pairs[i].value).second) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": key ", *key, " appears twice"));
    }
  }
  return entries;
}

}  // namespace himaya::seal
