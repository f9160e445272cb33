// Conditional positional encoding, CPE / PEG (Chu et al. 2021, "Conditional Positional
// Encodings for Vision Transformers" (CPVT); Meituan-AutoML/Twins: gvt.py PosCNN).
//
//   x'[i] = x[i] + conv(x)[i],   conv(x)[i][c] = w[c][0] x[i-1][c] + w[c][1] x[i][c]
//                                                + w[c][2] x[i+1][c] + b[c]
//
// Acts: on the token embeddings, from their content: a depthwise (one kernel per
// channel) convolution of width 3 over the sequence, zero padded (x[-1] = x[n] = 0),
// added residually. The image version is 3x3 over patches; a sentence has one axis.
// The zero padding is what tells the edge tokens where they are; everywhere else the
// encoding only sees neighbours, so it is translation-invariant. Rows of x are taken as
// consecutive tokens; the position values themselves are not used.
// Trainable tensors: "kernel" (d, 3) (column 0 weighs the previous token, 1 the token,
// 2 the next one) and "bias" (d), scope input (pos.kernel and pos.bias in checkpoints).
// Init: PyTorch's default for Conv1d(d, d, 3, groups=d): w, b ~ U(-1/sqrt(3), 1/sqrt(3))
// (fan_in 3), seeded, one stream per channel. With unit-scale embeddings the
// convolution then moves each component by about 0.6: visible. CPVT learns them.
// table() shows that initialisation, in double, computed from the seed.
// Backward (x_in the input the forward read, g = dx'):
//   dx[i][c] = g[i][c] (1 + w[c][1]) + g[i+1][c] w[c][0] + g[i-1][c] w[c][2]   (zero padded)
//   dw[c][0] += sum_i g[i][c] x[i-1][c],  dw[c][1] += sum_i g[i][c] x[i][c],
//   dw[c][2] += sum_i g[i][c] x[i+1][c],  db[c] += sum_i g[i][c].
#pragma once
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

class CpeScheme : public Scheme {
 public:
  explicit CpeScheme(Params p) : Scheme(std::move(p)), seed_(static_cast<std::uint64_t>(params_.number("seed"))) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "cpe", "Conditional positional encoding (CPE / PEG)", Site::content, "token embeddings (from their neighbours)",
        "A zero-padded depthwise convolution over neighbouring tokens, added to the embeddings: position "
        "comes from the content and the sequence edges.",
        "Chu et al. 2021, Conditional Positional Encodings for Vision Transformers (CPVT)",
        "Meituan-AutoML/Twins: gvt.py PosCNN",
        {{"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the kernel and bias", false}},
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "kernel": (d, 3), column 0 weighs the previous token, 1 the token, 2 the next one;
  // "conv_bias": (d); "profile": (1, n), the root-mean-square weight with which a token
  // r positions away reaches an output (r = 0 includes the residual 1; 0 from r = 2 on).
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void encode_input(float* x, int n, int d, const int* pos) const override;
  void encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const override;

  std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const override;  // kernel (d, 3), bias (d)
  void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const override;

 private:
  // (d, 3) kernel and (d) bias from the seed.
  static void make_weights(std::uint64_t seed, int d, std::vector<double>& kernel, std::vector<double>& bias);
  std::uint64_t seed_;
  int d_ = -1;  // prepared width
};

}  // namespace pe
