#include "pe/schemes/learned.hpp"

#include <vector>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/limits.hpp"
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
  require(p >= 0 && p < max_len_, "learned: position " + std::to_string(p) + " has no row (max_len=" +
                                      std::to_string(max_len_) + " covers 0.." + std::to_string(max_len_ - 1) +
                                      "); raise max_len");
}

void LearnedScheme::check_width(int d) const {
  require(d == d_, "learned: width " + std::to_string(d) + " was not prepared");
}

Table LearnedScheme::table(int n, int d, int heads) const {
  check_table_shape("learned", n, d, heads);
  check_position(n - 1);
  xt::xarray<double> pe = xt::zeros<double>({static_cast<std::size_t>(n), static_cast<std::size_t>(d)});
  for (int p = 0; p < n; ++p) learned_row(seed_, std_, p, d, pe.data() + static_cast<std::size_t>(p) * d);
  xt::xarray<double> profile = pe_dot_profile(pe);
  Table t;
  t.add("pe", std::move(pe));
  t.add("profile", std::move(profile));
  return t;
}

void LearnedScheme::prepare(const LayerShape& shape) {
  require(shape.d >= 1, "learned: width " + std::to_string(shape.d) + " must be positive");
  require(static_cast<std::size_t>(max_len_) * static_cast<std::size_t>(shape.d) <= limits::max_table_cells,
          "learned: a table of max_len x dim = " + std::to_string(max_len_) + " x " + std::to_string(shape.d) +
              " values is too large (limit " + std::to_string(limits::max_table_cells) + "); lower max_len");
  d_ = shape.d;
}

std::vector<ParamTensorSpec> LearnedScheme::param_specs(const LayerShape& shape) const {
  return {{"wpe", {max_len_, shape.d}, ParamScope::input, false}};
}

void LearnedScheme::init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const {
  if (values.empty() || values[0] == nullptr) return;
  const int d = shape.d;
  std::vector<double> row(static_cast<std::size_t>(d));
  for (int p = 0; p < max_len_; ++p) {
    learned_row(seed, std_, p, d, row.data());
    float* w = values[0] + static_cast<std::size_t>(p) * d;
    for (int c = 0; c < d; ++c) w[c] = static_cast<float>(row[c]);
  }
}

void LearnedScheme::encode_input(float* x, int n, int d, const int* pos) const {
  for (int i = 0; i < n; ++i) check_position(pos[i]);  // refuse before changing anything
  check_width(d);
  const float* wpe = param_value(0);  // (max_len, d)
  for (int i = 0; i < n; ++i) {
    const float* w = wpe + static_cast<std::size_t>(pos[i]) * d;
    float* xi = x + static_cast<std::size_t>(i) * d;
    for (int c = 0; c < d; ++c) xi[c] += w[c];
  }
}

void LearnedScheme::encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const {
  (void)x_in;
  for (int i = 0; i < n; ++i) check_position(pos[i]);
  check_width(d);
  float* dwpe = param_grad(0);  // (max_len, d)
  if (dwpe == nullptr) return;  // dx passes through unchanged
  for (int i = 0; i < n; ++i) {
    float* g = dwpe + static_cast<std::size_t>(pos[i]) * d;
    const float* di = dx + static_cast<std::size_t>(i) * d;
    for (int c = 0; c < d; ++c) g[c] += di[c];
  }
}

}  // namespace pe
