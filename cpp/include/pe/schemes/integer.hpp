// Integer positions (huggingface/blog: designing-positional-encoding.md, the first
// teaching step before sinusoids).
//
//   x[p] += p * 1            normalise=false
//   x[p] += (p / N) * 1      normalise=true, N the sequence length
//
// Acts: added to every component of the token embedding. Unnormalised, it swamps the
// token signal as p grows; normalised, the same position means different things at
// different lengths. N is --len in table() and the layer's n in encode_input(), so a
// shifted position p + K may exceed 1 there.
// Backward: the added value does not depend on x, so dx passes through.
#pragma once
#include "pe/scheme.hpp"

namespace pe {

class IntegerScheme : public Scheme {
 public:
  explicit IntegerScheme(Params p) : Scheme(std::move(p)), normalise_(params_.flag("normalise")) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "integer", "Integer position", Site::input, "token embeddings (added)",
        "Adds the position itself (or position / length) to every component: unique, but it swamps the tokens.",
        "huggingface/blog: designing-positional-encoding.md (teaching step)",
        "huggingface/blog: designing-positional-encoding.md",
        {{"normalise", ParamKind::boolean, "false", 0, 0, {}, "divide the position by the sequence length N", false}},
        ShiftInvariance::variant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "pe": (n, d), every component p or p / n; "profile": (1, n), -|PE(0) - PE(r)|^2 =
  // -d r^2 (or -d (r/n)^2): PE(0) is zero, so the dot product PE(0) . PE(r) says nothing.
  Table table(int n, int d, int heads) const override;
  void encode_input(float* x, int n, int d, const int* pos) const override;
  void encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const override;

 private:
  double value(int p, int n) const { return normalise_ ? static_cast<double>(p) / n : p; }
  bool normalise_;
};

}  // namespace pe
