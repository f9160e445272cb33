// A scheme's raw quantities for positions 0..N-1, as named arrays.
// The CLI writes them as JSON; the WASM module hands them over as typed arrays.
#pragma once
#include <string>
#include <vector>
#include <xtensor/xarray.hpp>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/limits.hpp"

namespace pe {

struct TableEntry {
  std::string name;            // "pe", "inv_freq", "angles", "slopes", "bias", ...
  xt::xarray<double> value;    // any rank; rank 0 is a scalar
  bool integer = false;        // printed without a fraction (buckets, index)
};

// "profile" of a scheme added to the input: (1, n), PE(0) . PE(r) for r = 0..n-1, from
// its "pe" table (n, d). For sinusoids this is sum_k cos(r inv_k) and does not depend on
// the first position; for a learned table it does.
inline xt::xarray<double> pe_dot_profile(const xt::xarray<double>& pe) {
  const std::size_t n = pe.shape()[0], d = pe.shape()[1];
  xt::xarray<double> profile = xt::zeros<double>({std::size_t{1}, n});
  for (std::size_t r = 0; r < n; ++r) {
    double dot = 0;
    for (std::size_t c = 0; c < d; ++c) dot += pe(0, c) * pe(r, c);
    profile(0, r) = dot;
  }
  return profile;
}

// Every table obeys one cell limit: add() refuses an entry that brings the total past
// limits::max_table_cells values (so no scheme, present or future, can return, print or
// hand the page an unbounded table; check_table_shape refuses the common sizes earlier).
struct Table {
  std::vector<TableEntry> entries;

  void add(const std::string& name, xt::xarray<double> value, bool integer = false) {
    std::size_t total = value.size();
    for (const auto& e : entries) total += e.value.size();
    if (total > limits::max_table_cells) {
      std::string shape;
      for (std::size_t s : value.shape()) shape += (shape.empty() ? "" : " x ") + std::to_string(s);
      throw Error("table entry '" + name + "' (" + shape + ") brings the table to " + std::to_string(total) +
                  " values, past the limit of " + std::to_string(limits::max_table_cells) +
                  "; lower --len, --dim or --heads");
    }
    entries.push_back({name, std::move(value), integer});
  }
  const TableEntry* find(const std::string& name) const {
    for (const auto& e : entries)
      if (e.name == name) return &e;
    return nullptr;
  }
};

}  // namespace pe
