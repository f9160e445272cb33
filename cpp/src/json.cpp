#include "pe/json.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "pe/error.hpp"

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

// ---- reader ----------------------------------------------------------------------------
namespace pe {

namespace {

class JsonReader {
 public:
  JsonReader(const std::string& text, const std::string& what) : s_(text), what_(what) {}

  JsonValue document() {
    JsonValue v = value(0);
    space();
    if (at_ != s_.size()) fail("unexpected text after the value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(what_ + ": invalid JSON at byte " + std::to_string(at_) + ": " + why);
  }
  void space() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) ++at_;
  }
  bool eat(char c) {
    space();
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "'");
  }
  bool word(const char* w) {
    const std::size_t n = std::char_traits<char>::length(w);
    if (s_.compare(at_, n, w) != 0) return false;
    at_ += n;
    return true;
  }

  JsonValue value(int depth) {
    if (depth > 64) fail("nested deeper than 64");
    space();
    if (at_ >= s_.size()) fail("unexpected end");
    JsonValue v;
    const char c = s_[at_];
    if (c == '{') {
      ++at_;
      v.type = JsonValue::Type::object;
      if (eat('}')) return v;
      std::set<std::string> keys;
      do {
        space();
        if (at_ >= s_.size() || s_[at_] != '"') fail("expected a string key");
        std::string k = string();
        if (!keys.insert(k).second) fail("duplicate key \"" + json_escape(k.size() > 64 ? k.substr(0, 64) + "..." : k) + "\"");
        expect(':');
        v.members.emplace_back(std::move(k), value(depth + 1));
      } while (eat(','));
      expect('}');
    } else if (c == '[') {
      ++at_;
      v.type = JsonValue::Type::array;
      if (eat(']')) return v;
      do v.items.push_back(value(depth + 1));
      while (eat(','));
      expect(']');
    } else if (c == '"') {
      v.type = JsonValue::Type::string;
      v.string = string();
    } else if (word("true")) {
      v.type = JsonValue::Type::boolean;
      v.boolean = true;
    } else if (word("false")) {
      v.type = JsonValue::Type::boolean;
    } else if (word("null")) {
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.type = JsonValue::Type::number;
      v.number = number();
    } else {
      fail(std::string("unexpected character '") + c + "'");
    }
    return v;
  }

  double number() {
    const std::size_t start = at_;
    auto digits = [&] {
      const std::size_t from = at_;
      while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9') ++at_;
      if (at_ == from) fail("expected a digit");
    };
    if (s_[at_] == '-') ++at_;
    if (at_ < s_.size() && s_[at_] == '0') ++at_;
    else digits();
    if (at_ < s_.size() && s_[at_] == '.') {
      ++at_;
      digits();
    }
    if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
      ++at_;
      if (at_ < s_.size() && (s_[at_] == '+' || s_[at_] == '-')) ++at_;
      digits();
    }
    const double v = std::strtod(s_.substr(start, at_ - start).c_str(), nullptr);
    if (!std::isfinite(v)) fail("number out of range");
    return v;
  }

  unsigned hex4() {
    if (at_ + 4 > s_.size()) fail("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[at_++];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') v |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') v |= static_cast<unsigned>(h - 'A' + 10);
      else fail("bad hex digit in \\u escape");
    }
    return v;
  }

  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string string() {
    ++at_;  // opening quote
    std::string out;
    while (true) {
      if (at_ >= s_.size()) fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(s_[at_++]);
      if (c == '"') return out;
      if (c < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (at_ >= s_.size()) fail("unterminated escape");
      const char e = s_[at_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair, or an error
            if (!word("\\u")) fail("lone surrogate in \\u escape");
            const unsigned lo = hex4();
            if (lo < 0xDC00 || lo >= 0xE000) fail("lone surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            fail("lone surrogate in \\u escape");
          }
          utf8(out, cp);
          break;
        }
        default: fail(std::string("bad escape '\\") + e + "'");
      }
    }
  }

  const std::string& s_;
  const std::string& what_;
  std::size_t at_ = 0;
};

}  // namespace

const JsonValue* JsonValue::get(const std::string& key) const {
  for (const auto& m : members)
    if (m.first == key) return &m.second;
  return nullptr;
}

JsonValue json_parse(const std::string& text, const std::string& what) {
  return JsonReader(text, what).document();
}

}  // namespace pe
