// FIRE, functional interpolation for relative positions (Li et al. 2023, "Functional
// Interpolation for Relative Positions Improves Long Context Transformers", arXiv
// 2310.04418; the module in the paper's appendix, as reproduced in
// mcleish7/arithmetic: cramming/architectures/embeddings.py FIRE).
//
//   psi(x)  = log(|c x| + 1)
//   x_ij    = psi(pos_i - pos_j) / (psi(max(pos_i, L)) + eps)        L = |L_multiplier * L0|
//   logit_ij += f_h(x_ij),   f(x) = W2 relu(W1 x + b1) + b2          one MLP, H outputs
//
// Acts: added to the scaled attention logits. The distance is log-compressed (c sharpens
// the near range) and divided by the same transform of the query position, so for long
// contexts every query sees distances in [0, 1] (progressive interpolation); the
// threshold L keeps short prefixes from being stretched over the whole range. The MLP
// (1 -> width -> H, ReLU) is shared by the heads, one output per head.
// Translation-invariant only while every query position is below the threshold L
// (then the normaliser is L for every query); past it the normaliser reads the query's
// own position. The default L = 512 is past the probe's sentence and shift, so the probe
// reports no change; a smaller L (or a longer input) shows the dependence.
// Reference constants: width 32, c initialised to 0.1 (trained), L0 = 512 (fixed) times a
// trained L_multiplier initialised to 1, eps = 1e-6; the MLP layers initialised as
// torch.nn.Linear does, weights and biases ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
// (fan_in 1 for the first layer, width for the second). The reference computes
// |c (pos_i - pos_j)| for every pair, so the bidirectional bias is symmetric in
// distance but still reads the query position; causally only pos_j <= pos_i occurs.
// Trainable tensors, scope layer (layers.{l}.pos.<name>): "mlp_w1" (width), "mlp_b1"
// (width), "mlp_w2" (heads, width), "mlp_b2" (heads), "c" (1), "L_multiplier" (1).
// Backward (chain rule through the MLP, the ReLU, the log transform and the max):
//   dW2[h,k] += g relu(z_k), db2[h] += g, dz_k = g W2[h,k] [z_k > 0],
//   dW1[k] += dz_k x, db1[k] += dz_k, dx = sum_k dz_k W1[k];
//   dx/dc = (|r| sgn c / (1 + |c r|)) / den - num N sgn c / ((1 + |c| N) den^2);
//   dx/dL_multiplier = -num |c| / ((1 + |c| N) den^2) * L0 sgn(L_multiplier) when L > pos_i
//   (where the max picks the threshold), else 0. No q or k is read.
#pragma once
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// The MLP and transform constants of one layer, in double (tests and the table).
struct FireWeights {
  std::vector<double> w1, b1;  // (width)
  std::vector<double> w2;      // (heads, width)
  std::vector<double> b2;      // (heads)
  double c = 0.1, L_multiplier = 1.0;
};

// x_ij for query position pi and key position pj.
double fire_distance(double c, double threshold, double pi, double pj);
// f_h(x) for head h.
double fire_mlp(const FireWeights& w, int width, int h, double x);

class FireScheme : public Scheme {
 public:
  explicit FireScheme(Params p);

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "fire", "FIRE (functional interpolation for relative positions)", Site::logits,
        "attention logits (added bias)",
        "A small learned MLP of the log-compressed query-key distance divided by the log of the "
        "query position (at least a learned threshold L): one bias per head, in [0, 1] for any length.",
        "Li et al. 2023, Functional Interpolation for Relative Positions Improves Long Context Transformers",
        "arXiv 2310.04418 appendix FIRE module (as in mcleish7/arithmetic: cramming/architectures/embeddings.py)",
        {{"width", ParamKind::integer, "32", 1, 1024, {}, "hidden width of the MLP", false},
         {"L", ParamKind::number, "512", 0, 1e9, {}, "threshold L0 of the normaliser (times a learned multiplier, init 1)", true},
         {"c", ParamKind::number, "0.1", 0, 1e6, {}, "initial value of the learned log-transform scale c", true},
         {"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the MLP weights", false}},
        // At the default L = 512 (see the top of this file).
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // From the initial tensors (`seed`): "distance" (n, n) x_ij for positions 0..n-1;
  // "bias" (H, n, n); "profile" (H, n): the bias of a key r = 0..n-1 positions before a
  // query at the last position n - 1 (FIRE depends on the query position too);
  // "threshold" (scalar) L.
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                      int ld) const override;
  void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                               const float* dlogits, int ld, HeadGrad hg) const override;

  std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const override;
  void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const override;

  // The seeded initial weights for `heads` (what init_params stores, in double).
  FireWeights initial(std::uint64_t seed, int heads) const;

 private:
  FireWeights bound_weights(int heads) const;  // the bound tensors, in double
  int width_;
  double L0_, c0_;
  std::uint64_t seed_;
  int heads_ = 0;
};

}  // namespace pe
