// Sandwich (Chi et al. 2023, "Dissecting Transformer Length Extrapolation via the Lens of
// Receptive Field Analysis"; NVIDIA/NeMo: nemo/collections/nlp/modules/common/megatron/
// position_embedding/sandwich_relative_position_embedding.py, the implementation the
// reference sheet names).
//
//   logit_ij += (sum_{k=1..D/2} cos((j - i) / 10000^(2k/D)) - D/2) / (8 h / H)     h = 1..H
//
// Acts: added to the scaled attention logits; no learned parameters. The sum is the inner
// product PE(i) . PE(j) of two sinusoidal encodings of width D (sin, cos pairs; the
// k-th pair's frequency 10000^(-2k/D), k from 1 as NeMo's arange(1, D/2 + 1)), which
// depends on j - i only. Subtracting D/2 (its value at r = 0) makes the bias 0 on the
// diagonal and <= 0 elsewhere; it falls off with distance and then oscillates around a
// plateau (about -D/2 for long distances) instead of decaying without bound, which is
// the paper's point about a bounded receptive field. Head h (1-based) divides by 8h/H, the
// ALiBi-like head-dependent compression of the paper; H = 8 divides by 1, 2, ..., 8.
// D is the `dim` setting; 0 means the head width dh (NeMo's hidden_size is "hidden size
// per attention head"); the paper treats it as a hyperparameter. D must be even.
// NeMo's causal version zeroes the relative position of future keys (tril), which only
// touches masked cells; the bias here is the symmetric cosine sum for every key.
// Translation-invariant. Backward: a constant, nothing flows.
#pragma once
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// (H, r) bias at relative distance r, dim D, head h (0-based), in double.
double sandwich_bias(int dim, int h, int heads, double r);

class SandwichScheme : public Scheme {
 public:
  explicit SandwichScheme(Params p) : Scheme(std::move(p)), dim_(params_.integer("dim")) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "sandwich", "Sandwich (sinusoidal inner-product bias)", Site::logits, "attention logits (added bias)",
        "The inner product of two sinusoidal position encodings, minus its value at distance 0, "
        "divided per head by 8h/H: a parameter-free bias that falls with distance and then levels off.",
        "Chi et al. 2023, Dissecting Transformer Length Extrapolation via the Lens of Receptive Field Analysis",
        "NVIDIA/NeMo: nemo/collections/nlp/modules/common/megatron/position_embedding/"
        "sandwich_relative_position_embedding.py",
        {{"dim", ParamKind::integer, "0", 0, 4096, {},
          "width D of the sinusoids (even); 0: the head width", false}},
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // d is the model width (head width dh = d / H). "inv_freq": (D/2), 10000^(-2k/D) for
  // k = 1..D/2; "scales": (H), 8h/H; "bias": (H, n, n); "profile": (H, n), the bias at
  // distance r = 0..n-1.
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                      int ld) const override;
  void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                               const float* dlogits, int ld, HeadGrad hg) const override;

 private:
  int width(int dh) const;  // D for a head width: the setting, or dh; throws when odd
  int dim_;                 // the `dim` setting (0: head width)
  int width_ = 0, heads_ = 0;
  std::vector<float> profile_;  // (heads, n): bias at |r| = 0..n-1 for the prepared layer
};

}  // namespace pe
