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
  const auto e = position_table(static_cast<std::uint64_t>(params_.number("seed")), npos_, dh);
  xt::xarray<double> pos_emb = xt::zeros<double>({static_cast<std::size_t>(npos_), static_cast<std::size_t>(dh)});
  std::copy(e.begin(), e.end(), pos_emb.data());
  xt::xarray<double> profile = xt::zeros<double>({std::size_t{1}, static_cast<std::size_t>(n)});
  for (int r = 0; r < n; ++r) profile(0, r) = std::min(0.5 * (r + 1), static_cast<double>(npos_ - 1));
  Table t;
  t.add("pos_emb", std::move(pos_emb));
  t.add("profile", std::move(profile));
  return t;
}

void CopeScheme::prepare(const LayerShape& shape) {
  dh_ = head_width(shape.d, shape.heads);
  const auto e = position_table(static_cast<std::uint64_t>(params_.number("seed")), npos_, dh_);
  pos_emb_.assign(e.begin(), e.end());
}

void CopeScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                                int ld) const {
  (void)h;
  (void)pos;
  require(hv.dh == dh_, "cope: head width " + std::to_string(hv.dh) + " was not prepared");
  const double scale = logit_scale(dh_);
  const double cap = npos_ - 1;
  const double z_scale = params_.flag("divide") ? scale : 1.0;  // RAM: (q.k + z) / sqrt(dh)
  std::vector<double> pos_logit(static_cast<std::size_t>(npos_));  // q_i . e[t]
  for (int i = b.i0; i < b.i1; ++i) {
    const float* q = hv.q + static_cast<std::size_t>(i) * dh_;
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    for (int t = 0; t < npos_; ++t) pos_logit[t] = dot(q, pos_emb_.data() + static_cast<std::size_t>(t) * dh_, dh_);
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

}  // namespace pe
