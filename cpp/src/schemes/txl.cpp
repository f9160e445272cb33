#include "pe/schemes/txl.hpp"

#include <algorithm>
#include <cmath>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/rng.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {
constexpr std::uint64_t kStream = 0x7a1;  // u, v, r_net
std::size_t sz(long long x) { return static_cast<std::size_t>(x); }

void require_shape(int d, int heads) {
  require(heads >= 1 && d % heads == 0, "txl: width " + std::to_string(d) + " is not divisible by heads " +
                                            std::to_string(heads));
  require(d % 2 == 0, "txl: the model width " + std::to_string(d) + " must be even (sin and cos halves)");
}

// (u, v, r_net) from the seed: u, v (heads, dh) ~ N(0, 1), r_net (d, d) ~ N(0, 2/d).
void initial_values(std::uint64_t seed, int d, int heads, float* u, float* v, float* w) {
  const int dh = d / heads;
  Rng ru(seed_mix(seed_mix(seed, kStream), 1)), rv(seed_mix(seed_mix(seed, kStream), 2)),
      rw(seed_mix(seed_mix(seed, kStream), 3));
  for (int i = 0; i < heads * dh; ++i) {
    if (u) u[i] = static_cast<float>(ru.normal());
    if (v) v[i] = static_cast<float>(rv.normal());
  }
  const double std = std::sqrt(2.0 / d);
  if (w)
    for (std::size_t i = 0; i < sz(d) * sz(d); ++i) w[i] = static_cast<float>(rw.normal(0.0, std));
}
}  // namespace

void txl_relative_embedding(double t, int d, double* out) {
  const int half = d / 2;
  for (int k = 0; k < half; ++k) {
    const double inv = 1.0 / std::pow(10000.0, (2.0 * k) / d);
    out[k] = std::sin(t * inv);
    out[half + k] = std::cos(t * inv);
  }
}

int TxlScheme::distance(int i_pos, int j_pos) const {
  const int t = i_pos - j_pos;
  if (clamp_len_ <= 0) return t;
  return std::max(-clamp_len_, std::min(clamp_len_, t));
}

void TxlScheme::prepare(const LayerShape& shape) {
  require_shape(shape.d, shape.heads);
  d_ = shape.d;
  heads_ = shape.heads;
  dh_ = shape.dh();
}

std::vector<ParamTensorSpec> TxlScheme::param_specs(const LayerShape& shape) const {
  require_shape(shape.d, shape.heads);
  const int dh = shape.d / shape.heads;
  return {{"r_w_bias", {shape.heads, dh}, ParamScope::layer, false},
          {"r_r_bias", {shape.heads, dh}, ParamScope::layer, false},
          {"r_net", {shape.d, shape.d}, ParamScope::layer, true}};
}

void TxlScheme::init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const {
  initial_values(seed, shape.d, shape.heads, values.at(0), values.at(1), values.at(2));
}

void TxlScheme::relative_rows(int h, int t0, int count, std::vector<float>& r, std::vector<float>& R) const {
  const float* w = param_value(2) + sz(h) * sz(dh_) * sz(d_);  // (dh, d) rows of head h
  std::vector<double> e(sz(d_));
  r.assign(sz(count) * sz(dh_), 0.0f);
  R.resize(sz(count) * sz(d_));
  for (int c = 0; c < count; ++c) {
    txl_relative_embedding(t0 + c, d_, e.data());
    float* Rc = R.data() + sz(c) * sz(d_);
    for (int k = 0; k < d_; ++k) Rc[k] = static_cast<float>(e[sz(k)]);
    for (int o = 0; o < dh_; ++o) {
      float acc = 0;
      for (int k = 0; k < d_; ++k) acc += w[sz(o) * sz(d_) + sz(k)] * Rc[k];
      r[sz(c) * sz(dh_) + sz(o)] = acc;
    }
  }
}

void TxlScheme::distance_range(const int* pos, Block b, bool causal, int* t0, int* count) const {
  int lo = 0, hi = 0;
  bool any = false;
  for (int i = b.i0; i < b.i1; ++i) {
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j) {
      const int t = distance(pos[i], pos[j]);
      lo = any ? std::min(lo, t) : t;
      hi = any ? std::max(hi, t) : t;
      any = true;
    }
  }
  *t0 = lo;
  *count = any ? hi - lo + 1 : 0;
}

void TxlScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                               int ld) const {
  require(hv.dh == dh_ && h >= 0 && h < heads_, "txl: head " + std::to_string(h) + " was not prepared");
  int t0 = 0, count = 0;
  distance_range(pos, b, causal, &t0, &count);
  if (count == 0) return;
  std::vector<float> r, R;
  relative_rows(h, t0, count, r, R);
  const float* u = param_value(0) + sz(h) * sz(dh_);
  const float* v = param_value(1) + sz(h) * sz(dh_);
  const float scale = logit_scale(dh_);
  std::vector<float> uk(sz(b.j1 - b.j0)), qv(sz(dh_));
  for (int j = b.j0; j < b.j1; ++j) {
    float acc = 0;
    for (int c = 0; c < dh_; ++c) acc += u[c] * hv.k[sz(j) * sz(dh_) + sz(c)];
    uk[sz(j - b.j0)] = acc;
  }
  for (int i = b.i0; i < b.i1; ++i) {
    for (int c = 0; c < dh_; ++c) qv[sz(c)] = hv.q[sz(i) * sz(dh_) + sz(c)] + v[c];
    float* row = out + sz(i - b.i0) * sz(ld);
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j) {
      const float* rt = r.data() + sz(distance(pos[i], pos[j]) - t0) * sz(dh_);
      float bd = 0;
      for (int c = 0; c < dh_; ++c) bd += qv[sz(c)] * rt[c];
      row[j - b.j0] += scale * (uk[sz(j - b.j0)] + bd);
    }
  }
}

void TxlScheme::add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                        const float* dlogits, int ld, HeadGrad hg) const {
  require(hv.dh == dh_ && h >= 0 && h < heads_, "txl: head " + std::to_string(h) + " was not prepared");
  int t0 = 0, count = 0;
  distance_range(pos, b, causal, &t0, &count);
  if (count == 0) return;
  std::vector<float> r, R;
  relative_rows(h, t0, count, r, R);
  const float* u = param_value(0) + sz(h) * sz(dh_);
  const float* v = param_value(1) + sz(h) * sz(dh_);
  float* du = param_grad(0) ? param_grad(0) + sz(h) * sz(dh_) : nullptr;
  float* dv = param_grad(1) ? param_grad(1) + sz(h) * sz(dh_) : nullptr;
  float* dw = param_grad(2) ? param_grad(2) + sz(h) * sz(dh_) * sz(d_) : nullptr;
  const float scale = logit_scale(dh_);
  std::vector<float> col(sz(b.j1 - b.j0), 0.0f);   // scale sum_i g_ij
  std::vector<float> dr(sz(count) * sz(dh_), 0.0f);  // d r_h(t)
  for (int i = b.i0; i < b.i1; ++i) {
    const float* grow = dlogits + sz(i - b.i0) * sz(ld);
    const float* q = hv.q + sz(i) * sz(dh_);
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j) {
      const float g = scale * grow[j - b.j0];
      if (g == 0.0f) continue;
      col[sz(j - b.j0)] += g;
      const std::size_t t = sz(distance(pos[i], pos[j]) - t0);
      const float* rt = r.data() + t * sz(dh_);
      float* drt = dr.data() + t * sz(dh_);
      for (int c = 0; c < dh_; ++c) {
        if (hg.dq) hg.dq[sz(i) * sz(dh_) + sz(c)] += g * rt[c];
        if (dv) dv[c] += g * rt[c];
        drt[c] += g * (q[c] + v[c]);
      }
    }
  }
  for (int j = b.j0; j < b.j1; ++j) {
    const float cj = col[sz(j - b.j0)];
    if (cj == 0.0f) continue;
    for (int c = 0; c < dh_; ++c) {
      if (du) du[c] += cj * hv.k[sz(j) * sz(dh_) + sz(c)];
      if (hg.dk) hg.dk[sz(j) * sz(dh_) + sz(c)] += cj * u[c];
    }
  }
  if (dw)
    for (int t = 0; t < count; ++t)
      for (int o = 0; o < dh_; ++o) {
        const float g = dr[sz(t) * sz(dh_) + sz(o)];
        if (g == 0.0f) continue;
        for (int k = 0; k < d_; ++k) dw[sz(o) * sz(d_) + sz(k)] += g * R[sz(t) * sz(d_) + sz(k)];
      }
}

Table TxlScheme::table(int n, int d, int heads) const {
  check_table_shape("txl", n, d, heads);
  require_shape(d, heads);
  const int dh = d / heads;
  std::vector<float> u(sz(heads) * sz(dh)), v(u.size()), w(sz(d) * sz(d));
  initial_values(static_cast<std::uint64_t>(params_.number("seed")), d, heads, u.data(), v.data(), w.data());
  xt::xarray<double> inv = xt::zeros<double>({sz(d / 2)});
  for (int k = 0; k < d / 2; ++k) inv(k) = 1.0 / std::pow(10000.0, (2.0 * k) / d);
  xt::xarray<double> R = xt::zeros<double>({sz(n), sz(d)});
  for (int t = 0; t < n; ++t) txl_relative_embedding(distance(t, 0), d, &R(t, 0));
  xt::xarray<double> uu = xt::zeros<double>({sz(heads), sz(dh)}), vv = uu;
  for (std::size_t i = 0; i < u.size(); ++i) {
    uu.data()[i] = u[i];
    vv.data()[i] = v[i];
  }
  xt::xarray<double> profile = xt::zeros<double>({sz(heads), sz(n)});
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  for (int h = 0; h < heads; ++h)
    for (int t = 0; t < n; ++t) {
      double acc = 0;
      for (int o = 0; o < dh; ++o) {
        double r = 0;
        for (int k = 0; k < d; ++k) r += static_cast<double>(w[sz(h * dh + o) * sz(d) + sz(k)]) * R(t, k);
        acc += v[sz(h) * sz(dh) + sz(o)] * r;
      }
      profile(h, t) = scale * acc;
    }
  Table tab;
  tab.add("inv_freq", std::move(inv));
  tab.add("R", std::move(R));
  tab.add("r_w_bias", std::move(uu));
  tab.add("r_r_bias", std::move(vv));
  tab.add("profile", std::move(profile));
  return tab;
}

}  // namespace pe
