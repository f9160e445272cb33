#include "pe/schemes/sinusoidal.hpp"

#include <algorithm>
#include <cmath>
#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/table_checks.hpp"

namespace pe {

std::vector<double> sinusoidal_inv_freq(int d, double base, bool concat) {
  std::vector<double> inv;
  if (concat) {
    const int half = d / 2;
    const double step = std::log(base) / std::max(half - 1, 1);
    for (int k = 0; k < half; ++k) inv.push_back(std::exp(-k * step));
  } else {
    for (int k = 0; 2 * k < d; ++k) inv.push_back(std::pow(base, -2.0 * k / d));
  }
  return inv;
}

void sinusoidal_row(int p, int d, const std::vector<double>& inv_freq, bool concat, double* out) {
  const int pairs = static_cast<int>(inv_freq.size());
  if (concat) {
    for (int c = 0; c < d; ++c) out[c] = 0.0;  // odd d: the last dim stays zero
    for (int k = 0; k < pairs; ++k) {
      const double a = p * inv_freq[k];
      out[k] = std::sin(a);
      out[pairs + k] = std::cos(a);
    }
  } else {
    for (int k = 0; k < pairs; ++k) {
      const double a = p * inv_freq[k];
      out[2 * k] = std::sin(a);
      if (2 * k + 1 < d) out[2 * k + 1] = std::cos(a);
    }
  }
}

Table SinusoidalScheme::table(int n, int d, int heads) const {
  check_table_shape("sinusoidal", n, d, heads);
  const auto inv = sinusoidal_inv_freq(d, base_, concat_);
  xt::xarray<double> pe = xt::zeros<double>({static_cast<std::size_t>(n), static_cast<std::size_t>(d)});
  for (int p = 0; p < n; ++p) sinusoidal_row(p, d, inv, concat_, pe.data() + static_cast<std::size_t>(p) * d);
  xt::xarray<double> inv_arr = xt::adapt(inv, {inv.size()});
  xt::xarray<double> profile = pe_dot_profile(pe);
  Table t;
  t.add("pe", std::move(pe));
  t.add("inv_freq", std::move(inv_arr));
  t.add("profile", std::move(profile));
  return t;
}

void SinusoidalScheme::prepare(const LayerShape& shape) {
  require(shape.d >= 1, "sinusoidal: width " + std::to_string(shape.d) + " must be positive");
  inv_freq_ = sinusoidal_inv_freq(shape.d, base_, concat_);
  d_ = shape.d;
}

void SinusoidalScheme::encode_input(float* x, int n, int d, const int* pos) const {
  require(d == d_, "sinusoidal: width " + std::to_string(d) + " was not prepared");
  std::vector<double> row(static_cast<std::size_t>(d));
  for (int i = 0; i < n; ++i) {
    sinusoidal_row(pos[i], d, inv_freq_, concat_, row.data());
    for (int c = 0; c < d; ++c) x[static_cast<std::size_t>(i) * d + c] += static_cast<float>(row[c]);
  }
}

void SinusoidalScheme::encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const {
  (void)x_in; (void)dx; (void)n; (void)d; (void)pos;  // x' = x + PE(p): dx passes through
}

}  // namespace pe
