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
      bidirectional_(params_.flag("bidirectional")),
      seed_(static_cast<std::uint64_t>(params_.number("seed"))) {
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
  const int half = static_cast<int>(bucket_of_.size() / 2);  // n - 1
  if (!bucket_of_.empty() && r >= -half && r <= half) return bucket_of_[static_cast<std::size_t>(r + half)];
  return t5_bucket(r, bidirectional_, num_buckets_, max_distance_);
}

std::vector<double> T5Scheme::bias_table(std::uint64_t seed, int heads) const {
  const int buckets = num_buckets_;
  const std::uint64_t stream = seed_mix(seed, kBiasStream);
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
  check_bias_cells("t5", heads, n);
  const auto N = static_cast<std::size_t>(n), H = static_cast<std::size_t>(heads);
  const int buckets = num_buckets_;
  const auto values = bias_table(seed_, heads);
  xt::xarray<double> bucket_of = xt::zeros<double>({N, N});
  xt::xarray<double> table = xt::zeros<double>({static_cast<std::size_t>(buckets), H});
  xt::xarray<double> bias = xt::zeros<double>({H, N, N});
  xt::xarray<double> profile = xt::zeros<double>({H, N});
  for (std::size_t c = 0; c < values.size(); ++c) table.data()[c] = values[c];
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const int bk = t5_bucket(j - i, bidirectional_, num_buckets_, max_distance_);
      bucket_of(i, j) = bk;
      for (int h = 0; h < heads; ++h) bias(h, i, j) = values[static_cast<std::size_t>(bk) * heads + h];
    }
  for (int r = 0; r < n; ++r) {
    const int bk = t5_bucket(-r, bidirectional_, num_buckets_, max_distance_);
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
  require(shape.n >= 1, "t5: needs at least one token");
  heads_ = shape.heads;
  const int n = shape.n;
  bucket_of_.resize(static_cast<std::size_t>(2 * n - 1));
  for (int r = -(n - 1); r <= n - 1; ++r)
    bucket_of_[static_cast<std::size_t>(r + n - 1)] = t5_bucket(r, bidirectional_, num_buckets_, max_distance_);
}

std::vector<ParamTensorSpec> T5Scheme::param_specs(const LayerShape& shape) const {
  return {{"rel_bias", {num_buckets_, shape.heads}, ParamScope::layer, false}};
}

void T5Scheme::init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const {
  if (values.empty() || values[0] == nullptr) return;
  const auto table = bias_table(seed, shape.heads);
  for (std::size_t c = 0; c < table.size(); ++c) values[0][c] = static_cast<float>(table[c]);
}

void T5Scheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                              int ld) const {
  (void)hv;
  require(h >= 0 && h < heads_, "t5: head " + std::to_string(h) + " was not prepared");
  const float* rel_bias = param_value(0);  // (num_buckets, heads)
  for (int i = b.i0; i < b.i1; ++i) {
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j)
      row[j - b.j0] += rel_bias[static_cast<std::size_t>(bucket(pos[j] - pos[i])) * heads_ + h];
  }
}

void T5Scheme::add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                       const float* dlogits, int ld, HeadGrad hg) const {
  (void)hv; (void)hg;  // the bias reads neither q nor k
  require(h >= 0 && h < heads_, "t5: head " + std::to_string(h) + " was not prepared");
  float* grad = param_grad(0);  // (num_buckets, heads)
  if (grad == nullptr) return;
  for (int i = b.i0; i < b.i1; ++i) {
    const float* row = dlogits + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j) grad[static_cast<std::size_t>(bucket(pos[j] - pos[i])) * heads_ + h] += row[j - b.j0];
  }
}

}  // namespace pe
