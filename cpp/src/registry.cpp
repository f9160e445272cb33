#include "pe/registry.hpp"

#include "pe/error.hpp"

namespace pe {

const char* site_name(Site s) {
  switch (s) {
    case Site::nowhere: return "none";
    case Site::input: return "input";
    case Site::query_key: return "query_key";
    case Site::logits: return "logits";
    case Site::content: return "content";
  }
  return "?";
}

const std::vector<SchemeEntry>& scheme_registry() {
  static const std::vector<SchemeEntry> all = [] {
    std::vector<SchemeEntry> v;
    register_absolute(v);
    register_rotary(v);
    register_relative(v);
    register_content(v);
    register_wrappers(v);
    return v;
  }();
  return all;
}

const SchemeEntry& find_scheme(const std::string& name) {
  std::string known;
  for (const auto& e : scheme_registry()) {
    if (e.info->name == name) return e;
    known += (known.empty() ? "" : ", ") + e.info->name;
  }
  throw Error("unknown scheme '" + name + "' (known: " + known + ")");
}

std::unique_ptr<Scheme> make_scheme(const std::string& name, const Settings& settings) {
  const SchemeEntry& e = find_scheme(name);
  return e.make(Params::parse(name, e.info->params, settings));
}

}  // namespace pe
