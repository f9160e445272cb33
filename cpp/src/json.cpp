#include "pe/json.hpp"

#include <cmath>
#include <cstdio>

namespace pe {

std::string json_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\r': o += "\\r"; break;
      case '\t': o += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          o += buf;
        } else {
          o += static_cast<char>(c);
        }
    }
  }
  return o;
}

void JsonWriter::comma() {
  if (after_key_) { after_key_ = false; return; }
  if (!first_.back()) out_ << ',';
  first_.back() = false;
}

JsonWriter& JsonWriter::begin_object() { comma(); out_ << '{'; first_.push_back(true); return *this; }
JsonWriter& JsonWriter::end_object() { first_.pop_back(); out_ << '}'; return *this; }
JsonWriter& JsonWriter::begin_array() { comma(); out_ << '['; first_.push_back(true); return *this; }
JsonWriter& JsonWriter::end_array() { first_.pop_back(); out_ << ']'; return *this; }
JsonWriter& JsonWriter::key(const std::string& k) {
  comma();
  out_ << '"' << json_escape(k) << "\":";
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::value(const std::string& s) { comma(); out_ << '"' << json_escape(s) << '"'; return *this; }
JsonWriter& JsonWriter::value(double v) {
  comma();
  if (!std::isfinite(v)) { out_ << "null"; return *this; }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out_ << buf;
  return *this;
}
JsonWriter& JsonWriter::value(long long v) { comma(); out_ << v; return *this; }
JsonWriter& JsonWriter::value(bool b) { comma(); out_ << (b ? "true" : "false"); return *this; }
JsonWriter& JsonWriter::null() { comma(); out_ << "null"; return *this; }

void JsonWriter::nested(const double* data, const float* fdata, const std::vector<std::size_t>& shape,
                        std::size_t dim, std::size_t& at, bool integer) {
  if (dim == shape.size()) {
    double v = data ? data[at] : static_cast<double>(fdata[at]);
    ++at;
    if (integer && std::isfinite(v)) value(static_cast<long long>(std::llround(v)));
    else if (fdata) {  // floats: 9 significant digits round-trip exactly
      comma();
      if (!std::isfinite(v)) out_ << "null";
      else { char buf[32]; std::snprintf(buf, sizeof buf, "%.9g", v); out_ << buf; }
    } else value(v);
    return;
  }
  begin_array();
  for (std::size_t i = 0; i < shape[dim]; ++i) nested(data, fdata, shape, dim + 1, at, integer);
  end_array();
}

JsonWriter& JsonWriter::array(const double* data, const std::vector<std::size_t>& shape, bool integer) {
  std::size_t at = 0;
  nested(data, nullptr, shape, 0, at, integer);
  return *this;
}
JsonWriter& JsonWriter::array(const float* data, const std::vector<std::size_t>& shape) {
  std::size_t at = 0;
  nested(nullptr, data, shape, 0, at, false);
  return *this;
}

void write_table_json(JsonWriter& w, const Table& t) {
  w.begin_object();
  for (const auto& e : t.entries) {
    w.key(e.name);
    std::vector<std::size_t> shape(e.value.shape().begin(), e.value.shape().end());
    w.array(e.value.data(), shape, e.integer);
  }
  w.end_object();
}

}  // namespace pe
