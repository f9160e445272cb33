// Sinusoidal (Vaswani et al. 2017, "Attention Is All You Need", section 3.5).
//
//   PE(p, 2k)   = sin(p / base^(2k/d))
//   PE(p, 2k+1) = cos(p / base^(2k/d))          base = 10000
//
// Acts: added to the token embedding, x[p] += PE(p).
// Two layouts, both in use:
//   interleaved: dims (2k, 2k+1) = (sin, cos) with inv_k = base^(-2k/d) (the paper;
//                pytorch/tutorials transformer_tutorial.py). For odd d the last dim is a sin.
//   concat:      [sin | cos] halves with inv_k = exp(-k ln(base) / (d/2 - 1)), so the
//                lowest frequency is exactly 1/base (tensor2tensor get_timing_signal_1d,
//                fairseq sinusoidal_positional_embedding.py); odd d gets a zero last dim.
// Angles are computed from the integer position in double precision.
// Backward: the added table is constant, so dx passes through.
#pragma once
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// Inverse frequencies, one per (sin, cos) pair: (pairs). pairs = ceil(d/2) interleaved,
// floor(d/2) concat.
std::vector<double> sinusoidal_inv_freq(int d, double base, bool concat);
// PE for one position into out: (d).
void sinusoidal_row(int p, int d, const std::vector<double>& inv_freq, bool concat, double* out);

class SinusoidalScheme : public Scheme {
 public:
  explicit SinusoidalScheme(Params p)
      : Scheme(std::move(p)), base_(params_.number("base")), concat_(params_.choice("layout") == "concat") {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "sinusoidal", "Sinusoidal position encoding", Site::input, "token embeddings (added)",
        "Fixed sines and cosines of geometrically spaced frequencies, added to each token embedding.",
        "Vaswani et al. 2017, Attention Is All You Need, section 3.5",
        "pytorch/tutorials: beginner_source/transformer_tutorial.py (interleaved); "
        "tensorflow/tensor2tensor: tensor2tensor/layers/common_attention.py get_timing_signal_1d (concat)",
        {{"base", ParamKind::number, "10000", 1.0, 1e9, {}, "wavelength base: the lowest frequency is about 1/base", false},
         {"layout", ParamKind::choice, "interleaved", 0, 0, {"interleaved", "concat"},
          "interleaved (sin, cos) pairs as in the paper, or [sin | cos] halves as in tensor2tensor/fairseq", false}},
        ShiftInvariance::variant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "pe": (n, d), "inv_freq": (pairs), "profile": (1, n) PE(0) . PE(r) (table.hpp)
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void encode_input(float* x, int n, int d, const int* pos) const override;
  void encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const override;

 private:
  double base_;
  bool concat_;
  int d_ = -1;                    // prepared width
  std::vector<double> inv_freq_;  // (pairs) for the prepared width
};

}  // namespace pe
