// Shape checks shared by every Scheme::table: one clear pe::Error per bad size.
#pragma once
#include <string>

#include "pe/error.hpp"
#include "pe/limits.hpp"

namespace pe {

inline void check_table_shape(const std::string& scheme, int n, int d, int heads) {
  require(n >= 1 && n <= limits::max_table_len,
          scheme + ": --len " + std::to_string(n) + " is out of range [1, " +
              std::to_string(limits::max_table_len) + "]");
  require(d >= 1 && d <= limits::max_dim,
          scheme + ": --dim " + std::to_string(d) + " is out of range [1, " + std::to_string(limits::max_dim) + "]");
  require(heads >= 1 && heads <= limits::max_heads,
          scheme + ": --heads " + std::to_string(heads) + " is out of range [1, " +
              std::to_string(limits::max_heads) + "]");
  require(static_cast<std::size_t>(n) * static_cast<std::size_t>(d) <= limits::max_table_cells,
          scheme + ": table of " + std::to_string(n) + " x " + std::to_string(d) + " values is too large");
}

// The (heads, n, n) "bias" entry of the schemes with a per-pair bias, within the cell limit.
inline void check_bias_cells(const std::string& scheme, int heads, int n) {
  require(static_cast<std::size_t>(heads) * n * n <= limits::max_table_cells,
          scheme + ": bias of " + std::to_string(heads) + " x " + std::to_string(n) + " x " + std::to_string(n) +
              " values is too large");
}

}  // namespace pe
