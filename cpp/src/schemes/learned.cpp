#include "pe/schemes/learned.hpp"

#include <vector>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/rng.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {
constexpr std::uint64_t kTableStream = 0x1ea2;  // learned wpe
}

void learned_row(std::uint64_t seed, double std, int p, int d, double* out) {
  Rng rng(seed_mix(seed_mix(seed, kTableStream), static_cast<std::uint64_t>(p)));
  for (int c = 0; c < d; ++c) out[c] = rng.normal(0.0, std);
}

void LearnedScheme::check_position(int p) const {
  const int max_len = params_.integer("max_len");
  require(p >= 0 && p < max_len, "learned: position " + std::to_string(p) + " has no row (max_len=" +
                                     std::to_string(max_len) + " covers 0.." + std::to_string(max_len - 1) +
                                     "); raise max_len");
}

Table LearnedScheme::table(int n, int d, int heads) const {
  check_table_shape("learned", n, d, heads);
  check_position(n - 1);
  const auto seed = static_cast<std::uint64_t>(params_.number("seed"));
  const double std = params_.number("std");
  xt::xarray<double> pe = xt::zeros<double>({static_cast<std::size_t>(n), static_cast<std::size_t>(d)});
  for (int p = 0; p < n; ++p) learned_row(seed, std, p, d, pe.data() + static_cast<std::size_t>(p) * d);
  xt::xarray<double> profile = pe_dot_profile(pe);
  Table t;
  t.add("pe", std::move(pe));
  t.add("profile", std::move(profile));
  return t;
}

void LearnedScheme::encode_input(float* x, int n, int d, const int* pos) const {
  for (int i = 0; i < n; ++i) check_position(pos[i]);  // refuse before changing anything
  const auto seed = static_cast<std::uint64_t>(params_.number("seed"));
  const double std = params_.number("std");
  std::vector<double> row(static_cast<std::size_t>(d));
  for (int i = 0; i < n; ++i) {
    learned_row(seed, std, pos[i], d, row.data());
    for (int c = 0; c < d; ++c) x[static_cast<std::size_t>(i) * d + c] += static_cast<float>(row[c]);
  }
}

}  // namespace pe
