// libFuzzer target: the parameter parser (Params::parse through make_scheme) and every
// Scheme::table. Input: byte 0 picks the scheme, bytes 1-3 the length (1..64), width
// (1..64) and heads (1..8); the rest is KEY=VALUE lines as `--set` takes them. Bad
// settings or shapes must be a pe::Error; a table must obey the cell limit.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/params.hpp"
#include "pe/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const auto& registry = pe::scheme_registry();
  const std::string name = registry[data[0] % registry.size()].info->name;
  const int n = 1 + data[1] % 64, d = 1 + data[2] % 64, heads = 1 + data[3] % 8;
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data + 4), size - 4));
  pe::Settings settings;
  try {
    for (std::string line; std::getline(lines, line);) {
      auto kv = pe::split_setting(line);
      settings[kv.first] = kv.second;
    }
    const auto scheme = pe::make_scheme(name, settings);
    const pe::Table t = scheme->table(n, d, heads);
    std::size_t cells = 0;
    for (const auto& e : t.entries) cells += e.value.size();
    if (cells > pe::limits::max_table_cells) __builtin_trap();
  } catch (const pe::Error&) {
  }
  return 0;
}
