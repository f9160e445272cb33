// ALiBi, attention with linear biases (Press et al. 2022, "Train Short, Test Long",
// ofirpress/attention_with_linear_biases: fairseq/models/transformer.py get_slopes).
//
//   logit_ij += -m_h * (i - j)      causal (defined for keys j <= i)
//   logit_ij += -m_h * |i - j|      bidirectional
//
// Acts: added to the attention logits, one slope per head, no learned parameters.
// Slopes (get_slopes): for H a power of two, m_h = start^h, h = 1..H, start = 2^(-8/H)
// (so H = 8 gives 1/2, 1/4, ..., 1/256). Otherwise, with P the largest power of two
// below H: the P slopes of P, then every other slope of 2P (the 1st, 3rd, ...) up to H.
// That list is not monotonic, by design. We compute start and start * ratio^h with the
// same double operations as the Python reference, so the slopes match it bit for bit.
//
// The two formulas agree on every key the causal mask keeps (j <= i), so on a causal
// layer the parameter changes nothing. `causal=true` leaves the bias of keys after the
// query undefined: the table holds NaN there (JSON null: "masked"), and prepare() refuses
// a layer without a causal mask rather than invent a value. The fairseq code adds m * j
// to every row instead; that equals -m (i - j) only up to a per-row constant that
// softmax ignores, and only under the mask, so we never use it.
// Distances come from pos[j] - pos[i], so the bias is translation-invariant. Being
// symmetric, the bidirectional bias cannot tell a sentence from its reverse.
// Backward: the bias is a constant (no tensor, no q or k read): nothing to accumulate.
#pragma once
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// get_slopes(H): (H) slopes in head order.
std::vector<double> alibi_slopes(int heads);

class AlibiScheme : public Scheme {
 public:
  explicit AlibiScheme(Params p) : Scheme(std::move(p)), causal_(params_.flag("causal")) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "alibi", "ALiBi (attention with linear biases)", Site::logits, "attention logits (added bias)",
        "Each head subtracts its slope times the query-key distance from the logits: a fixed linear "
        "recency penalty that extrapolates to longer inputs.",
        "Press et al. 2022, Train Short, Test Long: Attention with Linear Biases",
        "ofirpress/attention_with_linear_biases: fairseq/models/transformer.py get_slopes",
        {{"causal", ParamKind::boolean, "false", 0, 0, {},
          "true: -m (i - j), defined for keys up to the query (needs a causal mask); false: -m |i - j|", false}},
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "slopes": (H); "bias": (H, n, n) query rows, key columns (NaN where causal leaves
  // it undefined); "profile": (H, n), -m_h r for distance r = 0..n-1.
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                      int ld) const override;
  void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                               const float* dlogits, int ld, HeadGrad hg) const override;

 private:
  bool causal_;                 // the `causal` setting
  std::vector<double> slopes_;  // (heads) for the prepared layer
};

}  // namespace pe
