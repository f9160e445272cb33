// Shaw relative position representations (Shaw, Uszkoreit & Vaswani 2018,
// "Self-Attention with Relative Position Representations";
// tensorflow/tensor2tensor: tensor2tensor/layers/common_attention.py
// dot_product_attention_relative).
//
//   r = clip(j - i, -k, k)                      k = max_relative
//   e_ij = q_i . (k_j + aK[r]) / sqrt(dh)       logits
//   z_i  = sum_j a_ij (v_j + aV[r])             values
//
// Acts: on the logits (the q_i . aK[r] term, through add_logit_bias with the same
// 1/sqrt(dh) scale as q.k) and on the values (add_value_terms). aK and aV are tables of
// 2k+1 vectors of width dh, shared across heads (as in tensor2tensor).
// Trainable tensors: "key_table" aK and "value_table" aV, (2k+1, dh) each, row r + k for
// distance r, scope layer (layers.{l}.pos.key_table / value_table in checkpoints).
// Init: aK, aV ~ N(0, 1) per component, seeded, one stream per relative distance, so a
// larger k only appends rows. With unit-scale queries the aK term is then as large as
// the content term q.k / sqrt(dh), and aV as large as v: visible in a small random layer.
// tensor2tensor learns them from a glorot-uniform start.
// Distances come from pos[j] - pos[i], so both terms are translation-invariant.
// Per query row the hooks work per clipped distance, not per key: q_i . aK[r] once for
// each r the block reaches, and the weights p summed per r before they meet aV.
// Backward, with G[i][r] = sum of the logit gradients of row i at distance r (times the
// scale) and P[i][r] the summed weights:
//   logits: dq_i += sum_r G[i][r] aK[r],  daK[r] += sum_i G[i][r] q_i   (matmul kernels)
//   values: dp_ij += dacc_i . aV[clip(j - i)],  daV[r] += sum_i P[i][r] dacc_i
#pragma once
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

class ShawScheme : public Scheme {
 public:
  explicit ShawScheme(Params p)
      : Scheme(std::move(p)),
        k_(params_.integer("max_relative")),
        seed_(static_cast<std::uint64_t>(params_.number("seed"))) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "shaw", "Shaw relative position representations", Site::logits, "attention logits and values",
        "Learned vectors for each clipped relative distance, added to the keys inside q.k and to the values.",
        "Shaw et al. 2018, Self-Attention with Relative Position Representations",
        "tensorflow/tensor2tensor: tensor2tensor/layers/common_attention.py dot_product_attention_relative",
        {{"max_relative", ParamKind::integer, "16", 1, 4096, {}, "clip distance k: keys farther than k share one vector", false},
         {"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the aK and aV tables", false}},
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // d is the model width, dh = d / heads. "index": (n, n) integers clip(j - i, -k, k) + k,
  // query rows, key columns; "key_table" aK and "value_table" aV: (2k+1, dh), row
  // r + k for distance r; "profile": (1, n), q . aK[clip(-r)] / sqrt(dh) for the query
  // q = aK[0]: a key r positions before that query, flat from r = k on.
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                      int ld) const override;
  void add_value_terms(int h, const int* pos, Block b, const float* p, int ld_p, float* acc,
                       int dh) const override;
  bool has_value_terms() const override { return true; }
  void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                               const float* dlogits, int ld, HeadGrad hg) const override;
  void add_value_terms_backward(int h, const int* pos, Block b, const float* p, int ld_p, const float* dacc,
                                int dh, float* dp, int ld_dp) const override;

  // key_table (2k+1, dh), value_table (2k+1, dh)
  std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const override;
  void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const override;

 private:
  int clip_index(int r) const;  // clip(r, -k, k) + k
  int k_;      // max_relative
  std::uint64_t seed_;
  int dh_ = 0;
};

}  // namespace pe
