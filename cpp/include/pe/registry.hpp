// Every scheme by name, in the order of REFERENCE.md.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

struct SchemeEntry {
  const SchemeInfo* info;
  std::function<std::unique_ptr<Scheme>(Params)> make;
};

using Settings = std::map<std::string, std::string>;  // KEY -> VALUE, as typed

const std::vector<SchemeEntry>& scheme_registry();
// Throws pe::Error "unknown scheme 'x' (known: none, sinusoidal, ...)".
const SchemeEntry& find_scheme(const std::string& name);
// Validates settings against the scheme's ParamSpecs and builds it.
std::unique_ptr<Scheme> make_scheme(const std::string& name, const Settings& settings = {});

// Each family registers its schemes (one .cpp per family, in REFERENCE.md order).
void register_absolute(std::vector<SchemeEntry>& out);  // none sinusoidal learned integer binary fourier
void register_rotary(std::vector<SchemeEntry>& out);    // rope xpos fope
void register_relative(std::vector<SchemeEntry>& out);  // alibi shaw t5
void register_content(std::vector<SchemeEntry>& out);   // cpe cope
void register_wrappers(std::vector<SchemeEntry>& out);  // randomized (last: it wraps others)

// Helper for the family files: entry for scheme class S with static info().
template <class S>
SchemeEntry entry_of() {
  return {&S::static_info(), [](Params p) { return std::unique_ptr<Scheme>(new S(std::move(p))); }};
}

}  // namespace pe
