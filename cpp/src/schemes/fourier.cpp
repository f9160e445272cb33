#include "pe/schemes/fourier.hpp"

#include <cmath>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/table_checks.hpp"

namespace pe {

double fourier_value(long long pos, int k, int N) {
  long long m = (pos % N) * k % N;  // (k pos) mod N, exact
  if (m < 0) m += N;
  return std::cos(2.0 * 3.14159265358979323846 * static_cast<double>(m) / N);
}

Table FourierScheme::table(int n, int d, int heads) const {
  check_table_shape("fourier", n, d, heads);
  const int N = period(n);
  xt::xarray<double> pe = xt::zeros<double>({static_cast<std::size_t>(n), static_cast<std::size_t>(d)});
  xt::xarray<double> freq = xt::zeros<double>({static_cast<std::size_t>(d)});
  for (int k = 0; k < d; ++k) freq(k) = k;
  for (int p = 0; p < n; ++p)
    for (int k = 0; k < d; ++k) pe(p, k) = fourier_value(p, k, N);
  auto profile = pe_dot_profile(pe);
  Table t;
  t.add("pe", std::move(pe));
  t.add("frequencies", std::move(freq), true);
  t.add("period", xt::xarray<double>(static_cast<double>(N)), true);
  t.add("profile", std::move(profile));
  return t;
}

void FourierScheme::encode_input(float* x, int n, int d, const int* pos) const {
  const int N = period(n);
  require(N >= 1, "fourier: needs at least one token");
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) x[static_cast<std::size_t>(i) * d + k] += static_cast<float>(fourier_value(pos[i], k, N));
}

void FourierScheme::encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const {
  (void)x_in; (void)dx; (void)n; (void)d; (void)pos;  // x' = x + PE: dx passes through
}

}  // namespace pe
