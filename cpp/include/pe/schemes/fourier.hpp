// Fourier basis positions, as the source article (seeds/002) writes its "FoPE":
//
//   PE(pos, k) = cos(2 pi k pos / N)        k = 0 .. d-1 (the component), N = sequence length
//
// Acts: added to the token embedding, x[p] += PE(p): component k carries the k-th
// cosine of a discrete Fourier basis over N positions. Not the FoPE of Hua et al. 2024
// (scheme `fope`): that one acts on queries and keys as RoPE does, gives each dimension
// a weighted mix of several RoPE frequencies, and zeroes the frequencies too low to
// complete a period in training. This one is a fixed additive table with integer
// frequencies k over a period of N tokens, as the article describes it; the reference
// sheet asks that it be named apart, hence `fourier`.
// Properties the page can show: PE(0) is all ones; every row repeats with period N in
// pos, and cos is even, so pos and N - pos get the same encoding (positions are unique
// only up to N/2); component k = 0 is a constant 1, and components k and N - k coincide.
// N is the `N` setting; 0 means the length n of the sequence being encoded (table: --len;
// encode_input: its n), so, as for `integer` normalise=true, the same position means
// different things at different lengths.
// The angle is 2 pi ((k pos) mod N) / N with the product reduced exactly in integers.
// Backward: the added table is constant, so dx passes through.
#pragma once
#include "pe/scheme.hpp"

namespace pe {

// PE(pos, k) for period N >= 1.
double fourier_value(long long pos, int k, int N);

class FourierScheme : public Scheme {
 public:
  explicit FourierScheme(Params p) : Scheme(std::move(p)), period_(params_.integer("N")) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "fourier", "Fourier basis (the article's FoPE)", Site::input, "token embeddings (added)",
        "Component k of position p is cos(2 pi k p / N), N the sequence length: a cosine Fourier "
        "basis added to the tokens; positions repeat with period N and p, N - p coincide.",
        "seeds/002 article \"Understanding Position Embeddings in Transformer Models\" (its FoPE formula)",
        "seeds/002: PE(pos, k) = cos(2 pi k pos / N); not Hua et al. 2024 (scheme fope)",
        {{"N", ParamKind::integer, "0", 0, 1000000, {}, "period N of the basis; 0: the sequence length", false}},
        ShiftInvariance::variant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "pe": (n, d), PE(p, k) for p = 0..n-1; "frequencies": (d) k; "period": N (scalar);
  // "profile": (1, n), PE(0) . PE(r) = sum_k cos(2 pi k r / N).
  Table table(int n, int d, int heads) const override;
  void encode_input(float* x, int n, int d, const int* pos) const override;
  void encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const override;

 private:
  int period(int n) const { return period_ > 0 ? period_ : n; }
  int period_;  // the `N` setting (0: the sequence length)
};

}  // namespace pe
