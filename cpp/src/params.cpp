#include "pe/params.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "pe/error.hpp"

namespace pe {

const char* kind_name(ParamKind k) {
  switch (k) {
    case ParamKind::number: return "number";
    case ParamKind::integer: return "integer";
    case ParamKind::boolean: return "boolean";
    case ParamKind::choice: return "choice";
    case ParamKind::list: return "list";
  }
  return "?";
}

namespace {

std::string fmt(double v) {
  std::ostringstream o;
  o.precision(10);
  o << v;
  return o.str();
}

std::string range_text(const ParamSpec& s) {
  return std::string(s.min_exclusive ? "(" : "[") + fmt(s.min) + ", " + fmt(s.max) + "]";
}

// Parses a finite number from the whole of text; throws with scheme/key context.
double parse_number(const std::string& scheme, const ParamSpec& s, const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  bool whole = end != begin && *end == '\0';
  require(whole && errno == 0 && std::isfinite(v),
          scheme + ": " + s.key + "='" + text + "' is not a number");
  return v;
}

void check_range(const std::string& scheme, const ParamSpec& s, double v, const std::string& text) {
  bool low_ok = s.min_exclusive ? v > s.min : v >= s.min;
  require(low_ok && v <= s.max,
          scheme + ": " + s.key + "=" + text + " is out of range " + range_text(s));
}

}  // namespace

Params Params::parse(const std::string& scheme, const std::vector<ParamSpec>& specs,
                     const std::map<std::string, std::string>& raw) {
  for (const auto& kv : raw) {
    bool known = false;
    for (const auto& s : specs) known = known || s.key == kv.first;
    if (!known) {
      std::string keys;
      for (const auto& s : specs) keys += (keys.empty() ? "" : ", ") + s.key;
      throw Error(scheme + ": unknown parameter '" + kv.first + "' (" +
                  (keys.empty() ? std::string("it takes none") : "known: " + keys) + ")");
    }
  }
  Params p;
  for (const auto& s : specs) {
    auto it = raw.find(s.key);
    const bool given = it != raw.end();
    const std::string text = given ? it->second : s.def;
    p.given_[s.key] = given;
    switch (s.kind) {
      case ParamKind::number: {
        double v = parse_number(scheme, s, text);
        check_range(scheme, s, v, text);
        p.numbers_[s.key] = v;
        break;
      }
      case ParamKind::integer: {
        double v = parse_number(scheme, s, text);
        require(v == std::floor(v), scheme + ": " + s.key + "=" + text + " is not a whole number");
        check_range(scheme, s, v, text);
        p.numbers_[s.key] = v;
        break;
      }
      case ParamKind::boolean: {
        bool v;
        if (text == "true" || text == "1" || text == "yes" || text == "on") v = true;
        else if (text == "false" || text == "0" || text == "no" || text == "off") v = false;
        else throw Error(scheme + ": " + s.key + "='" + text + "' is not true or false");
        p.numbers_[s.key] = v ? 1.0 : 0.0;
        break;
      }
      case ParamKind::choice: {
        bool ok = false;
        std::string all;
        for (const auto& c : s.choices) {
          ok = ok || c == text;
          all += (all.empty() ? "" : "|") + c;
        }
        require(ok, scheme + ": " + s.key + "='" + text + "' is not one of " + all);
        p.choices_[s.key] = text;
        break;
      }
      case ParamKind::list: {
        std::vector<double> values;
        if (!text.empty()) {
          std::stringstream ss(text);
          std::string item;
          while (std::getline(ss, item, ',')) {
            double v = parse_number(scheme, s, item);
            check_range(scheme, s, v, item);
            values.push_back(v);
          }
          require(text.back() != ',', scheme + ": " + s.key + "='" + text + "' ends with a comma");
        }
        p.lists_[s.key] = values;
        break;
      }
    }
  }
  return p;
}

double Params::number(const std::string& key) const {
  auto it = numbers_.find(key);
  require(it != numbers_.end(), "internal: parameter '" + key + "' is not declared");
  return it->second;
}
int Params::integer(const std::string& key) const { return static_cast<int>(number(key)); }
bool Params::flag(const std::string& key) const { return number(key) != 0.0; }
const std::string& Params::choice(const std::string& key) const {
  auto it = choices_.find(key);
  require(it != choices_.end(), "internal: parameter '" + key + "' is not declared");
  return it->second;
}
const std::vector<double>& Params::list(const std::string& key) const {
  auto it = lists_.find(key);
  require(it != lists_.end(), "internal: parameter '" + key + "' is not declared");
  return it->second;
}
bool Params::given(const std::string& key) const {
  auto it = given_.find(key);
  return it != given_.end() && it->second;
}

std::pair<std::string, std::string> split_setting(const std::string& kv) {
  auto eq = kv.find('=');
  require(eq != std::string::npos && eq > 0, "setting '" + kv + "' is not KEY=VALUE");
  return {kv.substr(0, eq), kv.substr(eq + 1)};
}

}  // namespace pe
