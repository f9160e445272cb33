// Transformer-XL relative attention (Dai et al. 2019, "Transformer-XL: Attentive Language
// Models Beyond a Fixed-Length Context"; kimiyoung/transformer-xl pytorch/mem_transformer.py
// RelPartialLearnableMultiHeadAttn, PositionalEmbedding, _rel_shift), without the memory.
//
//   score_ij = scale * [ (q_i + u_h) . k_j  +  (q_i + v_h) . r_h(i - j) ]      scale = 1/sqrt(dh)
//   R(t)     = [ sin(t inv_k) | cos(t inv_k) ],  inv_k = 1 / 10000^(2k/d),  k < d/2  (d: model width)
//   r_h(t)   = W_r[h dh : (h+1) dh, :] R(t)                                     (r_net, no bias)
//
// Acts: on the logits. The core computes scale q.k; this scheme adds scale (u_h . k_j +
// (q_i + v_h) . r_h(i - j)), reading q and k through HeadView. u_h = r_w_bias, v_h =
// r_r_bias. The reference builds BD against R of positions klen-1 .. 0 and `_rel_shift`s
// it, which puts R(i - j) at (i, j) for every key the causal mask keeps (tests/golden/
// recipe_txl.py does exactly that shift); keys after the query (a bidirectional layer,
// which the reference never runs) get R of the negative distance, R(-t) = [-sin | cos].
// clamp_len > 0 clamps the distance to at most clamp_len (the reference clamps pos_seq;
// negative distances are clamped at -clamp_len here).
// Translation-invariant: only i - j and content enter.
// Trainable tensors, scope layer: "r_w_bias" (heads, dh), "r_r_bias" (heads, dh),
// "r_net" (d, d) as (out, in). Init (ours, so the terms are visible in a random layer
// next to q.k): u, v ~ N(0, 1); r_net ~ N(0, 2/d), so r_h(t) has unit-scale components
// (the reference starts all three at N(0, 0.02) and trains them).
// Backward, with g the logit gradient and s = scale:
//   du_h += s sum_ij g_ij k_j;  dk_j += s (sum_i g_ij) u_h
//   dq_i += s sum_j g_ij r_h(i-j);  dv_h += s sum_ij g_ij r_h(i-j)
//   dr_h(t) += s sum_{i-j=t} g_ij (q_i + v_h);  dW_r[h rows] += sum_t dr_h(t) R(t)^T
#pragma once
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// R(t) into out (d): sin of the d/2 frequencies, then their cos (d even).
void txl_relative_embedding(double t, int d, double* out);

class TxlScheme : public Scheme {
 public:
  explicit TxlScheme(Params p) : Scheme(std::move(p)), clamp_len_(params_.integer("clamp_len")) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "txl", "Transformer-XL relative attention", Site::logits, "attention logits (from queries and keys)",
        "Adds a learned content bias u.k and a position term (q + v).r(i - j), where r is a learned projection "
        "of sinusoids of the relative distance.",
        "Dai et al. 2019, Transformer-XL: Attentive Language Models Beyond a Fixed-Length Context",
        "kimiyoung/transformer-xl: pytorch/mem_transformer.py RelPartialLearnableMultiHeadAttn",
        {{"clamp_len", ParamKind::integer, "0", 0, 1000000, {}, "clamp distances to at most this (0: no clamp)", false},
         {"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of u, v and r_net", false}},
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "inv_freq" (d/2), "R" (n, d): R(t) for t = 0..n-1, "r_w_bias" and "r_r_bias"
  // (H, dh), "profile" (H, n): the position-only term scale v_h . r_h(t), t = 0..n-1.
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const override;
  void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const override;
  void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                      int ld) const override;
  void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                               const float* dlogits, int ld, HeadGrad hg) const override;

 private:
  int distance(int i_pos, int j_pos) const;
  // r_h(t) for t in [t0, t0 + count): (count, dh), and R(t): (count, d).
  void relative_rows(int h, int t0, int count, std::vector<float>& r, std::vector<float>& R) const;
  void distance_range(const int* pos, Block b, bool causal, int* t0, int* count) const;
  int clamp_len_;
  int d_ = 0, heads_ = 0, dh_ = 0;
};

}  // namespace pe
