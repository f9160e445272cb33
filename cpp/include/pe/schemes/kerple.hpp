// KERPLE, kernelized relative positional embedding (Chi et al. 2022, "KERPLE: Kernelized
// Relative Positional Embedding for Length Extrapolation"; chijames/KERPLE:
// megatron/mpu/layers.py ParallelKerpleLog, ParallelKerplePower).
//
//   logarithmic:  logit_ij += -r1_h * log(1 + r2_h * |i - j|)
//   power:        logit_ij += -r1_h * |i - j|^r2_h
//
// Acts: added to the scaled attention logits (q.k / sqrt(dh) + bias), one pair (r1, r2)
// of positive trainable scalars per head. Both are conditionally positive definite
// kernels turned into biases; power with r2 = 1 and a fixed r1 is ALiBi.
// Reference parameterisation (names there: log bias_p = r1, bias_a = r2; power
// bias_a = r1, bias_p = r2):
//   init  log:   r1 ~ U(0, 2), r2 ~ U(0, 1);   power: r1 ~ U(0, 1), r2 ~ U(0, 2);
//   clamp r1, r2 >= eps = 0.01, and the power exponent r2 <= 2.
// The reference clamps the stored parameters in place before each forward (a projection
// after every optimizer step). Hooks here are pure, so the forward reads
// a = clamp(r, eps, max) and the backward is the gradient of that clamp: zero for a
// parameter outside its range. The bias is identical wherever the reference's stored
// value would be; a parameter that an update pushes past a bound stops receiving
// gradient from the bias (the reference would have put it back on the bound).
// Distances |pos_j - pos_i|: the reference builds tril(i - j), which equals |i - j| on
// every key the causal mask keeps; bidirectional layers get the symmetric kernel.
// Translation-invariant. At distance 0 the bias is 0.
// Trainable tensors: "r1" and "r2", each (heads), scope layer (layers.{l}.pos.r1);
// seeded per (tensor, head), so more heads extend the table.
// Backward, with x = |i - j| and g the logit gradient summed over the cells of a head:
//   log:   dr1 = -log(1 + r2 x),  dr2 = -r1 x / (1 + r2 x)
//   power: dr1 = -x^r2,           dr2 = -r1 x^r2 ln x   (0 at x = 0, as torch's pow)
// No q or k is read.
#pragma once
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

enum class KerpleVariant { log, power };

// The bias of one head at distance x >= 0, from the clamped parameters.
double kerple_bias(KerpleVariant v, double r1, double r2, double x);
// clamp(r, eps, max) as the reference applies it to r1 / r2 of the variant.
double kerple_clamp_r1(KerpleVariant v, double r1);
double kerple_clamp_r2(KerpleVariant v, double r2);

class KerpleScheme : public Scheme {
 public:
  explicit KerpleScheme(Params p);

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "kerple", "KERPLE (kernelized relative positional embedding)", Site::logits,
        "attention logits (added bias)",
        "Each head subtracts a learned kernel of the query-key distance from the logits: "
        "r1 log(1 + r2 |i - j|) or r1 |i - j|^r2, with r1, r2 > 0 trained.",
        "Chi et al. 2022, KERPLE: Kernelized Relative Positional Embedding for Length Extrapolation",
        "chijames/KERPLE: megatron/mpu/layers.py ParallelKerpleLog, ParallelKerplePower",
        {{"variant", ParamKind::choice, "log", 0, 0, {"log", "power"},
          "log: -r1 log(1 + r2 |i - j|); power: -r1 |i - j|^r2 (r2 at most 2)", false},
         {"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the initial r1, r2", false}},
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "r1", "r2": (H) the initial values from `seed` (clamped as the forward reads them);
  // "bias": (H, n, n) query rows, key columns; "profile": (H, n), the bias at distance
  // r = 0..n-1.
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                      int ld) const override;
  void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                               const float* dlogits, int ld, HeadGrad hg) const override;

  std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const override;  // r1 (H), r2 (H)
  void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const override;

 private:
  // (2, heads): r1 then r2, seeded uniform draws scaled as the reference's init.
  std::vector<double> initial(std::uint64_t seed, int heads) const;
  KerpleVariant variant_;
  std::uint64_t seed_;
  int heads_ = 0;
};

}  // namespace pe
