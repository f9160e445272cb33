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
// Init: PyTorch's default for Conv1d(d, d, 3, groups=d): w, b ~ U(-1/sqrt(3), 1/sqrt(3))
// (fan_in 3), seeded, one stream per channel. With unit-scale embeddings the
// convolution then moves each component by about 0.6: visible. CPVT learns them.
#pragma once
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

class CpeScheme : public Scheme {
 public:
  using Scheme::Scheme;

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "cpe", "Conditional positional encoding (CPE / PEG)", Site::content, "token embeddings (from their neighbours)",
        "A zero-padded depthwise convolution over neighbouring tokens, added to the embeddings: position "
        "comes from the content and the sequence edges.",
        "Chu et al. 2021, Conditional Positional Encodings for Vision Transformers (CPVT)",
        "Meituan-AutoML/Twins: gvt.py PosCNN",
        {{"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the kernel and bias", false}}};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "kernel": (d, 3), column 0 weighs the previous token, 1 the token, 2 the next one;
  // "conv_bias": (d); "profile": (1, n), the root-mean-square weight with which a token
  // r positions away reaches an output (r = 0 includes the residual 1; 0 from r = 2 on).
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void encode_input(float* x, int n, int d, const int* pos) const override;

 private:
  void make_weights(int d, std::vector<double>& kernel, std::vector<double>& bias) const;
  std::vector<double> kernel_;  // (d, 3)
  std::vector<double> bias_;    // (d)
};

}  // namespace pe
