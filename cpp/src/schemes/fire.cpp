#include "pe/schemes/fire.hpp"

#include <algorithm>
#include <cmath>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/rng.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {

constexpr std::uint64_t kInitStream = 0xf1e0;  // FIRE MLP weights
constexpr double kEps = 1e-6;                   // the reference's eps
enum Tensor { kW1, kB1, kW2, kB2, kC, kLmul };

double sgn(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

}  // namespace

double fire_distance(double c, double threshold, double pi, double pj) {
  const double num = std::log(std::fabs(c * (pi - pj)) + 1.0);
  const double den = std::log(std::fabs(c * std::max(pi, threshold)) + 1.0) + kEps;
  return num / den;
}

double fire_mlp(const FireWeights& w, int width, int h, double x) {
  double out = w.b2[static_cast<std::size_t>(h)];
  const double* w2 = w.w2.data() + static_cast<std::size_t>(h) * width;
  for (int k = 0; k < width; ++k) out += w2[k] * std::max(0.0, w.w1[k] * x + w.b1[k]);
  return out;
}

FireScheme::FireScheme(Params p)
    : Scheme(std::move(p)),
      width_(params_.integer("width")),
      L0_(params_.number("L")),
      c0_(params_.number("c")),
      seed_(static_cast<std::uint64_t>(params_.number("seed"))) {}

FireWeights FireScheme::initial(std::uint64_t seed, int heads) const {
  const std::uint64_t stream = seed_mix(seed, kInitStream);
  // torch.nn.Linear's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), one stream per entry.
  auto draw = [&](int tensor, std::size_t index, double bound) {
    Rng rng(seed_mix(stream, (static_cast<std::uint64_t>(tensor) << 40) + index));
    return bound * (2.0 * rng.uniform() - 1.0);
  };
  const double bound2 = 1.0 / std::sqrt(static_cast<double>(width_));
  FireWeights w;
  w.w1.resize(static_cast<std::size_t>(width_));
  w.b1.resize(w.w1.size());
  w.w2.resize(static_cast<std::size_t>(heads) * width_);
  w.b2.resize(static_cast<std::size_t>(heads));
  for (std::size_t k = 0; k < w.w1.size(); ++k) {
    w.w1[k] = draw(kW1, k, 1.0);
    w.b1[k] = draw(kB1, k, 1.0);
  }
  for (std::size_t e = 0; e < w.w2.size(); ++e) w.w2[e] = draw(kW2, e, bound2);  // (heads, width): more heads extend
  for (std::size_t h = 0; h < w.b2.size(); ++h) w.b2[h] = draw(kB2, h, bound2);
  w.c = c0_;
  w.L_multiplier = 1.0;
  return w;
}

FireWeights FireScheme::bound_weights(int heads) const {
  FireWeights w;
  const float* w1 = param_value(kW1);
  const float* b1 = param_value(kB1);
  const float* w2 = param_value(kW2);
  const float* b2 = param_value(kB2);
  w.w1.assign(w1, w1 + width_);
  w.b1.assign(b1, b1 + width_);
  w.w2.assign(w2, w2 + static_cast<std::size_t>(heads) * width_);
  w.b2.assign(b2, b2 + heads);
  w.c = param_value(kC)[0];
  w.L_multiplier = param_value(kLmul)[0];
  return w;
}

Table FireScheme::table(int n, int d, int heads) const {
  check_table_shape("fire", n, d, heads);
  check_bias_cells("fire", heads, n);
  // The forward reads float32 tensors: round the initial weights as init_params stores them.
  FireWeights w = initial(seed_, heads);
  for (auto* v : {&w.w1, &w.b1, &w.w2, &w.b2})
    for (double& e : *v) e = static_cast<float>(e);
  w.c = static_cast<float>(w.c);
  const double threshold = std::fabs(static_cast<double>(static_cast<float>(L0_)) * w.L_multiplier);
  const auto H = static_cast<std::size_t>(heads), N = static_cast<std::size_t>(n);
  xt::xarray<double> distance = xt::zeros<double>({N, N});
  xt::xarray<double> bias = xt::zeros<double>({H, N, N});
  xt::xarray<double> profile = xt::zeros<double>({H, N});
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      distance(i, j) = fire_distance(w.c, threshold, i, j);
      for (int h = 0; h < heads; ++h) bias(h, i, j) = fire_mlp(w, width_, h, distance(i, j));
    }
  for (int h = 0; h < heads; ++h)
    for (int r = 0; r < n; ++r) profile(h, r) = bias(h, n - 1, n - 1 - r);
  Table t;
  t.add("distance", std::move(distance));
  t.add("bias", std::move(bias));
  t.add("profile", std::move(profile));
  t.add("threshold", xt::xarray<double>(threshold));
  return t;
}

void FireScheme::prepare(const LayerShape& shape) {
  require(shape.heads >= 1, "fire: needs at least one head");
  heads_ = shape.heads;
}

std::vector<ParamTensorSpec> FireScheme::param_specs(const LayerShape& shape) const {
  return {{"mlp_w1", {width_}, ParamScope::layer, false},
          {"mlp_b1", {width_}, ParamScope::layer, false},
          {"mlp_w2", {shape.heads, width_}, ParamScope::layer, false},
          {"mlp_b2", {shape.heads}, ParamScope::layer, false},
          {"c", {1}, ParamScope::layer, false},
          {"L_multiplier", {1}, ParamScope::layer, false}};
}

void FireScheme::init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const {
  const FireWeights w = initial(seed, shape.heads);
  auto store = [&](std::size_t t, const std::vector<double>& v) {
    if (t < values.size() && values[t] != nullptr)
      for (std::size_t e = 0; e < v.size(); ++e) values[t][e] = static_cast<float>(v[e]);
  };
  store(kW1, w.w1);
  store(kB1, w.b1);
  store(kW2, w.w2);
  store(kB2, w.b2);
  store(kC, {w.c});
  store(kLmul, {w.L_multiplier});
}

void FireScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                                int ld) const {
  (void)hv;
  require(h >= 0 && h < heads_, "fire: head " + std::to_string(h) + " was not prepared");
  const FireWeights w = bound_weights(heads_);
  const double threshold = std::fabs(w.L_multiplier * L0_);
  for (int i = b.i0; i < b.i1; ++i) {
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j)
      row[j - b.j0] += static_cast<float>(fire_mlp(w, width_, h, fire_distance(w.c, threshold, pos[i], pos[j])));
  }
}

void FireScheme::add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                         const float* dlogits, int ld, HeadGrad hg) const {
  (void)hv; (void)hg;  // the bias reads neither q nor k
  require(h >= 0 && h < heads_, "fire: head " + std::to_string(h) + " was not prepared");
  float* gw1 = param_grad(kW1);
  float* gb1 = param_grad(kB1);
  float* gw2 = param_grad(kW2);
  float* gb2 = param_grad(kB2);
  float* gc = param_grad(kC);
  float* gl = param_grad(kLmul);
  if (!gw1 && !gb1 && !gw2 && !gb2 && !gc && !gl) return;
  const FireWeights w = bound_weights(heads_);
  const double threshold = std::fabs(w.L_multiplier * L0_);
  const double* w2 = w.w2.data() + static_cast<std::size_t>(h) * width_;  // (width)
  std::vector<double> dw1(width_, 0.0), db1(width_, 0.0), dw2(width_, 0.0);
  double db2 = 0, dc = 0, dl = 0;
  for (int i = b.i0; i < b.i1; ++i) {
    const float* row = dlogits + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    const double pi = pos[i];
    const double N = std::max(pi, threshold);
    const double den = std::log(std::fabs(w.c * N) + 1.0) + kEps;
    for (int j = b.j0; j < j_end; ++j) {
      const double g = row[j - b.j0];
      if (g == 0.0) continue;
      const double r = pi - pos[j];
      const double num = std::log(std::fabs(w.c * r) + 1.0);
      const double x = num / den;
      double dx = 0;
      for (int k = 0; k < width_; ++k) {
        const double z = w.w1[k] * x + w.b1[k];
        if (z <= 0) continue;  // ReLU: no gradient below the kink
        dw2[k] += g * z;
        const double dz = g * w2[k];
        dw1[k] += dz * x;
        db1[k] += dz;
        dx += dz * w.w1[k];
      }
      db2 += g;
      // x = num / den: num reads c; den reads c and N = max(pos_i, |L_multiplier L0|).
      const double dnum_dc = std::fabs(r) * sgn(w.c) / (1.0 + std::fabs(w.c * r));
      const double dden_dc = N * sgn(w.c) / (1.0 + std::fabs(w.c) * N);
      dc += dx * (dnum_dc / den - num * dden_dc / (den * den));
      if (threshold > pi) {
        const double dden_dN = std::fabs(w.c) / (1.0 + std::fabs(w.c) * N);
        dl += dx * (-num * dden_dN / (den * den)) * L0_ * sgn(w.L_multiplier);
      }
    }
  }
  for (int k = 0; k < width_; ++k) {
    if (gw1) gw1[k] += static_cast<float>(dw1[k]);
    if (gb1) gb1[k] += static_cast<float>(db1[k]);
    if (gw2) gw2[static_cast<std::size_t>(h) * width_ + k] += static_cast<float>(dw2[k]);
  }
  if (gb2) gb2[h] += static_cast<float>(db2);
  if (gc) gc[0] += static_cast<float>(dc);
  if (gl) gl[0] += static_cast<float>(dl);
}

}  // namespace pe
