// A scheme's raw quantities for positions 0..N-1, as named arrays.
// The CLI writes them as JSON; the WASM module hands them over as typed arrays.
#pragma once
#include <string>
#include <vector>
#include <xtensor/xarray.hpp>

namespace pe {

struct TableEntry {
  std::string name;            // "pe", "inv_freq", "angles", "slopes", "bias", ...
  xt::xarray<double> value;    // any rank; rank 0 is a scalar
  bool integer = false;        // printed without a fraction (buckets, index)
};

struct Table {
  std::vector<TableEntry> entries;

  void add(const std::string& name, xt::xarray<double> value, bool integer = false) {
    entries.push_back({name, std::move(value), integer});
  }
  const TableEntry* find(const std::string& name) const {
    for (const auto& e : entries)
      if (e.name == name) return &e;
    return nullptr;
  }
};

}  // namespace pe
