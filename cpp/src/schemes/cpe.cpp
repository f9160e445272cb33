#include "pe/schemes/cpe.hpp"

#include <cmath>
#include <cstdint>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/rng.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {
constexpr std::uint64_t kConvStream = 0xc9e0;  // CPE kernel and bias
}

void CpeScheme::make_weights(int d, std::vector<double>& kernel, std::vector<double>& bias) const {
  const double bound = 1.0 / std::sqrt(3.0);  // 1/sqrt(fan_in)
  const std::uint64_t base = seed_mix(static_cast<std::uint64_t>(params_.number("seed")), kConvStream);
  kernel.assign(static_cast<std::size_t>(d) * 3, 0.0);
  bias.assign(static_cast<std::size_t>(d), 0.0);
  for (int c = 0; c < d; ++c) {
    Rng rng(seed_mix(base, static_cast<std::uint64_t>(c)));
    for (int t = 0; t < 3; ++t) kernel[static_cast<std::size_t>(c) * 3 + t] = (2.0 * rng.uniform() - 1.0) * bound;
    bias[c] = (2.0 * rng.uniform() - 1.0) * bound;
  }
}

Table CpeScheme::table(int n, int d, int heads) const {
  check_table_shape("cpe", n, d, heads);
  std::vector<double> kernel, bias;
  make_weights(d, kernel, bias);
  const auto D = static_cast<std::size_t>(d);
  xt::xarray<double> k = xt::zeros<double>({D, std::size_t{3}});
  xt::xarray<double> b = xt::zeros<double>({D});
  std::copy(kernel.begin(), kernel.end(), k.data());
  std::copy(bias.begin(), bias.end(), b.data());
  double self = 0, side = 0;
  for (int c = 0; c < d; ++c) {
    self += (1.0 + k(c, 1)) * (1.0 + k(c, 1));
    side += 0.5 * (k(c, 0) * k(c, 0) + k(c, 2) * k(c, 2));
  }
  xt::xarray<double> profile = xt::zeros<double>({std::size_t{1}, static_cast<std::size_t>(n)});
  profile(0, 0) = std::sqrt(self / d);
  if (n > 1) profile(0, 1) = std::sqrt(side / d);
  Table t;
  t.add("kernel", std::move(k));
  t.add("conv_bias", std::move(b));
  t.add("profile", std::move(profile));
  return t;
}

void CpeScheme::prepare(const LayerShape& shape) {
  require(shape.d >= 1, "cpe: width " + std::to_string(shape.d) + " must be positive");
  make_weights(shape.d, kernel_, bias_);
}

void CpeScheme::encode_input(float* x, int n, int d, const int* pos) const {
  (void)pos;
  require(static_cast<std::size_t>(d) * 3 == kernel_.size(),
          "cpe: width " + std::to_string(d) + " was not prepared");
  const std::vector<float> in(x, x + static_cast<std::size_t>(n) * d);  // the conv reads the input, not x'
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < d; ++c) {
      const double* w = kernel_.data() + static_cast<std::size_t>(c) * 3;
      double y = bias_[c] + w[1] * in[static_cast<std::size_t>(i) * d + c];
      if (i > 0) y += w[0] * in[static_cast<std::size_t>(i - 1) * d + c];  // zero padding at i = 0
      if (i + 1 < n) y += w[2] * in[static_cast<std::size_t>(i + 1) * d + c];  // and at i = n - 1
      x[static_cast<std::size_t>(i) * d + c] += static_cast<float>(y);
    }
}

}  // namespace pe
