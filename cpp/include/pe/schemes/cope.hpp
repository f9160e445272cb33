// Contextual position encoding, CoPE (Golovneva et al. 2024, "Contextual Position
// Encoding: Learning to Count What's Important"; facebookresearch/RAM:
// projects/cope/src/cope/context_position.py).
//
//   g_ij = sigmoid(q_i . k_j / sqrt(dh))                    gates, from the masked logits
//   p_ij = min(sum_{t=j..i} g_it, npos - 1)                 contextual position (causal)
//   z_ij = (p - floor p) q_i . e[ceil p] + (1 - (p - floor p)) q_i . e[floor p]
//   logit_ij = (q_i . k_j + z_ij) / sqrt(dh)               RAM's default (divide=true)
//   logit_ij = q_i . k_j / sqrt(dh) + z_ij                 RAM's --cope-nodiv (divide=false)
//
// Acts: on the logits, computed from the content (the head's q and k): a key's position
// counts the gates between it and the query (words, sentences, ... rather than tokens),
// and the position logit interpolates a table e: (npos, dh) shared across heads. As in
// the reference, the gates use the scaled logits before CoPE is added; z is divided by
// sqrt(dh) together with q . k unless divide=false (RAM's --cope-nodiv, the paper's figure). Sums run from the query down (RAM's reverse cumsum) in double precision; the
// walk stops once the sum reaches npos - 1, which is exactly the cap since gates are >= 0.
// Causal (the paper): keys j <= i only. Without a causal mask we use this bidirectional
// variant: for j > i, p_ij = min(sum_{t=i..j} g_it, npos - 1), the gates between query and
// key on the other side; e is shared by both sides, so direction is not encoded: like
// ALiBi's -m|i - j|, it gives a reversed sentence the reversed outputs. (RAM's code
// without a mask would count from the key to the end of the sequence instead.)
// Positions pos are not used: only the order of the rows of q and k.
// Trainable tensor: "pos_emb" e (npos, dh), scope layer (layers.{l}.pos.pos_emb).
// Init: e ~ N(0, 1) per component, seeded, one stream per row (a larger npos only
// appends rows), so z / sqrt(dh) is about unit scale for unit-scale queries, like the
// scaled q.k. RAM starts e at zero and learns it.
// Backward, as autograd through RAM's code (s = z_scale, D = the logit gradient of (i, j),
// lo = floor p, hi = ceil p, w = p - lo):
//   q_i . e[hi] and q_i . e[lo] get s w D and s (1 - w) D    -> dq_i and de[hi], de[lo]
//   p gets s (q_i . e[hi] - q_i . e[lo]) D: 0 where p is whole, so 0 at the cap, as
//   RAM's clamp gives (every key beyond the walk's stop sits at p = npos - 1)
//   each gate g_it gets the sum of the p gradients of the keys whose count includes it
//   (j <= t on the causal side, j >= t on the other), times g (1 - g) / sqrt(dh) onto
//   q_i . k_t -> dq_i and dk_t.
#pragma once
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

class CopeScheme : public Scheme {
 public:
  explicit CopeScheme(Params p)
      : Scheme(std::move(p)),
        npos_(params_.integer("npos")),
        seed_(static_cast<std::uint64_t>(params_.number("seed"))),
        divide_(params_.flag("divide")) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "cope", "Contextual position encoding (CoPE)", Site::content, "attention logits (from queries and keys)",
        "Positions count sigmoid gates of the query-key logits instead of tokens; the position logit "
        "interpolates a learned table at that fractional count.",
        "Golovneva et al. 2024, Contextual Position Encoding: Learning to Count What's Important",
        "facebookresearch/RAM: projects/cope/src/cope/context_position.py",
        {{"npos", ParamKind::integer, "64", 1, 8192, {}, "rows of the position table; positions are capped at npos - 1", false},
         {"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the position table", false},
         {"divide", ParamKind::boolean, "true", 0, 0, {},
          "divide the position logit by sqrt(dh) with q.k (RAM's default); false: RAM's --cope-nodiv", false}},
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // d is the model width, dh = d / heads. "pos_emb": (npos, dh), row t the vector e[t];
  // "profile": (1, n), the contextual position of a key r tokens before the query when
  // every gate is sigmoid(0) = 1/2: min((r + 1) / 2, npos - 1). Content decides the rest.
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                      int ld) const override;
  void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                               const float* dlogits, int ld, HeadGrad hg) const override;

  std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const override;  // pos_emb (npos, dh)
  void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const override;

 private:
  int npos_;
  std::uint64_t seed_;
  bool divide_;  // z scaled by 1/sqrt(dh) with q.k (RAM's default)
  int dh_ = 0;
};

}  // namespace pe
