// pe-cli: the command-line face of the core. Parses arguments, calls the library,
// prints JSON (--json) or readable tables. No maths here.
//
//   pe-cli schemes [--json]
//   pe-cli table SCHEME --len N --dim D [--heads H] [--set KEY=VALUE]... [--json]
//   pe-cli probe --sentence TEXT [--compare TEXT] [--scheme NAME|all] [--dim D]
//                [--heads H] [--seed S] [--causal] [--shift K] [--no-weights]
//                [--set KEY=VALUE]... [--json]
// Bad input: exit status 2 and one line on stderr naming the problem.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "pe/describe.hpp"
#include "pe/error.hpp"
#include "pe/json.hpp"
#include "pe/limits.hpp"
#include "pe/probe.hpp"
#include "pe/registry.hpp"

namespace {

const char* kUsage =
    "usage: pe-cli schemes [--json]\n"
    "       pe-cli table SCHEME --len N --dim D [--heads H] [--set KEY=VALUE]... [--json]\n"
    "       pe-cli probe --sentence TEXT [--compare TEXT] [--scheme NAME|all] [--dim D] [--heads H]\n"
    "                    [--seed S] [--causal] [--shift K] [--no-weights] [--set KEY=VALUE]... [--json]\n";

struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // --key value (value "" for flags)
  std::vector<std::string> settings;                         // --set KEY=VALUE
  bool has(const std::string& k) const {
    for (const auto& o : options) if (o.first == k) return true;
    return false;
  }
  std::string get(const std::string& k, const std::string& def) const {
    std::string v = def;
    for (const auto& o : options) if (o.first == k) v = o.second;
    return v;
  }
};

Args parse_args(int argc, char** argv, const std::vector<std::string>& flags,
                const std::vector<std::string>& valued) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) != 0) { a.positional.push_back(s); continue; }
    std::string key = s.substr(2), val;
    auto eq = key.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) { val = key.substr(eq + 1); key = key.substr(0, eq); }
    bool is_flag = false, is_valued = false;
    for (const auto& f : flags) is_flag = is_flag || f == key;
    for (const auto& v : valued) is_valued = is_valued || v == key;
    if (is_flag && !inline_value) { a.options.push_back({key, ""}); continue; }
    pe::require(is_valued, "unknown option --" + key);
    if (!inline_value) {
      pe::require(i + 1 < argc, "option --" + key + " needs a value");
      val = argv[++i];
    }
    if (key == "set") a.settings.push_back(val);
    else a.options.push_back({key, val});
  }
  return a;
}

long long parse_int(const std::string& name, const std::string& text, long long lo, long long hi) {
  const char* b = text.c_str();
  char* e = nullptr;
  errno = 0;
  long long v = std::strtoll(b, &e, 10);
  pe::require(e != b && *e == '\0' && errno == 0, "--" + name + " '" + text + "' is not a whole number");
  pe::require(v >= lo && v <= hi, "--" + name + " " + text + " is out of range [" + std::to_string(lo) + ", " +
                                      std::to_string(hi) + "]");
  return v;
}

pe::Settings settings_of(const std::vector<std::string>& kvs) {
  pe::Settings s;
  for (const auto& kv : kvs) {
    auto p = pe::split_setting(kv);
    s[p.first] = p.second;
  }
  return s;
}

std::string spec_range(const pe::ParamSpec& p) {
  std::ostringstream o;
  if (p.kind == pe::ParamKind::choice) {
    for (std::size_t i = 0; i < p.choices.size(); ++i) o << (i ? "|" : "") << p.choices[i];
  } else if (p.kind == pe::ParamKind::boolean) {
    o << "true|false";
  } else {
    o << (p.min_exclusive ? "(" : "[") << p.min << ", " << p.max << "]";
  }
  return o.str();
}

int cmd_schemes(const Args& a) {
  const auto& all = pe::scheme_registry();
  if (a.has("json")) {
    pe::JsonWriter w(std::cout);
    pe::write_schemes_json(w);
    std::cout << "\n";
    return 0;
  }
  for (const auto& e : all) {
    const auto& i = *e.info;
    std::cout << std::left << std::setw(12) << i.name << std::setw(10) << pe::site_name(i.where) << i.title << "\n";
    for (const auto& p : i.params)
      std::cout << "    " << std::setw(18) << p.key << std::setw(14) << ("=" + p.def) << spec_range(p) << "  "
                << p.help << "\n";
  }
  return 0;
}

int cmd_table(const Args& a) {
  pe::require(a.positional.size() == 1, "table needs exactly one SCHEME (see pe-cli schemes)");
  pe::require(a.has("len"), "table needs --len N");
  pe::require(a.has("dim"), "table needs --dim D");
  const int n = static_cast<int>(parse_int("len", a.get("len", ""), 1, 1 << 30));
  const int d = static_cast<int>(parse_int("dim", a.get("dim", ""), 1, 1 << 30));
  const int h = static_cast<int>(parse_int("heads", a.get("heads", "1"), 1, 1 << 30));
  auto scheme = pe::make_scheme(a.positional[0], settings_of(a.settings));
  const pe::Table t = scheme->table(n, d, h);
  // Built completely before anything is printed: no partial tables.
  std::ostringstream buf;
  if (a.has("json")) {
    pe::JsonWriter w(buf);
    w.begin_object().key("scheme").value(a.positional[0]).key("len").value(n).key("dim").value(d);
    w.key("heads").value(h).key("table");
    pe::write_table_json(w, t);
    w.end_object();
    buf << "\n";
  } else {
    buf << std::setprecision(6);
    for (const auto& e : t.entries) {
      const auto& v = e.value;
      buf << e.name << " (";
      for (std::size_t k = 0; k < v.dimension(); ++k) buf << (k ? " x " : "") << v.shape()[k];
      buf << (v.dimension() == 0 ? "scalar" : "") << ")\n";
      const std::size_t cols = v.dimension() == 0 ? 1 : v.shape()[v.dimension() - 1];
      for (std::size_t i = 0; i < v.size(); ++i) {
        buf << std::setw(13) << v.data()[i];
        if ((i + 1) % cols == 0) buf << "\n";
      }
    }
  }
  std::cout << buf.str();
  return 0;
}

int cmd_probe(const Args& a) {
  pe::ProbeOptions o;
  pe::require(a.has("sentence"), "probe needs --sentence TEXT");
  pe::require(a.positional.empty(), "probe takes no positional argument '" +
                                        (a.positional.empty() ? std::string() : a.positional[0]) + "'");
  o.sentence = a.get("sentence", "");
  o.compare = a.get("compare", "");
  o.dim = static_cast<int>(parse_int("dim", a.get("dim", "64"), 1, pe::limits::max_dim));
  o.heads = static_cast<int>(parse_int("heads", a.get("heads", "4"), 1, pe::limits::max_heads));
  o.seed = static_cast<std::uint64_t>(parse_int("seed", a.get("seed", "1"), 0, (1LL << 53)));
  o.shift = static_cast<int>(parse_int("shift", a.get("shift", "16"), 0, 1 << 20));
  o.causal = a.has("causal");
  o.weights = !a.has("no-weights");
  const std::string which = a.get("scheme", "all");
  if (which != "all") {
    pe::find_scheme(which);
    o.schemes = {which};
  } else {
    for (const auto& e : pe::scheme_registry()) o.schemes.push_back(e.info->name);
  }
  // --set KEY=VALUE goes to every chosen scheme that declares KEY; a key none declares is an error.
  for (const auto& kv : a.settings) {
    auto p = pe::split_setting(kv);
    bool used = false;
    for (const auto& name : o.schemes) {
      for (const auto& spec : pe::find_scheme(name).info->params)
        if (spec.key == p.first) { o.settings[name][p.first] = p.second; used = true; }
    }
    pe::require(used, "--set " + p.first + ": no chosen scheme has a parameter '" + p.first + "'");
  }
  const pe::ProbeResult r = pe::run_probe(o);
  std::ostringstream buf;
  if (a.has("json")) {
    pe::JsonWriter w(buf);
    pe::write_probe_json(w, o, r);
    buf << "\n";
  } else {
    buf << "sentence: ";
    for (const auto& t : r.tokens) buf << "[" << t << "] ";
    buf << "\ncompare:  ";
    for (const auto& t : r.tokens_compare) buf << "[" << t << "] ";
    buf << "\n\n" << std::left << std::setw(12) << "scheme" << std::setw(20) << "sentence_distance"
        << "shift_logit_change\n";
    for (const auto& s : r.schemes)
      buf << std::setw(12) << s.scheme << std::setw(20) << std::setprecision(6) << s.sentence_distance
          << s.shift_logit_change << "\n";
  }
  std::cout << buf.str();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
      std::cout << kUsage;
      return argc < 2 ? 2 : 0;
    }
    const std::string cmd = argv[1];
    if (cmd == "schemes") return cmd_schemes(parse_args(argc, argv, {"json"}, {}));
    if (cmd == "table") return cmd_table(parse_args(argc, argv, {"json"}, {"len", "dim", "heads", "set"}));
    if (cmd == "probe")
      return cmd_probe(parse_args(argc, argv, {"json", "causal", "no-weights"},
                                  {"sentence", "compare", "scheme", "dim", "heads", "seed", "shift", "set"}));
    throw pe::Error("unknown command '" + cmd + "' (schemes, table, probe)");
  } catch (const pe::Error& e) {
    std::cerr << "pe-cli: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "pe-cli: out of memory\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "pe-cli: internal error: " << e.what() << "\n";
    return 3;
  }
}
