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

void CpeScheme::make_weights(std::uint64_t seed, int d, std::vector<double>& kernel, std::vector<double>& bias) {
  const double bound = 1.0 / std::sqrt(3.0);  // 1/sqrt(fan_in)
  const std::uint64_t base = seed_mix(seed, kConvStream);
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
  make_weights(seed_, d, kernel, bias);
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
  d_ = shape.d;
}

std::vector<ParamTensorSpec> CpeScheme::param_specs(const LayerShape& shape) const {
  return {{"kernel", {shape.d, 3}, ParamScope::input, false}, {"bias", {shape.d}, ParamScope::input, false}};
}

void CpeScheme::init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const {
  std::vector<double> kernel, bias;
  make_weights(seed, shape.d, kernel, bias);
  const std::vector<double>* tables[2] = {&kernel, &bias};
  for (std::size_t t = 0; t < 2 && t < values.size(); ++t) {
    if (values[t] == nullptr) continue;
    for (std::size_t c = 0; c < tables[t]->size(); ++c) values[t][c] = static_cast<float>((*tables[t])[c]);
  }
}

void CpeScheme::encode_input(float* x, int n, int d, const int* pos) const {
  (void)pos;
  require(d == d_, "cpe: width " + std::to_string(d) + " was not prepared");
  const float* kernel = param_value(0);  // (d, 3)
  const float* bias = param_value(1);    // (d)
  const std::vector<float> in(x, x + static_cast<std::size_t>(n) * d);  // the conv reads the input, not x'
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < d; ++c) {
      const float* w = kernel + static_cast<std::size_t>(c) * 3;
      double y = static_cast<double>(bias[c]) + static_cast<double>(w[1]) * in[static_cast<std::size_t>(i) * d + c];
      if (i > 0) y += static_cast<double>(w[0]) * in[static_cast<std::size_t>(i - 1) * d + c];  // zero padding at i = 0
      if (i + 1 < n) y += static_cast<double>(w[2]) * in[static_cast<std::size_t>(i + 1) * d + c];  // and at i = n - 1
      x[static_cast<std::size_t>(i) * d + c] += static_cast<float>(y);
    }
}

void CpeScheme::encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const {
  (void)pos;
  require(d == d_, "cpe: width " + std::to_string(d) + " was not prepared");
  const float* kernel = param_value(0);  // (d, 3)
  float* dkernel = param_grad(0);        // (d, 3) or null
  float* dbias = param_grad(1);          // (d) or null
  const std::vector<float> g(dx, dx + static_cast<std::size_t>(n) * d);  // dx' (n, d)
  auto at = [d](int i, int c) { return static_cast<std::size_t>(i) * d + c; };
  for (int c = 0; c < d; ++c) {
    const float* w = kernel + static_cast<std::size_t>(c) * 3;
    double dw0 = 0, dw1 = 0, dw2 = 0, db = 0;
    for (int i = 0; i < n; ++i) {
      const double gi = g[at(i, c)];
      // Token i feeds out[i] (residual and w1), out[i+1] through w0 and out[i-1] through w2.
      double v = gi * (1.0 + w[1]);
      if (i + 1 < n) v += static_cast<double>(g[at(i + 1, c)]) * w[0];
      if (i > 0) v += static_cast<double>(g[at(i - 1, c)]) * w[2];
      dx[at(i, c)] = static_cast<float>(v);
      db += gi;
      dw1 += gi * x_in[at(i, c)];
      if (i > 0) dw0 += gi * x_in[at(i - 1, c)];
      if (i + 1 < n) dw2 += gi * x_in[at(i + 1, c)];
    }
    if (dkernel != nullptr) {
      float* dk = dkernel + static_cast<std::size_t>(c) * 3;
      dk[0] += static_cast<float>(dw0);
      dk[1] += static_cast<float>(dw1);
      dk[2] += static_cast<float>(dw2);
    }
    if (dbias != nullptr) dbias[c] += static_cast<float>(db);
  }
}

}  // namespace pe
