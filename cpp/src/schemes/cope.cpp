#include "pe/schemes/cope.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/rng.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {

constexpr std::uint64_t kPosStream = 0xc09e;  // CoPE e table

// (npos, dh) seeded N(0, 1), one stream per row.
std::vector<double> position_table(std::uint64_t seed, int npos, int dh) {
  const std::uint64_t base = seed_mix(seed, kPosStream);
  const double std = 1.0;
  std::vector<double> out(static_cast<std::size_t>(npos) * dh);
  for (int t = 0; t < npos; ++t) {
    Rng rng(seed_mix(base, static_cast<std::uint64_t>(t)));
    for (int c = 0; c < dh; ++c) out[static_cast<std::size_t>(t) * dh + c] = rng.normal(0.0, std);
  }
  return out;
}

int head_width(int d, int heads) {
  require(heads >= 1 && d % heads == 0,
          "cope: width " + std::to_string(d) + " is not divisible by heads " + std::to_string(heads));
  return d / heads;
}

float dot(const float* a, const float* b, int n) {
  float s = 0;
  for (int c = 0; c < n; ++c) s += a[c] * b[c];
  return s;
}

}  // namespace

Table CopeScheme::table(int n, int d, int heads) const {
  check_table_shape("cope", n, d, heads);
  const int dh = head_width(d, heads);
  const auto e = position_table(seed_, npos_, dh);
  xt::xarray<double> pos_emb = xt::zeros<double>({static_cast<std::size_t>(npos_), static_cast<std::size_t>(dh)});
  std::copy(e.begin(), e.end(), pos_emb.data());
  xt::xarray<double> profile = xt::zeros<double>({std::size_t{1}, static_cast<std::size_t>(n)});
  for (int r = 0; r < n; ++r) profile(0, r) = std::min(0.5 * (r + 1), static_cast<double>(npos_ - 1));
  Table t;
  t.add("pos_emb", std::move(pos_emb));
  t.add("profile", std::move(profile));
  return t;
}

void CopeScheme::prepare(const LayerShape& shape) { dh_ = head_width(shape.d, shape.heads); }

std::vector<ParamTensorSpec> CopeScheme::param_specs(const LayerShape& shape) const {
  return {{"pos_emb", {npos_, head_width(shape.d, shape.heads)}, ParamScope::layer, false}};
}

void CopeScheme::init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const {
  if (values.empty() || values[0] == nullptr) return;
  const auto e = position_table(seed, npos_, head_width(shape.d, shape.heads));
  for (std::size_t c = 0; c < e.size(); ++c) values[0][c] = static_cast<float>(e[c]);
}

void CopeScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                                int ld) const {
  (void)h;
  (void)pos;
  require(hv.dh == dh_, "cope: head width " + std::to_string(hv.dh) + " was not prepared");
  const float* pos_emb = param_value(0);  // (npos, dh)
  const double scale = logit_scale(dh_);
  const double cap = npos_ - 1;
  const double z_scale = divide_ ? scale : 1.0;  // RAM: (q.k + z) / sqrt(dh)
  std::vector<double> pos_logit(static_cast<std::size_t>(npos_));  // q_i . e[t]
  for (int i = b.i0; i < b.i1; ++i) {
    const float* q = hv.q + static_cast<std::size_t>(i) * dh_;
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    for (int t = 0; t < npos_; ++t) pos_logit[t] = dot(q, pos_emb + static_cast<std::size_t>(t) * dh_, dh_);
    auto gate = [&](int t) {
      return 1.0 / (1.0 + std::exp(-scale * dot(q, hv.k + static_cast<std::size_t>(t) * dh_, dh_)));
    };
    auto add = [&](int j, double p) {
      const double fl = std::floor(p), w = p - fl;
      const int lo = static_cast<int>(fl), hi = static_cast<int>(std::ceil(p));
      row[j - b.j0] += static_cast<float>(z_scale * (w * pos_logit[hi] + (1.0 - w) * pos_logit[lo]));
    };
    // Keys at or before the query: walk t = i, i-1, ..., j0; p_ij is the sum down to t = j.
    if (b.j0 <= i) {
      const int last = std::min(b.j1, i + 1) - 1;  // highest key of the block on this side
      double sum = 0;
      for (int t = i; t >= b.j0; --t) {
        if (sum < cap) sum += gate(t);
        if (t <= last) add(t, std::min(sum, cap));
      }
    }
    // Keys after the query (bidirectional variant only): walk t = i, i+1, ..., j1-1.
    if (!causal && b.j1 > i + 1) {
      const int first = std::max(b.j0, i + 1);
      double sum = 0;
      for (int t = i; t < b.j1; ++t) {
        if (sum < cap) sum += gate(t);
        if (t >= first) add(t, std::min(sum, cap));
      }
    }
  }
}

void CopeScheme::add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                         const float* dlogits, int ld, HeadGrad hg) const {
  (void)h;
  (void)pos;
  require(hv.dh == dh_, "cope: head width " + std::to_string(hv.dh) + " was not prepared");
  const float* pos_emb = param_value(0);  // (npos, dh)
  float* dpos_emb = param_grad(0);        // (npos, dh) or null
  const int dh = dh_;
  const double scale = logit_scale(dh);
  const double cap = npos_ - 1;
  const double z_scale = divide_ ? scale : 1.0;
  std::vector<double> pos_logit(static_cast<std::size_t>(npos_)), dpos_logit(pos_logit.size());
  std::vector<double> gates, dcount, dq(static_cast<std::size_t>(dh));
  for (int i = b.i0; i < b.i1; ++i) {
    const float* q = hv.q + static_cast<std::size_t>(i) * dh;
    const float* drow = dlogits + static_cast<std::size_t>(i - b.i0) * ld;
    for (int t = 0; t < npos_; ++t) pos_logit[t] = dot(q, pos_emb + static_cast<std::size_t>(t) * dh, dh);
    std::fill(dpos_logit.begin(), dpos_logit.end(), 0.0);
    std::fill(dq.begin(), dq.end(), 0.0);
    auto gate = [&](int t) {
      return 1.0 / (1.0 + std::exp(-scale * dot(q, hv.k + static_cast<std::size_t>(t) * dh, dh)));
    };
    // One side of the query: the walk t = i, i + dir, ..., `steps` gates, the keys of the
    // block among them; the forward's sum, then the gradients back through it.
    auto side = [&](int dir, int steps, int key_lo, int key_hi) {
      gates.assign(static_cast<std::size_t>(steps), -1.0);  // -1: past the cap, not added
      dcount.assign(static_cast<std::size_t>(steps), 0.0);  // d loss / d p of the key at that step
      double sum = 0;
      for (int s = 0; s < steps; ++s) {
        const int t = i + dir * s;
        const bool added = sum < cap;
        if (added) {
          gates[s] = gate(t);
          sum += gates[s];
        }
        if (t < key_lo || t > key_hi) continue;
        const double D = drow[t - b.j0];
        if (D == 0.0) continue;
        const double p = std::min(sum, cap), fl = std::floor(p), w = p - fl;
        const int lo = static_cast<int>(fl), hi = static_cast<int>(std::ceil(p));
        dpos_logit[hi] += z_scale * w * D;
        dpos_logit[lo] += z_scale * (1.0 - w) * D;
        // RAM's clamp: no gradient once the count passes the cap (p = npos - 1 is whole
        // there, so the interpolation's slope hi - lo is 0 as well).
        if (added && sum <= cap) dcount[s] = z_scale * (pos_logit[hi] - pos_logit[lo]) * D;
      }
      // The gate at step s counts for every key at step >= s.
      double acc = 0;
      for (int s = steps - 1; s >= 0; --s) {
        acc += dcount[s];
        if (gates[s] < 0.0 || acc == 0.0) continue;
        const int t = i + dir * s;
        const double dlogit = acc * gates[s] * (1.0 - gates[s]) * scale;  // through sigmoid(scale q.k)
        const float* k = hv.k + static_cast<std::size_t>(t) * dh;
        for (int c = 0; c < dh; ++c) dq[c] += dlogit * k[c];
        if (hg.dk != nullptr) {
          float* dk = hg.dk + static_cast<std::size_t>(t) * dh;
          for (int c = 0; c < dh; ++c) dk[c] += static_cast<float>(dlogit * q[c]);
        }
      }
    };
    if (b.j0 <= i) side(-1, i - b.j0 + 1, b.j0, std::min(b.j1, i + 1) - 1);
    if (!causal && b.j1 > i + 1) side(+1, b.j1 - i, std::max(b.j0, i + 1), b.j1 - 1);
    // z reads q_i . e[t]: dq_i += dz/d(q.e[t]) e[t], de[t] += the same times q_i.
    for (int t = 0; t < npos_; ++t) {
      const double g = dpos_logit[t];
      if (g == 0.0) continue;
      const float* e = pos_emb + static_cast<std::size_t>(t) * dh;
      for (int c = 0; c < dh; ++c) dq[c] += g * e[c];
      if (dpos_emb != nullptr) {
        float* de = dpos_emb + static_cast<std::size_t>(t) * dh;
        for (int c = 0; c < dh; ++c) de[c] += static_cast<float>(g * q[c]);
      }
    }
    if (hg.dq != nullptr) {
      float* dqi = hg.dq + static_cast<std::size_t>(i) * dh;
      for (int c = 0; c < dh; ++c) dqi[c] += static_cast<float>(dq[c]);
    }
  }
}

}  // namespace pe
