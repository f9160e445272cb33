// safetensors.hpp: round trips (bit-exact values, shapes, metadata, the byte layout), a
// file written by Python's own writer (tests/golden/train/make_train_golden.py), the
// golden checkpoints, and every corruption the decoder must refuse with one pe::Error
// line: truncation at every byte, flipped header bytes, and hand-made bad headers.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "pe/error.hpp"
#include "pe/safetensors.hpp"

namespace {

std::uint32_t bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

float from_bits(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

pe::StTensor tensor(const std::string& name, std::vector<std::int64_t> shape, std::vector<float> data) {
  return pe::StTensor{name, std::move(shape), std::move(data)};
}

// A small file with every kind of tensor: matrix, scalar, empty, special values.
pe::StFile sample_file() {
  pe::StFile f;
  f.metadata["config"] = "{\"scheme\":\"rope\",\"dim\":16}";
  f.metadata["note"] = "h\xC3\xA9llo \"q\" \\ \n\t\x01";
  f.tensors.push_back(tensor("w", {2, 3}, {1.0f, -2.0f, 0.1f, 1e-30f, -0.0f, 3.4028235e38f}));
  f.tensors.push_back(tensor("loss", {}, {2.5f}));
  f.tensors.push_back(tensor("empty", {0, 5}, {}));
  f.tensors.push_back(tensor("special", {4},
                             {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                              from_bits(0x7fc01234u), from_bits(0x00000001u)}));  // NaN payload, denormal
  f.tensors.push_back(tensor("a.b", {1, 1, 2}, {7.0f, 8.0f}));
  return f;
}

// A file from a header text and a data section.
std::string make_file(const std::string& header, const std::string& data = "") {
  std::string out(8, '\0');
  const std::uint64_t n = header.size();
  for (int b = 0; b < 8; ++b) out[static_cast<std::size_t>(b)] = static_cast<char>((n >> (8 * b)) & 0xFF);
  return out + header + data;
}

std::string f32_bytes(std::initializer_list<float> values) {
  std::string out;
  for (float v : values) {
    const std::uint32_t u = bits(v);
    for (int b = 0; b < 4; ++b) out += static_cast<char>((u >> (8 * b)) & 0xFF);
  }
  return out;
}

// Decoding must throw pe::Error whose message contains `part`.
void refuses(const std::string& bytes, const std::string& part) {
  INFO("expected an error containing: " << part);
  try {
    pe::safetensors_decode(bytes);
    FAIL("decoded without an error");
  } catch (const pe::Error& e) {
    const std::string msg = e.what();
    INFO("message: " << msg);
    CHECK(msg.find(part) != std::string::npos);
    CHECK(msg.rfind("safetensors: ", 0) == 0);
    CHECK(msg.find('\n') == std::string::npos);
  }
}

std::string golden_path(const std::string& name) { return std::string(PE_GOLDEN_DIR) + "/train/" + name; }

}  // namespace

TEST_CASE("safetensors round trip keeps names, shapes, metadata and exact bits") {
  const pe::StFile in = sample_file();
  const pe::StFile out = pe::safetensors_decode(pe::safetensors_encode(in));
  CHECK(out.metadata == in.metadata);
  REQUIRE(out.tensors.size() == in.tensors.size());
  // Written sorted by name, so read back in that order.
  std::vector<std::string> names;
  for (const auto& t : out.tensors) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"a.b", "empty", "loss", "special", "w"});
  for (const auto& t : in.tensors) {
    const pe::StTensor* back = out.find(t.name);
    REQUIRE(back != nullptr);
    CHECK(back->shape == t.shape);
    REQUIRE(back->data.size() == t.data.size());
    for (std::size_t k = 0; k < t.data.size(); ++k) CHECK(bits(back->data[k]) == bits(t.data[k]));
  }
  CHECK(out.find("missing") == nullptr);
  CHECK(out.find("loss")->shape.empty());
  CHECK(out.find("empty")->data.empty());
}

TEST_CASE("safetensors layout: u64 length, header padded with spaces to 8, tensors back to back") {
  pe::StFile f;
  f.tensors.push_back(tensor("b", {2}, {1.0f, 2.0f}));
  f.tensors.push_back(tensor("a", {}, {-1.0f}));
  const std::string bytes = pe::safetensors_encode(f);
  const std::string header =
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
  const std::size_t padded = (header.size() + 7) / 8 * 8;
  REQUIRE(bytes.size() == 8 + padded + 12);
  std::uint64_t n = 0;
  for (int b = 0; b < 8; ++b) n |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[b])) << (8 * b);
  CHECK(n == padded);
  CHECK(bytes.substr(8, header.size()) == header);
  CHECK(bytes.substr(8 + header.size(), padded - header.size()) == std::string(padded - header.size(), ' '));
  CHECK(bytes.substr(8 + padded) == f32_bytes({-1.0f, 1.0f, 2.0f}));

  pe::StFile empty;
  const std::string e = pe::safetensors_encode(empty);
  CHECK(e == make_file("{}      "));
  CHECK(pe::safetensors_decode(e).tensors.empty());
}

TEST_CASE("safetensors encode refuses tensors it cannot write") {
  pe::StFile f;
  f.tensors.push_back(tensor("x", {2, 2}, {1, 2, 3}));
  CHECK_THROWS_WITH(pe::safetensors_encode(f), Catch::Contains("'x' has 3 values for a shape of 4"));
  f.tensors = {tensor("x", {1}, {1}), tensor("x", {1}, {2})};
  CHECK_THROWS_WITH(pe::safetensors_encode(f), Catch::Contains("duplicate tensor name 'x'"));
  f.tensors = {tensor("x", {-1}, {})};
  CHECK_THROWS_WITH(pe::safetensors_encode(f), Catch::Contains("negative dimension"));
  f.tensors = {tensor("bad\xFF", {1}, {1})};
  CHECK_THROWS_WITH(pe::safetensors_encode(f), Catch::Contains("is not valid UTF-8"));
  f.tensors.clear();
  f.metadata["k"] = "\xC3";
  CHECK_THROWS_WITH(pe::safetensors_encode(f), Catch::Contains("metadata entry 'k' is not valid UTF-8"));
  f.metadata.clear();
  f.tensors = {tensor("__metadata__", {1}, {1})};
  CHECK_THROWS_AS(pe::safetensors_encode(f), pe::Error);
}

TEST_CASE("safetensors reads the file written by the Python golden script") {
  const pe::StFile f = pe::safetensors_load(golden_path("fixture.safetensors"));
  CHECK(f.metadata.size() == 2);
  CHECK(f.metadata.at("format") == "pe-playground/1");
  // json.dumps wrote \u00e9, \u2713 and the surrogate pair \ud834\udd1e for U+1D11E.
  CHECK(f.metadata.at("note") == "h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9D\x84\x9E \"quoted\"\n\ttab\\");
  std::vector<std::string> names;
  for (const auto& t : f.tensors) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"bias", "empty", "scalar", "weight", "z.cube"});

  const pe::StTensor* w = f.find("weight");
  REQUIRE(w);
  CHECK(w->shape == std::vector<std::int64_t>{3, 4});
  for (int k = 0; k < 12; ++k) CHECK(w->data[static_cast<std::size_t>(k)] == k * 0.25f - 1.5f);
  const pe::StTensor* b = f.find("bias");
  REQUIRE(b);
  CHECK(b->shape == std::vector<std::int64_t>{6});
  const std::vector<float> want{1e-3f, -2.5e7f, 3.4028235e38f, 1.17549435e-38f, 1e-45f, -0.0f};
  REQUIRE(b->data.size() == want.size());
  for (std::size_t k = 0; k < want.size(); ++k) CHECK(bits(b->data[k]) == bits(want[k]));
  CHECK(bits(b->data[4]) == 1u);  // the smallest denormal
  const pe::StTensor* s = f.find("scalar");
  REQUIRE(s);
  CHECK(s->shape.empty());
  CHECK(s->data == std::vector<float>{3.5f});
  const pe::StTensor* e = f.find("empty");
  REQUIRE(e);
  CHECK(e->shape == std::vector<std::int64_t>{0, 4});
  CHECK(e->data.empty());
  const pe::StTensor* c = f.find("z.cube");
  REQUIRE(c);
  CHECK(c->shape == std::vector<std::int64_t>{2, 2, 1});
  CHECK(c->data == std::vector<float>{1.0f, -2.0f, 0.1f, static_cast<float>(1.0 / 3.0)});

  // Our encoder writes the same bytes as the Python writer (same header text and layout).
  std::FILE* fp = std::fopen(golden_path("fixture.safetensors").c_str(), "rb");
  REQUIRE(fp);
  std::string bytes;
  char buf[4096];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, fp)) > 0) bytes.append(buf, got);
  std::fclose(fp);
  const std::string ours = pe::safetensors_encode(f);
  CHECK(ours.size() >= 8);
  CHECK(pe::safetensors_decode(ours).metadata == f.metadata);
  CHECK(ours.substr(ours.size() - 92) == bytes.substr(bytes.size() - 92));  // the data sections agree
}

TEST_CASE("safetensors decodes every golden training checkpoint and its gradients") {
  for (const char* stem : {"none", "sinusoidal", "learned", "rope", "alibi", "t5", "shaw", "xpos", "cpe",
                           "t5_causal", "shaw_k3"}) {
    INFO(stem);
    const pe::StFile ckpt = pe::safetensors_load(golden_path(std::string(stem) + ".safetensors"));
    const pe::StFile grads = pe::safetensors_load(golden_path(std::string(stem) + ".grads.safetensors"));
    CHECK(ckpt.metadata.count("config") == 1);
    CHECK(ckpt.metadata.at("config").find("\"format\":\"pe-playground/1\"") != std::string::npos);
    CHECK(ckpt.metadata.count("vocab") == 1);
    REQUIRE(ckpt.find("tok_emb"));
    CHECK(ckpt.find("tok_emb")->shape == std::vector<std::int64_t>{13, 16});
    CHECK(grads.tensors.size() == ckpt.tensors.size() + 1);
    for (const auto& t : ckpt.tensors) {
      const pe::StTensor* g = grads.find(t.name);
      REQUIRE(g);
      CHECK(g->shape == t.shape);
    }
    REQUIRE(grads.find("loss"));
    CHECK(grads.find("loss")->shape.empty());
    CHECK(grads.find("loss")->data[0] > 1.0f);
  }
}

TEST_CASE("safetensors refuses a file cut at any byte") {
  const std::string bytes = pe::safetensors_encode(sample_file());
  REQUIRE_NOTHROW(pe::safetensors_decode(bytes));
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    INFO("cut at " << cut << " of " << bytes.size());
    CHECK_THROWS_AS(pe::safetensors_decode(bytes.substr(0, cut)), pe::Error);
  }
  refuses(bytes.substr(0, 5), "shorter than the 8-byte header length");
  refuses(bytes.substr(0, 20), "runs past the end of the file");
  refuses(bytes.substr(0, bytes.size() - 1), "past the data section");
}

TEST_CASE("safetensors survives flipped header bytes: a clean error or a consistent file") {
  const std::string bytes = pe::safetensors_encode(sample_file());
  std::uint64_t n = 0;
  for (int b = 0; b < 8; ++b) n |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[b])) << (8 * b);
  int refused = 0, accepted = 0;
  for (std::size_t at = 0; at < 8 + n; ++at)
    for (unsigned mask : {0x01u, 0x02u, 0x04u, 0x08u, 0x10u, 0x20u, 0x40u, 0x80u, 0xFFu}) {
      std::string bad = bytes;
      bad[at] = static_cast<char>(static_cast<unsigned char>(bad[at]) ^ mask);
      try {
        const pe::StFile f = pe::safetensors_decode(bad);
        ++accepted;  // e.g. a changed letter in a name or a space turned into a tab
        std::size_t count = 0;
        for (const auto& t : f.tensors) {
          std::size_t elems = 1;
          for (auto e : t.shape) elems *= static_cast<std::size_t>(e);
          CHECK(t.data.size() == elems);
          count += elems;
        }
        CHECK(count == 13);  // the data section still holds all 13 values, nothing invented
      } catch (const pe::Error&) {
        ++refused;
      }
    }
  CHECK(refused > accepted);
  // Any length change either runs past the end, is absurd, or leaves bytes unaccounted.
  for (std::size_t at = 0; at < 8; ++at) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    CHECK_THROWS_AS(pe::safetensors_decode(bad), pe::Error);
  }
}

TEST_CASE("safetensors refuses bad header lengths and headers that are not a JSON object") {
  refuses("", "file is 0 bytes");
  refuses(std::string(7, '\0'), "file is 7 bytes, shorter than the 8-byte header length");
  std::string huge(8, '\xFF');
  refuses(huge + "{}", "is absurd");
  std::string big = make_file("{}");
  big[4] = 0x10;  // about 68 GB
  refuses(big, "is absurd");
  std::string past = make_file("{}      ");
  past[0] = 9;
  refuses(past, "runs past the end of the file");
  refuses(make_file(""), "too short");
  refuses(make_file("{\"a\":"), "invalid JSON");
  refuses(make_file("{\"a\":{}"), "invalid JSON");
  refuses(make_file("{'a':1}"), "invalid JSON");
  refuses(make_file("{\"a\":1,}"), "invalid JSON");
  refuses(make_file("{} x"), "unexpected text after the value");
  refuses(make_file("{\"a\":NaN}"), "invalid JSON");
  refuses(make_file("{\"a\":\"\\q\"}"), "bad escape");
  refuses(make_file("{\"a\":\"\\ud800\"}"), "surrogate");
  refuses(make_file("{\"a\":\"x\ny\"}"), "control character");
  refuses(make_file("{\"\xC3\":1}"), "not valid UTF-8");
  refuses(make_file("[]"), "header is an array, not a JSON object");
  refuses(make_file("3       "), "header is a number, not a JSON object");
  refuses(make_file("\"{}\""), "header is a string, not a JSON object");
  refuses(make_file("{\"a\":" + std::string(200, '[') + std::string(200, ']') + "}"), "nested deeper than 64");
  refuses(make_file(std::string(100000, '[')), "nested deeper than 64");
}

TEST_CASE("safetensors refuses bad tensor entries") {
  const std::string four = f32_bytes({1, 2, 3, 4});
  auto entry = [](const std::string& body) { return "{\"t\":{" + body + "}}"; };
  refuses(make_file(entry("\"shape\":[4],\"data_offsets\":[0,16]"), four), "tensor 't' has no dtype");
  refuses(make_file(entry("\"dtype\":\"F32\",\"data_offsets\":[0,16]"), four), "tensor 't' has no shape");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[4]"), four), "tensor 't' has no data_offsets");
  refuses(make_file(entry("\"dtype\":\"F16\",\"shape\":[8],\"data_offsets\":[0,16]"), four),
          "tensor 't' has dtype F16; only F32 is supported");
  refuses(make_file(entry("\"dtype\":\"BF16\",\"shape\":[8],\"data_offsets\":[0,16]"), four), "dtype BF16");
  refuses(make_file(entry("\"dtype\":32,\"shape\":[4],\"data_offsets\":[0,16]"), four), "dtype is a number");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]"), four), "shape[0] is negative");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[4.5],\"data_offsets\":[0,16]"), four),
          "shape[0] is not an integer");
  // json_parse reads numbers as doubles: an integer value written as 1.6e1 or 4.0 is that integer.
  CHECK(pe::safetensors_decode(make_file(entry("\"dtype\":\"F32\",\"shape\":[4.0],\"data_offsets\":[0,1.6e1]"),
                                         four)).tensors[0].shape == std::vector<std::int64_t>{4});
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[1e300],\"data_offsets\":[0,16]"), four),
          "shape[0] is too large");

  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[2,\"2\"],\"data_offsets\":[0,16]"), four),
          "shape[1] is a string");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,16]"), four), "shape is a number");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,16]"), four),
          "too large");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]"), four),
          "too many elements");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]"), four),
          "shape holds 12 bytes of F32 but data_offsets span 16");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0]"), four), "[begin, end]");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16,16]"), four), "[begin, end]");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-1,15]"), four),
          "data_offsets[0] is negative");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[16,0]"), four), "end < begin");
  refuses(make_file(entry("\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16],\"extra\":1"), four),
          "unknown field \"extra\"");
  refuses(make_file("{\"t\":[1,2]}", four), "tensor 't' is an array, not an object");
}

TEST_CASE("safetensors refuses offsets outside the data, overlaps, holes and trailing bytes") {
  const std::string eight = f32_bytes({1, 2, 3, 4, 5, 6, 7, 8});
  auto two = [](const char* a, const char* b) {
    return std::string("{\"x\":{\"dtype\":\"F32\",\"shape\":[") + a + "},\"y\":{\"dtype\":\"F32\",\"shape\":[" + b + "}}";
  };
  // Valid: x at [0, 16), y at [16, 32), in either header order.
  REQUIRE_NOTHROW(pe::safetensors_decode(make_file(two("4],\"data_offsets\":[0,16]", "4],\"data_offsets\":[16,32]"), eight)));
  const pe::StFile swapped =
      pe::safetensors_decode(make_file(two("4],\"data_offsets\":[16,32]", "4],\"data_offsets\":[0,16]"), eight));
  CHECK(swapped.tensors[0].name == "y");  // file order: by offset
  CHECK(swapped.find("x")->data == std::vector<float>{5, 6, 7, 8});

  refuses(make_file(two("4],\"data_offsets\":[0,16]", "6],\"data_offsets\":[16,40]"), eight), "ends at byte 40 past the data section (32 bytes)");
  refuses(make_file(two("4],\"data_offsets\":[0,16]", "4],\"data_offsets\":[24,40]"), eight), "leaves a hole after byte 16");
  refuses(make_file(two("4],\"data_offsets\":[0,16]", "4],\"data_offsets\":[8,24]"), eight),
          "overlaps the tensor before it");
  refuses(make_file(two("4],\"data_offsets\":[0,16]", "4],\"data_offsets\":[0,16]"), eight), "overlaps");
  refuses(make_file(two("2],\"data_offsets\":[0,8]", "4],\"data_offsets\":[16,32]"), eight), "leaves a hole");
  refuses(make_file(two("2],\"data_offsets\":[8,16]", "4],\"data_offsets\":[16,32]"), eight), "leaves a hole");
  refuses(make_file(two("4],\"data_offsets\":[0,16]", "2],\"data_offsets\":[16,24]"), eight),
          "the data section has 32 bytes but the tensors cover 24");
  refuses(make_file(two("4],\"data_offsets\":[0,16]", "4],\"data_offsets\":[16,32]"), eight + "junk"),
          "the data section has 36 bytes but the tensors cover 32");
  refuses(make_file(two("4],\"data_offsets\":[0,16]", "4],\"data_offsets\":[16,32]") + "\x01", eight),
          "invalid JSON");  // a non-space byte in the padding
  refuses(make_file("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                    "\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,32]}}",
                    eight),
          "duplicate key \"x\"");
  refuses(make_file("{}", "abcd"), "the data section has 4 bytes but the tensors cover 0");

  // Empty tensors and scalars sit anywhere in the tiling, including at the end.
  const pe::StFile ok = pe::safetensors_decode(make_file(
      "{\"e\":{\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[4,4]},"
      "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
      "\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}",
      f32_bytes({9})));
  REQUIRE(ok.tensors.size() == 3);
  CHECK(ok.tensors[0].name == "s");
  CHECK(ok.find("s")->data == std::vector<float>{9});
  CHECK(ok.find("e")->shape == std::vector<std::int64_t>{3, 0});
}

TEST_CASE("safetensors metadata must be an object of strings") {
  const std::string one = f32_bytes({1});
  const std::string t = "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
  const pe::StFile ok = pe::safetensors_decode(make_file("{\"__metadata__\":{\"k\":\"v\",\"e\":\"\"}," + t + "}", one));
  CHECK(ok.metadata == std::map<std::string, std::string>{{"k", "v"}, {"e", ""}});
  refuses(make_file("{\"__metadata__\":{\"k\":1}," + t + "}", one), "__metadata__ value of \"k\" is a number");
  refuses(make_file("{\"__metadata__\":{\"k\":null}," + t + "}", one), "is null, not a string");
  refuses(make_file("{\"__metadata__\":{\"k\":[\"v\"]}," + t + "}", one), "is an array, not a string");
  refuses(make_file("{\"__metadata__\":\"v\"," + t + "}", one), "__metadata__ is a string, not an object");
  refuses(make_file("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}," + t + "}", one), "duplicate key \"k\"");
}

TEST_CASE("safetensors save and load a file, naming the path on errors") {
  const std::string path = "pe_test_safetensors_roundtrip.safetensors";  // in the working directory
  const pe::StFile in = sample_file();
  pe::safetensors_save(path, in);
  const pe::StFile out = pe::safetensors_load(path);
  CHECK(out.metadata == in.metadata);
  CHECK(out.tensors.size() == in.tensors.size());
  std::remove(path.c_str());

  CHECK_THROWS_WITH(pe::safetensors_load("/nonexistent/dir/model.safetensors"),
                    Catch::StartsWith("cannot read checkpoint '/nonexistent/dir/model.safetensors'"));
  CHECK_THROWS_WITH(pe::safetensors_save("/nonexistent/dir/model.safetensors", in),
                    Catch::StartsWith("cannot write checkpoint '/nonexistent/dir/model.safetensors'"));
  // A readable file that is not a checkpoint: the decode error, prefixed with the path.
  const std::string junk = golden_path("none.batch.json");
  CHECK_THROWS_WITH(pe::safetensors_load(junk), Catch::StartsWith(junk + ": safetensors: "));
}
