#include "pe/schemes/binary.hpp"

#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/table_checks.hpp"

namespace pe {

Table BinaryScheme::table(int n, int d, int heads) const {
  check_table_shape("binary", n, d, heads);
  xt::xarray<double> pe = xt::zeros<double>({static_cast<std::size_t>(n), static_cast<std::size_t>(d)});
  xt::xarray<double> profile = xt::zeros<double>({std::size_t{1}, static_cast<std::size_t>(n)});
  for (int p = 0; p < n; ++p) {
    double ones = 0;
    for (int k = 0; k < d; ++k) {
      pe(p, k) = binary_bit(p, k);
      ones += pe(p, k);
    }
    profile(0, p) = 0.0 - ones;  // PE(0) = 0; 0.0 - x: no -0
  }
  Table t;
  t.add("pe", std::move(pe));
  t.add("profile", std::move(profile));
  return t;
}

void BinaryScheme::encode_input(float* x, int n, int d, const int* pos) const {
  for (int i = 0; i < n; ++i)
    require(pos[i] >= 0, "binary: position " + std::to_string(pos[i]) + " is negative");
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) x[static_cast<std::size_t>(i) * d + k] += static_cast<float>(binary_bit(pos[i], k));
}

void BinaryScheme::encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const {
  (void)x_in; (void)dx; (void)n; (void)d; (void)pos;  // x' = x + bits(p): dx passes through
}

}  // namespace pe
