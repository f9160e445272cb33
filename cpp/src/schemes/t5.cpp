#include "pe/schemes/t5.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/rng.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {
constexpr std::uint64_t kBiasStream = 0x7505;  // T5 bias table
}

int t5_bucket(int r, bool bidirectional, int num_buckets, int max_distance) {
  int offset = 0, nb = num_buckets, n = 0;
  if (bidirectional) {
    nb /= 2;
    if (r > 0) offset = nb;
    n = std::abs(r);
  } else {
    n = std::max(-r, 0);
  }
  const int max_exact = nb / 2;
  if (n < max_exact) return offset + n;
  // float32 throughout, as torch computes it; the cast truncates toward zero like .to(long).
  const float scale = static_cast<float>(std::log(static_cast<double>(max_distance) / max_exact));
  const float v = std::log(static_cast<float>(n) / static_cast<float>(max_exact)) / scale *
                  static_cast<float>(nb - max_exact);
  const int large = max_exact + static_cast<int>(v);
  return offset + std::min(large, nb - 1);
}

T5Scheme::T5Scheme(Params p)
    : Scheme(std::move(p)),
      num_buckets_(params_.integer("num_buckets")),
      max_distance_(params_.integer("max_distance")),
      bidirectional_(params_.flag("bidirectional")) {
  const int buckets = num_buckets_;
  const bool bidir = bidirectional_;
  const int max_exact = (bidir ? buckets / 2 : buckets) / 2;
  require(!bidir || buckets >= 4,
          "t5: num_buckets=" + std::to_string(buckets) + " is too small for bidirectional=true (needs >= 4)");
  require(max_distance_ > max_exact,
          "t5: max_distance=" + std::to_string(max_distance_) +
              " must exceed the exact range max_exact=" + std::to_string(max_exact) + " of num_buckets=" +
              std::to_string(buckets));
}

int T5Scheme::bucket(int r) const {
  return t5_bucket(r, bidirectional_, num_buckets_, max_distance_);
}

std::vector<double> T5Scheme::bias_table(int heads) const {
  const int buckets = params_.integer("num_buckets");
  const std::uint64_t stream = seed_mix(static_cast<std::uint64_t>(params_.number("seed")), kBiasStream);
  std::vector<double> out(static_cast<std::size_t>(buckets) * heads);
  for (int b = 0; b < buckets; ++b)
    for (int h = 0; h < heads; ++h) {  // one stream per cell: the table of H heads extends that of fewer
      Rng rng(seed_mix(stream, static_cast<std::uint64_t>(b) * limits::max_heads + h));
      out[static_cast<std::size_t>(b) * heads + h] = rng.normal(0.0, 1.0);
    }
  return out;
}

Table T5Scheme::table(int n, int d, int heads) const {
  check_table_shape("t5", n, d, heads);
  require(static_cast<std::size_t>(heads) * n * n <= limits::max_table_cells,
          "t5: bias of " + std::to_string(heads) + " x " + std::to_string(n) + " x " + std::to_string(n) +
              " values is too large");
  const auto N = static_cast<std::size_t>(n), H = static_cast<std::size_t>(heads);
  const int buckets = params_.integer("num_buckets");
  const auto values = bias_table(heads);
  xt::xarray<double> bucket_of = xt::zeros<double>({N, N});
  xt::xarray<double> table = xt::zeros<double>({static_cast<std::size_t>(buckets), H});
  xt::xarray<double> bias = xt::zeros<double>({H, N, N});
  xt::xarray<double> profile = xt::zeros<double>({H, N});
  for (std::size_t c = 0; c < values.size(); ++c) table.data()[c] = values[c];
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const int bk = bucket(j - i);
      bucket_of(i, j) = bk;
      for (int h = 0; h < heads; ++h) bias(h, i, j) = values[static_cast<std::size_t>(bk) * heads + h];
    }
  for (int r = 0; r < n; ++r) {
    const int bk = bucket(-r);
    for (int h = 0; h < heads; ++h) profile(h, r) = values[static_cast<std::size_t>(bk) * heads + h];
  }
  Table t;
  t.add("buckets", std::move(bucket_of), true);
  t.add("relative_attention_bias", std::move(table));
  t.add("bias", std::move(bias));
  t.add("profile", std::move(profile));
  return t;
}

void T5Scheme::prepare(const LayerShape& shape) {
  require(shape.heads >= 1, "t5: needs at least one head");
  heads_ = shape.heads;
  bias_ = bias_table(heads_);
}

void T5Scheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                              int ld) const {
  (void)hv;
  require(h >= 0 && h < heads_, "t5: head " + std::to_string(h) + " was not prepared");
  for (int i = b.i0; i < b.i1; ++i) {
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j)
      row[j - b.j0] += static_cast<float>(bias_[static_cast<std::size_t>(bucket(pos[j] - pos[i])) * heads_ + h]);
  }
}

}  // namespace pe
