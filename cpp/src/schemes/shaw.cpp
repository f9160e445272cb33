#include "pe/schemes/shaw.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
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

}  // namespace

int ShawScheme::clip_index(int r) const {
  return std::min(std::max(r, -k_), k_) + k_;
}

Table ShawScheme::table(int n, int d, int heads) const {
  check_table_shape("shaw", n, d, heads);
  const int dh = head_width("shaw", d, heads);
  const int k = k_;
  const auto seed = static_cast<std::uint64_t>(params_.number("seed"));
  const auto N = static_cast<std::size_t>(n), R = static_cast<std::size_t>(2 * k + 1), DH = static_cast<std::size_t>(dh);
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

void ShawScheme::prepare(const LayerShape& shape) {
  dh_ = head_width("shaw", shape.d, shape.heads);
  const int k = k_;
  const auto seed = static_cast<std::uint64_t>(params_.number("seed"));
  const auto keys = relative_table(seed, kKeyStream, k, dh_);
  const auto values = relative_table(seed, kValueStream, k, dh_);
  key_table_.assign(keys.begin(), keys.end());
  value_table_.assign(values.begin(), values.end());
}

void ShawScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                                int ld) const {
  (void)h;
  require(hv.dh == dh_, "shaw: head width " + std::to_string(hv.dh) + " was not prepared");
  const float scale = logit_scale(hv.dh);
  for (int i = b.i0; i < b.i1; ++i) {
    const float* q = hv.q + static_cast<std::size_t>(i) * dh_;
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j) {
      const float* a = key_table_.data() + static_cast<std::size_t>(clip_index(pos[j] - pos[i])) * dh_;
      float dot = 0;
      for (int c = 0; c < dh_; ++c) dot += q[c] * a[c];
      row[j - b.j0] += dot * scale;
    }
  }
}

void ShawScheme::add_value_terms(int h, const int* pos, Block b, const float* p, int ld_p, float* acc,
                                 int dh) const {
  (void)h;
  require(dh == dh_, "shaw: head width " + std::to_string(dh) + " was not prepared");
  const int rows = static_cast<int>(key_table_.size()) / std::max(dh_, 1);  // 2k+1
  std::vector<float> weight(static_cast<std::size_t>(rows));               // summed p per clipped distance
  for (int i = b.i0; i < b.i1; ++i) {
    std::fill(weight.begin(), weight.end(), 0.0f);
    const float* prow = p + static_cast<std::size_t>(i - b.i0) * ld_p;
    for (int j = b.j0; j < b.j1; ++j) weight[static_cast<std::size_t>(clip_index(pos[j] - pos[i]))] += prow[j - b.j0];
    float* arow = acc + static_cast<std::size_t>(i - b.i0) * dh;
    for (int r = 0; r < rows; ++r) {
      if (weight[r] == 0.0f) continue;
      const float* a = value_table_.data() + static_cast<std::size_t>(r) * dh;
      for (int c = 0; c < dh; ++c) arow[c] += weight[r] * a[c];
    }
  }
}

}  // namespace pe
