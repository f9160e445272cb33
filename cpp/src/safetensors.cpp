// safetensors checkpoints (format in safetensors.hpp; the reference is
// huggingface/safetensors: safetensors/src/tensor.rs, `serialize` and `validate`).
//
// Writing: tensors sorted by name, laid out back to back from offset 0, the header JSON
// padded with spaces to a multiple of 8 bytes (as the reference writer does, so the
// data section starts 8-aligned). Reading follows the reference's checks: the header is
// a JSON object of valid UTF-8; every entry has dtype, shape and data_offsets; shape
// product times the dtype's size equals end - begin; sorted by offsets, the tensors
// cover the data section exactly, with no overlap, hole or trailing byte. Every
// decoding failure is one pe::Error line starting "safetensors: " (safetensors_load
// prefixes the path; I/O errors name the path and the system's reason).
// Not supported (refused with a clear message): dtypes other than F32, and fields of a
// tensor entry other than dtype, shape and data_offsets.
// The header goes through json_parse (json.hpp: strict RFC 8259, no duplicate keys,
// bounded depth), after a UTF-8 check; shapes and offsets must be exact non-negative
// integers (4.0 is read as 4, as json_parse keeps numbers as doubles).
#include "pe/safetensors.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

#include "pe/error.hpp"
#include "pe/json.hpp"

namespace pe {

namespace {

constexpr std::uint64_t kMaxHeader = 100ull * 1000 * 1000;  // 100 MB, as the reference's limit

[[noreturn]] void fail(const std::string& what) { throw Error("safetensors: " + what); }

// ---------------------------------------------------------------- header values

const char* kind_name(const JsonValue& v) {
  switch (v.type) {
    case JsonValue::Type::null: return "null";
    case JsonValue::Type::boolean: return "a boolean";
    case JsonValue::Type::number: return "a number";
    case JsonValue::Type::string: return "a string";
    case JsonValue::Type::array: return "an array";
    case JsonValue::Type::object: return "an object";
  }
  return "?";
}

// Offset of the first byte that breaks UTF-8 in s, or s.size() when it is valid.
std::size_t utf8_error_at(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) { ++i; continue; }
    int len;
    std::uint32_t cp, min;
    if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1Fu; min = 0x80; }
    else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0Fu; min = 0x800; }
    else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07u; min = 0x10000; }
    else return i;
    for (int k = 1; k < len; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += static_cast<std::size_t>(len);
  }
  return s.size();
}

// A JSON number that is a non-negative integer, exactly representable (json_parse reads
// numbers as doubles: up to 2^53, far past any real file); `what` names it in the error.
std::uint64_t to_index(const JsonValue& v, const std::string& what) {
  if (!v.is(JsonValue::Type::number)) fail(what + " is " + kind_name(v) + ", not an integer");
  const double x = v.number;
  if (x != std::floor(x)) fail(what + " is not an integer (" + std::to_string(x) + ")");
  if (x < 0) fail(what + " is negative (" + std::to_string(static_cast<long long>(x)) + ")");
  if (x > 9007199254740992.0) fail(what + " is too large");
  return static_cast<std::uint64_t>(x);
}

// ---------------------------------------------------------------- little-endian floats

void put_f32(char* out, float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  for (int b = 0; b < 4; ++b) out[b] = static_cast<char>((u >> (8 * b)) & 0xFFu);
}

float get_f32(const char* in) {
  std::uint32_t u = 0;
  for (int b = 0; b < 4; ++b) u |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[b])) << (8 * b);
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

std::string quoted(const std::string& name) { return "'" + json_escape(name) + "'"; }

// Elements of a shape, or fail when a dimension is negative or the count overflows.
std::uint64_t element_count(const std::vector<std::int64_t>& shape, const std::string& name) {
  std::uint64_t count = 1;
  for (std::int64_t e : shape) {
    if (e < 0) fail("tensor " + quoted(name) + " has a negative dimension " + std::to_string(e));
    const auto u = static_cast<std::uint64_t>(e);
    if (u != 0 && count > std::numeric_limits<std::uint64_t>::max() / 4 / u)
      fail("tensor " + quoted(name) + " has too many elements");
    count *= u;
  }
  return count;
}

struct Entry {
  std::string name;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0, end = 0;
  std::size_t header_order = 0;
};

Entry parse_entry(const std::string& name, const JsonValue& v, std::size_t order) {
  const std::string t = "tensor " + quoted(name);
  if (!v.is(JsonValue::Type::object)) fail(t + " is " + kind_name(v) + ", not an object");
  for (const auto& m : v.members)
    if (m.first != "dtype" && m.first != "shape" && m.first != "data_offsets")
      fail(t + " has an unknown field \"" + json_escape(m.first) + "\"");
  const JsonValue* dtype = v.get("dtype");
  const JsonValue* shape = v.get("shape");
  const JsonValue* offsets = v.get("data_offsets");
  if (!dtype) fail(t + " has no dtype");
  if (!shape) fail(t + " has no shape");
  if (!offsets) fail(t + " has no data_offsets");
  if (!dtype->is(JsonValue::Type::string)) fail(t + ": dtype is " + kind_name(*dtype) + ", not a string");
  if (dtype->string != "F32") fail(t + " has dtype " + json_escape(dtype->string) + "; only F32 is supported");
  if (!shape->is(JsonValue::Type::array)) fail(t + ": shape is " + kind_name(*shape) + ", not an array");
  if (!offsets->is(JsonValue::Type::array) || offsets->items.size() != 2)
    fail(t + ": data_offsets must be an array [begin, end]");

  Entry e;
  e.name = name;
  e.header_order = order;
  for (std::size_t k = 0; k < shape->items.size(); ++k) {
    e.shape.push_back(static_cast<std::int64_t>(to_index(shape->items[k], t + " shape[" + std::to_string(k) + "]")));
  }
  e.begin = to_index(offsets->items[0], t + " data_offsets[0]");
  e.end = to_index(offsets->items[1], t + " data_offsets[1]");
  if (e.end < e.begin)
    fail(t + " has data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "] with end < begin");
  const std::uint64_t bytes = element_count(e.shape, name) * 4;
  if (bytes != e.end - e.begin)
    fail(t + ": shape holds " + std::to_string(bytes) + " bytes of F32 but data_offsets span " +
         std::to_string(e.end - e.begin));
  return e;
}

}  // namespace

const StTensor* StFile::find(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

std::string safetensors_encode(const StFile& file) {
  std::vector<const StTensor*> order;
  for (const auto& t : file.tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](const StTensor* a, const StTensor* b) { return a->name < b->name; });
  for (std::size_t i = 1; i < order.size(); ++i)
    if (order[i]->name == order[i - 1]->name) fail("duplicate tensor name " + quoted(order[i]->name));
  // The header must be UTF-8 to be readable (here and by the reference reader).
  for (const auto& t : file.tensors)
    if (utf8_error_at(t.name) != t.name.size()) fail("tensor name " + quoted(t.name) + " is not valid UTF-8");
  for (const auto& kv : file.metadata)
    if (utf8_error_at(kv.first) != kv.first.size() || utf8_error_at(kv.second) != kv.second.size())
      fail("metadata entry " + quoted(kv.first) + " is not valid UTF-8");

  std::string header = "{";
  bool first = true;
  if (!file.metadata.empty()) {
    header += "\"__metadata__\":{";
    for (const auto& kv : file.metadata) {
      if (!first) header += ',';
      first = false;
      header += '"' + json_escape(kv.first) + "\":\"" + json_escape(kv.second) + '"';
    }
    header += '}';
    first = false;
  }
  std::uint64_t offset = 0;
  for (const StTensor* t : order) {
    if (t->name == "__metadata__") fail("a tensor cannot be named __metadata__");
    const std::uint64_t count = element_count(t->shape, t->name);
    if (count != t->data.size())
      fail("tensor " + quoted(t->name) + " has " + std::to_string(t->data.size()) + " values for a shape of " +
           std::to_string(count));
    if (!first) header += ',';
    first = false;
    header += '"' + json_escape(t->name) + "\":{\"dtype\":\"F32\",\"shape\":[";
    for (std::size_t k = 0; k < t->shape.size(); ++k) header += (k ? "," : "") + std::to_string(t->shape[k]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + 4 * count) + "]}";
    offset += 4 * count;
  }
  header += '}';
  header.append((8 - header.size() % 8) % 8, ' ');  // data starts 8-aligned

  std::string out(8 + header.size() + offset, '\0');
  const std::uint64_t n = header.size();
  for (int b = 0; b < 8; ++b) out[static_cast<std::size_t>(b)] = static_cast<char>((n >> (8 * b)) & 0xFFu);
  std::memcpy(&out[8], header.data(), header.size());
  char* data = &out[8 + header.size()];
  for (const StTensor* t : order)
    for (float f : t->data) {
      put_f32(data, f);
      data += 4;
    }
  return out;
}

StFile safetensors_decode(const std::string& bytes) {
  if (bytes.size() < 8)
    fail("file is " + std::to_string(bytes.size()) + " bytes, shorter than the 8-byte header length");
  std::uint64_t n = 0;
  for (int b = 0; b < 8; ++b) n |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[b])) << (8 * b);
  if (n > kMaxHeader) fail("header length " + std::to_string(n) + " is absurd (limit " + std::to_string(kMaxHeader) + ")");
  if (n > bytes.size() - 8)
    fail("header length " + std::to_string(n) + " runs past the end of the file (" + std::to_string(bytes.size() - 8) +
         " bytes follow the length)");
  if (n < 2) fail("header of " + std::to_string(n) + " bytes is too short to be a JSON object");
  const std::string header = bytes.substr(8, static_cast<std::size_t>(n));
  const std::size_t bad = utf8_error_at(header);
  if (bad != header.size()) fail("header is not valid UTF-8 at header byte " + std::to_string(bad));
  const JsonValue root = json_parse(header, "safetensors: header");  // strict; refuses duplicate keys
  if (!root.is(JsonValue::Type::object)) fail(std::string("header is ") + kind_name(root) + ", not a JSON object");

  StFile file;
  std::vector<Entry> entries;
  for (const auto& m : root.members) {
    if (m.first == "__metadata__") {
      if (!m.second.is(JsonValue::Type::object))
        fail(std::string("__metadata__ is ") + kind_name(m.second) + ", not an object");
      for (const auto& kv : m.second.members) {
        if (!kv.second.is(JsonValue::Type::string))
          fail("__metadata__ value of \"" + json_escape(kv.first) + "\" is " + kind_name(kv.second) +
               ", not a string");
        file.metadata[kv.first] = kv.second.string;
      }
      continue;
    }
    entries.push_back(parse_entry(m.first, m.second, entries.size()));  // duplicates: refused by json_parse
  }

  // Sorted by offsets, the tensors must tile the data section: no overlap, no hole, no
  // trailing byte (tensor.rs validate: InvalidOffset, MetadataIncompleteBuffer).
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end < b.end;
    return a.header_order < b.header_order;
  });
  const std::uint64_t data_size = bytes.size() - 8 - n;
  std::uint64_t at = 0;
  for (const auto& e : entries) {
    if (e.begin != at) {
      const std::string range = "[" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
      if (e.begin < at) fail("tensor " + quoted(e.name) + " at " + range + " overlaps the tensor before it (ending at " +
                             std::to_string(at) + ")");
      fail("tensor " + quoted(e.name) + " at " + range + " leaves a hole after byte " + std::to_string(at) +
           " of the data section");
    }
    if (e.end > data_size)
      fail("tensor " + quoted(e.name) + " ends at byte " + std::to_string(e.end) + " past the data section (" +
           std::to_string(data_size) + " bytes)");
    at = e.end;
  }
  if (at != data_size)
    fail("the data section has " + std::to_string(data_size) + " bytes but the tensors cover " + std::to_string(at) +
         " (trailing bytes)");

  const char* data = bytes.data() + 8 + n;
  file.tensors.reserve(entries.size());
  for (auto& e : entries) {
    StTensor t;
    t.name = std::move(e.name);
    t.shape = std::move(e.shape);
    const std::size_t count = static_cast<std::size_t>((e.end - e.begin) / 4);
    t.data.resize(count);
    for (std::size_t k = 0; k < count; ++k) t.data[k] = get_f32(data + e.begin + 4 * k);
    file.tensors.push_back(std::move(t));
  }
  return file;
}

void safetensors_save(const std::string& path, const StFile& file) {
  const std::string bytes = safetensors_encode(file);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw Error("cannot write checkpoint '" + path + "': " + std::strerror(errno));
  const std::size_t wrote = std::fwrite(bytes.data(), 1, bytes.size(), f);
  const int err = wrote == bytes.size() ? 0 : errno;
  if (std::fclose(f) != 0 || wrote != bytes.size())
    throw Error("cannot write checkpoint '" + path + "': " + (err ? std::strerror(err) : "write failed"));
}

StFile safetensors_load(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error("cannot read checkpoint '" + path + "': " + std::strerror(errno));
  std::string bytes;
  char buf[1 << 16];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, got);
  const int err = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (err) throw Error("cannot read checkpoint '" + path + "': " + std::strerror(err));
  try {
    return safetensors_decode(bytes);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace pe
