// A small streaming JSON writer for the CLI and the tests. Doubles are written with 17
// significant digits (round-trip exact); non-finite numbers become null.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "pe/table.hpp"

namespace pe {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(const std::string& k);
  JsonWriter& value(const std::string& s);
  JsonWriter& value(const char* s) { return value(std::string(s)); }
  JsonWriter& value(double v);
  JsonWriter& value(int v) { return value(static_cast<long long>(v)); }
  JsonWriter& value(long long v);
  JsonWriter& value(bool b);
  JsonWriter& null();
  // A nested array of the given shape from row-major data (rank 0: a number).
  JsonWriter& array(const double* data, const std::vector<std::size_t>& shape, bool integer = false);
  JsonWriter& array(const float* data, const std::vector<std::size_t>& shape);

 private:
  void comma();
  void nested(const double* data, const float* fdata, const std::vector<std::size_t>& shape,
              std::size_t dim, std::size_t& at, bool integer);
  std::ostream& out_;
  std::vector<bool> first_{true};
  bool after_key_ = false;
};

std::string json_escape(const std::string& s);

// A parsed JSON document (RFC 8259, strict: no comments, no trailing commas, no NaN;
// nesting at most 64 deep). Objects keep their members in order; a duplicate key is an
// error. Numbers are doubles.
struct JsonValue {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> items;                              // array
  std::vector<std::pair<std::string, JsonValue>> members;    // object

  const JsonValue* get(const std::string& key) const;  // object member or null
  bool is(Type t) const { return type == t; }
};
// Throws pe::Error "<what>: invalid JSON at byte N: <reason>".
JsonValue json_parse(const std::string& text, const std::string& what = "JSON");

// The table's entries as one JSON object {"name": nested array or number, ...}.
void write_table_json(JsonWriter& w, const Table& t);

}  // namespace pe
