// T5 relative position bias (Raffel et al. 2020, "Exploring the Limits of Transfer
// Learning"; huggingface/transformers: src/transformers/models/t5/modeling_t5.py
// _relative_position_bucket).
//
//   logit_ij = q_i . k_j + b[bucket(j - i), h]            (no 1/sqrt(dh): logit_scale is 1)
//
// Acts: added to the attention logits; a learned scalar per (bucket, head).
// bucket(r), r = j - i:
//   bidirectional: nb = num_buckets / 2, offset nb when r > 0, n = |r|;
//   causal:        nb = num_buckets, offset 0, n = max(-r, 0) (keys after the query share bucket 0);
//   max_exact = nb / 2;  n < max_exact: bucket n (one per distance);
//   else max_exact + int(ln(n / max_exact) / ln(max_distance / max_exact) * (nb - max_exact)),
//   capped at nb - 1 (so every distance from about max_distance on shares the last bucket).
// The large-distance branch runs in float32 with truncation toward zero, as the
// reference does with torch tensors (relative_position.float()), so buckets agree at
// the exact boundaries (e.g. n = 16, 32, 64 with the defaults).
// Trainable tensor: "rel_bias" (num_buckets, heads), scope layer (the model saves it as
// layers.{l}.pos.rel_bias). Init: b ~ N(0, 1), seeded per (bucket, head), so more heads
// extend the table; T5 itself starts at N(0, d^-1/2) and learns, a unit scale makes the
// bias visible next to unscaled q.k in a small random layer.
// Distances come from pos[j] - pos[i], so the bias is translation-invariant.
// prepare() keeps the bucket of every distance |r| < n (positions 0..n-1 need no other);
// other distances are bucketed on the fly.
// Backward: rel_bias[bucket(j - i), h] gets the sum of the logit gradients of its cells.
#pragma once
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// _relative_position_bucket for one relative position r = j - i.
int t5_bucket(int r, bool bidirectional, int num_buckets, int max_distance);

class T5Scheme : public Scheme {
 public:
  explicit T5Scheme(Params p);  // throws pe::Error when the buckets cannot be formed

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "t5", "T5 relative position bias", Site::logits, "attention logits (added bias)",
        "A learned scalar per head for each bucket of relative distance: exact for near keys, "
        "log-spaced for far ones, one shared bucket past max_distance.",
        "Raffel et al. 2020, Exploring the Limits of Transfer Learning (T5)",
        "huggingface/transformers: src/transformers/models/t5/modeling_t5.py _relative_position_bucket",
        {{"num_buckets", ParamKind::integer, "32", 2, 1024, {}, "buckets of relative distance (both directions together)", false},
         {"max_distance", ParamKind::integer, "128", 1, 1000000, {}, "distance from which every key shares the last bucket", false},
         {"bidirectional", ParamKind::boolean, "true", 0, 0, {},
          "true: keys before and after the query get separate buckets (encoder); false: decoder bucketing", false},
         {"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the bias table", false}},
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "buckets": (n, n) integers, query rows, key columns; "relative_attention_bias":
  // (num_buckets, H); "bias": (H, n, n); "profile": (H, n), the bias of a key r = 0..n-1
  // positions before the query.
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  float logit_scale(int dh) const override { (void)dh; return 1.0f; }
  void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                      int ld) const override;
  void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                               const float* dlogits, int ld, HeadGrad hg) const override;

  std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const override;  // rel_bias (num_buckets, heads)
  void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const override;

 private:
  int bucket(int r) const;  // cached for |r| < the prepared n
  // (num_buckets, heads) seeded N(0, 1).
  std::vector<double> bias_table(std::uint64_t seed, int heads) const;
  int num_buckets_, max_distance_;
  bool bidirectional_;
  std::uint64_t seed_;
  int heads_ = 0;
  std::vector<int> bucket_of_;  // (2n - 1): bucket of distance r at r + n - 1
};

}  // namespace pe
