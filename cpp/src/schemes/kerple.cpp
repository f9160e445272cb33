#include "pe/schemes/kerple.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/rng.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {

constexpr std::uint64_t kInitStream = 0x4b52;  // KERPLE r1, r2
constexpr double kEps = 1e-2;                  // the reference's self.eps
constexpr double kMaxPower = 2.0;              // power exponent clamp(max=2)

bool inside(double r, double lo, double hi) { return r >= lo && r <= hi; }

}  // namespace

double kerple_clamp_r1(KerpleVariant v, double r1) {
  (void)v;
  return std::max(r1, kEps);
}

double kerple_clamp_r2(KerpleVariant v, double r2) {
  return v == KerpleVariant::power ? std::min(std::max(r2, kEps), kMaxPower) : std::max(r2, kEps);
}

double kerple_bias(KerpleVariant v, double r1, double r2, double x) {
  if (v == KerpleVariant::log) return 0.0 - r1 * std::log1p(r2 * x);  // 0.0 - : no -0 at x = 0
  return x == 0.0 ? 0.0 : 0.0 - r1 * std::pow(x, r2);
}

KerpleScheme::KerpleScheme(Params p)
    : Scheme(std::move(p)),
      variant_(params_.choice("variant") == "power" ? KerpleVariant::power : KerpleVariant::log),
      seed_(static_cast<std::uint64_t>(params_.number("seed"))) {}

std::vector<double> KerpleScheme::initial(std::uint64_t seed, int heads) const {
  // log: bias_p (r1) = 2 U, bias_a (r2) = U; power: bias_a (r1) = U, bias_p (r2) = 2 U.
  const double scale[2] = {variant_ == KerpleVariant::log ? 2.0 : 1.0, variant_ == KerpleVariant::log ? 1.0 : 2.0};
  const std::uint64_t stream = seed_mix(seed, kInitStream);
  std::vector<double> out(2 * static_cast<std::size_t>(heads));
  for (int t = 0; t < 2; ++t)
    for (int h = 0; h < heads; ++h) {
      Rng rng(seed_mix(stream, static_cast<std::uint64_t>(t) * limits::max_heads + h));
      out[static_cast<std::size_t>(t) * heads + h] = scale[t] * rng.uniform();
    }
  return out;
}

Table KerpleScheme::table(int n, int d, int heads) const {
  check_table_shape("kerple", n, d, heads);
  check_bias_cells("kerple", heads, n);
  const auto H = static_cast<std::size_t>(heads), N = static_cast<std::size_t>(n);
  const auto init = initial(seed_, heads);
  xt::xarray<double> r1 = xt::zeros<double>({H}), r2 = xt::zeros<double>({H});
  xt::xarray<double> bias = xt::zeros<double>({H, N, N});
  xt::xarray<double> profile = xt::zeros<double>({H, N});
  for (int h = 0; h < heads; ++h) {
    // The forward reads float32 tensors: round as init_params stores them.
    r1(h) = kerple_clamp_r1(variant_, static_cast<float>(init[h]));
    r2(h) = kerple_clamp_r2(variant_, static_cast<float>(init[H + h]));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) bias(h, i, j) = kerple_bias(variant_, r1(h), r2(h), std::abs(i - j));
    for (int r = 0; r < n; ++r) profile(h, r) = kerple_bias(variant_, r1(h), r2(h), r);
  }
  Table t;
  t.add("r1", std::move(r1));
  t.add("r2", std::move(r2));
  t.add("bias", std::move(bias));
  t.add("profile", std::move(profile));
  return t;
}

void KerpleScheme::prepare(const LayerShape& shape) {
  require(shape.heads >= 1, "kerple: needs at least one head");
  heads_ = shape.heads;
}

std::vector<ParamTensorSpec> KerpleScheme::param_specs(const LayerShape& shape) const {
  return {{"r1", {shape.heads}, ParamScope::layer, false}, {"r2", {shape.heads}, ParamScope::layer, false}};
}

void KerpleScheme::init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const {
  const auto init = initial(seed, shape.heads);
  for (std::size_t t = 0; t < 2 && t < values.size(); ++t) {
    if (values[t] == nullptr) continue;
    for (int h = 0; h < shape.heads; ++h)
      values[t][h] = static_cast<float>(init[t * static_cast<std::size_t>(shape.heads) + h]);
  }
}

void KerpleScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                                  int ld) const {
  (void)hv;
  require(h >= 0 && h < heads_, "kerple: head " + std::to_string(h) + " was not prepared");
  const double r1 = kerple_clamp_r1(variant_, param_value(0)[h]);
  const double r2 = kerple_clamp_r2(variant_, param_value(1)[h]);
  for (int i = b.i0; i < b.i1; ++i) {
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j)
      row[j - b.j0] += static_cast<float>(kerple_bias(variant_, r1, r2, std::abs(pos[j] - pos[i])));
  }
}

void KerpleScheme::add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                           const float* dlogits, int ld, HeadGrad hg) const {
  (void)hv; (void)hg;  // the bias reads neither q nor k
  require(h >= 0 && h < heads_, "kerple: head " + std::to_string(h) + " was not prepared");
  float* g1 = param_grad(0);  // (heads)
  float* g2 = param_grad(1);  // (heads)
  if (g1 == nullptr && g2 == nullptr) return;
  const double raw1 = param_value(0)[h], raw2 = param_value(1)[h];
  const double r1 = kerple_clamp_r1(variant_, raw1), r2 = kerple_clamp_r2(variant_, raw2);
  double d1 = 0, d2 = 0;  // d loss / d r1, r2 (clamped values)
  for (int i = b.i0; i < b.i1; ++i) {
    const float* row = dlogits + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j) {
      const double g = row[j - b.j0];
      const double x = std::abs(pos[j] - pos[i]);
      if (x == 0.0) continue;  // the bias is 0 at distance 0 for any r1, r2
      if (variant_ == KerpleVariant::log) {
        d1 -= g * std::log1p(r2 * x);
        d2 -= g * r1 * x / (1.0 + r2 * x);
      } else {
        const double xp = std::pow(x, r2);
        d1 -= g * xp;
        d2 -= g * r1 * xp * std::log(x);
      }
    }
  }
  // Through the clamp: the gradient passes only where the clamp is the identity.
  const double hi2 = variant_ == KerpleVariant::power ? kMaxPower : HUGE_VAL;
  if (g1 != nullptr && inside(raw1, kEps, HUGE_VAL)) g1[h] += static_cast<float>(d1);
  if (g2 != nullptr && inside(raw2, kEps, hi2)) g2[h] += static_cast<float>(d2);
}

}  // namespace pe
