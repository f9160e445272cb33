#include "pe/schemes/shaw.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/kernels.hpp"
#include "pe/limits.hpp"
#include "pe/rng.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {

constexpr std::uint64_t kKeyStream = 0x5a4b;    // aK
constexpr std::uint64_t kValueStream = 0x5a56;  // aV

// Rows r = -k..k of a seeded N(0, 1) table of width dh: (2k+1, dh).
std::vector<double> relative_table(std::uint64_t seed, std::uint64_t stream, int k, int dh) {
  const std::uint64_t base = seed_mix(seed, stream);
  std::vector<double> out(static_cast<std::size_t>(2 * k + 1) * dh);
  for (int r = -k; r <= k; ++r) {
    const std::uint64_t zigzag = r >= 0 ? 2ull * r : 2ull * static_cast<std::uint64_t>(-r) - 1;
    Rng rng(seed_mix(base, zigzag));
    for (int c = 0; c < dh; ++c) out[static_cast<std::size_t>(r + k) * dh + c] = rng.normal(0.0, 1.0);
  }
  return out;
}

int head_width(const char* scheme, int d, int heads) {
  require(heads >= 1 && d % heads == 0, std::string(scheme) + ": width " + std::to_string(d) +
                                            " is not divisible by heads " + std::to_string(heads));
  return d / heads;
}

// Smallest and largest of pos[a..b), b > a.
void position_range(const int* pos, int a, int b, int* lo, int* hi) {
  *lo = *hi = pos[a];
  for (int t = a + 1; t < b; ++t) {
    *lo = std::min(*lo, pos[t]);
    *hi = std::max(*hi, pos[t]);
  }
}

// Query rows per chunk of the backward's (rows, distances) buffers.
constexpr int kChunkRows = 64;

}  // namespace

int ShawScheme::clip_index(int r) const {
  return std::min(std::max(r, -k_), k_) + k_;
}

Table ShawScheme::table(int n, int d, int heads) const {
  check_table_shape("shaw", n, d, heads);
  const int dh = head_width("shaw", d, heads);
  const int k = k_;
  const auto seed = seed_;
  const auto N = static_cast<std::size_t>(n), R = static_cast<std::size_t>(2 * k + 1), DH = static_cast<std::size_t>(dh);
  // Refused before the (n, n) index is built (Table::add would refuse it only afterwards).
  require(N * N + 2 * R * DH + N <= limits::max_table_cells,
          "shaw: a table of " + std::to_string(n) + " positions holds " + std::to_string(N * N + 2 * R * DH + N) +
              " values, past the limit of " + std::to_string(limits::max_table_cells) + "; lower len");
  xt::xarray<double> index = xt::zeros<double>({N, N});
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) index(i, j) = clip_index(j - i);
  const auto keys = relative_table(seed, kKeyStream, k, dh);
  const auto values = relative_table(seed, kValueStream, k, dh);
  xt::xarray<double> key_table = xt::zeros<double>({R, DH});
  xt::xarray<double> value_table = xt::zeros<double>({R, DH});
  std::copy(keys.begin(), keys.end(), key_table.data());
  std::copy(values.begin(), values.end(), value_table.data());
  xt::xarray<double> profile = xt::zeros<double>({std::size_t{1}, N});
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  const double* q = keys.data() + static_cast<std::size_t>(k) * dh;  // aK at distance 0
  for (int r = 0; r < n; ++r) {
    const double* a = keys.data() + static_cast<std::size_t>(clip_index(-r)) * dh;
    double dot = 0;
    for (int c = 0; c < dh; ++c) dot += q[c] * a[c];
    profile(0, r) = dot * scale;
  }
  Table t;
  t.add("index", std::move(index), true);
  t.add("key_table", std::move(key_table));
  t.add("value_table", std::move(value_table));
  t.add("profile", std::move(profile));
  return t;
}

void ShawScheme::prepare(const LayerShape& shape) { dh_ = head_width("shaw", shape.d, shape.heads); }

std::vector<ParamTensorSpec> ShawScheme::param_specs(const LayerShape& shape) const {
  const int dh = head_width("shaw", shape.d, shape.heads);
  return {{"key_table", {2 * k_ + 1, dh}, ParamScope::layer, false},
          {"value_table", {2 * k_ + 1, dh}, ParamScope::layer, false}};
}

void ShawScheme::init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const {
  const int dh = head_width("shaw", shape.d, shape.heads);
  const std::uint64_t streams[2] = {kKeyStream, kValueStream};
  for (std::size_t t = 0; t < 2 && t < values.size(); ++t) {
    if (values[t] == nullptr) continue;
    const auto table = relative_table(seed, streams[t], k_, dh);
    for (std::size_t c = 0; c < table.size(); ++c) values[t][c] = static_cast<float>(table[c]);
  }
}

void ShawScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                                int ld) const {
  (void)h;
  require(hv.dh == dh_, "shaw: head width " + std::to_string(hv.dh) + " was not prepared");
  if (b.i1 <= b.i0 || b.j1 <= b.j0) return;
  const float* key_table = param_value(0);  // (2k+1, dh) aK
  const float scale = logit_scale(hv.dh);
  int pj_lo, pj_hi;
  position_range(pos, b.j0, b.j1, &pj_lo, &pj_hi);
  std::vector<float> qa(static_cast<std::size_t>(2 * k_ + 1));  // q_i . aK[r] * scale, r of this row
  for (int i = b.i0; i < b.i1; ++i) {
    const float* q = hv.q + static_cast<std::size_t>(i) * dh_;
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    if (j_end <= b.j0) continue;
    const int r_lo = clip_index(pj_lo - pos[i]), r_hi = clip_index(pj_hi - pos[i]);
    for (int r = r_lo; r <= r_hi; ++r) {
      const float* a = key_table + static_cast<std::size_t>(r) * dh_;
      float dot = 0;
      for (int c = 0; c < dh_; ++c) dot += q[c] * a[c];
      qa[static_cast<std::size_t>(r)] = dot * scale;
    }
    for (int j = b.j0; j < j_end; ++j) row[j - b.j0] += qa[static_cast<std::size_t>(clip_index(pos[j] - pos[i]))];
  }
}

void ShawScheme::add_value_terms(int h, const int* pos, Block b, const float* p, int ld_p, float* acc,
                                 int dh) const {
  (void)h;
  require(dh == dh_, "shaw: head width " + std::to_string(dh) + " was not prepared");
  if (b.i1 <= b.i0 || b.j1 <= b.j0) return;
  const float* value_table = param_value(1);  // (2k+1, dh) aV
  int pj_lo, pj_hi;
  position_range(pos, b.j0, b.j1, &pj_lo, &pj_hi);
  std::vector<float> weight(static_cast<std::size_t>(2 * k_ + 1));  // summed p per clipped distance
  for (int i = b.i0; i < b.i1; ++i) {
    const int r_lo = clip_index(pj_lo - pos[i]), r_hi = clip_index(pj_hi - pos[i]);
    std::fill(weight.begin() + r_lo, weight.begin() + r_hi + 1, 0.0f);
    const float* prow = p + static_cast<std::size_t>(i - b.i0) * ld_p;
    for (int j = b.j0; j < b.j1; ++j) weight[static_cast<std::size_t>(clip_index(pos[j] - pos[i]))] += prow[j - b.j0];
    float* arow = acc + static_cast<std::size_t>(i - b.i0) * dh;
    for (int r = r_lo; r <= r_hi; ++r) {
      if (weight[r] == 0.0f) continue;
      const float* a = value_table + static_cast<std::size_t>(r) * dh;
      for (int c = 0; c < dh; ++c) arow[c] += weight[r] * a[c];
    }
  }
}

void ShawScheme::add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                         const float* dlogits, int ld, HeadGrad hg) const {
  (void)h;
  require(hv.dh == dh_, "shaw: head width " + std::to_string(hv.dh) + " was not prepared");
  if (b.i1 <= b.i0 || b.j1 <= b.j0) return;
  const float* key_table = param_value(0);  // (2k+1, dh)
  float* dkey = param_grad(0);              // (2k+1, dh) or null
  if (dkey == nullptr && hg.dq == nullptr) return;
  const float scale = logit_scale(dh_);
  int pj_lo, pj_hi;
  position_range(pos, b.j0, b.j1, &pj_lo, &pj_hi);
  std::vector<float> g, gt;
  for (int i0 = b.i0; i0 < b.i1; i0 += kChunkRows) {
    const int i1 = std::min(b.i1, i0 + kChunkRows), rows = i1 - i0;
    int pi_lo, pi_hi;
    position_range(pos, i0, i1, &pi_lo, &pi_hi);
    const int r_lo = clip_index(pj_lo - pi_hi), width = clip_index(pj_hi - pi_lo) - r_lo + 1;
    // g (rows, width): scale * the logit gradients of row i summed per distance r_lo + w.
    g.assign(static_cast<std::size_t>(rows) * width, 0.0f);
    for (int i = i0; i < i1; ++i) {
      const float* drow = dlogits + static_cast<std::size_t>(i - b.i0) * ld;
      float* grow = g.data() + static_cast<std::size_t>(i - i0) * width;
      const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
      for (int j = b.j0; j < j_end; ++j) grow[clip_index(pos[j] - pos[i]) - r_lo] += scale * drow[j - b.j0];
    }
    const float* a = key_table + static_cast<std::size_t>(r_lo) * dh_;  // (width, dh)
    // dq rows (rows, dh) += g (rows, width) . aK rows (width, dh)
    if (hg.dq != nullptr)
      matmul_ab(hg.dq + static_cast<std::size_t>(i0) * dh_, dh_, g.data(), width, a, dh_, rows, dh_, width, true);
    // daK rows (width, dh) += g^T (width, rows) . q rows (rows, dh)
    if (dkey != nullptr) {
      gt.resize(g.size());
      for (int r = 0; r < rows; ++r)
        for (int w = 0; w < width; ++w)
          gt[static_cast<std::size_t>(w) * rows + r] = g[static_cast<std::size_t>(r) * width + w];
      matmul_ab(dkey + static_cast<std::size_t>(r_lo) * dh_, dh_, gt.data(), rows,
                hv.q + static_cast<std::size_t>(i0) * dh_, dh_, width, dh_, rows, true);
    }
  }
}

void ShawScheme::add_value_terms_backward(int h, const int* pos, Block b, const float* p, int ld_p,
                                          const float* dacc, int dh, float* dp, int ld_dp) const {
  (void)h;
  require(dh == dh_, "shaw: head width " + std::to_string(dh) + " was not prepared");
  if (b.i1 <= b.i0 || b.j1 <= b.j0) return;
  const float* value_table = param_value(1);  // (2k+1, dh)
  float* dvalue = param_grad(1);              // (2k+1, dh) or null
  int pj_lo, pj_hi;
  position_range(pos, b.j0, b.j1, &pj_lo, &pj_hi);
  std::vector<float> e, pt;
  for (int i0 = b.i0; i0 < b.i1; i0 += kChunkRows) {
    const int i1 = std::min(b.i1, i0 + kChunkRows), rows = i1 - i0;
    int pi_lo, pi_hi;
    position_range(pos, i0, i1, &pi_lo, &pi_hi);
    const int r_lo = clip_index(pj_lo - pi_hi), width = clip_index(pj_hi - pi_lo) - r_lo + 1;
    const float* a = value_table + static_cast<std::size_t>(r_lo) * dh;  // (width, dh)
    const float* da = dacc + static_cast<std::size_t>(i0 - b.i0) * dh;   // (rows, dh)
    // e (rows, width) = dacc rows . aV rows^T; dp_ij += e[i][clip(j - i)]
    e.resize(static_cast<std::size_t>(rows) * width);
    matmul_abt(e.data(), width, da, dh, a, dh, rows, width, dh, 1.0f, false);
    for (int i = i0; i < i1; ++i) {
      float* dprow = dp + static_cast<std::size_t>(i - b.i0) * ld_dp;
      const float* erow = e.data() + static_cast<std::size_t>(i - i0) * width;
      for (int j = b.j0; j < b.j1; ++j) dprow[j - b.j0] += erow[clip_index(pos[j] - pos[i]) - r_lo];
    }
    if (dvalue == nullptr) continue;
    // pt (width, rows): p of row i summed per distance; daV rows (width, dh) += pt . dacc rows
    pt.assign(static_cast<std::size_t>(width) * rows, 0.0f);
    for (int i = i0; i < i1; ++i) {
      const float* prow = p + static_cast<std::size_t>(i - b.i0) * ld_p;
      for (int j = b.j0; j < b.j1; ++j)
        pt[static_cast<std::size_t>(clip_index(pos[j] - pos[i]) - r_lo) * rows + (i - i0)] += prow[j - b.j0];
    }
    matmul_ab(dvalue + static_cast<std::size_t>(r_lo) * dh, dh, pt.data(), rows, da, dh, width, dh, rows, true);
  }
}

}  // namespace pe
