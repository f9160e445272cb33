// Binary positions (huggingface/blog: designing-positional-encoding.md, the teaching
// step between integers and sinusoids).
//
//   x[p][k] += bit k of p = (p >> k) & 1        k = 0 (least significant) .. d-1
//
// Acts: added to the token embedding. Bits map to 0 and 1, as in the blog's table; the
// code is unique for p < 2^d (past that, p and p + 2^d coincide: the high bits do not
// fit) and bounded, but it jumps discontinuously: p = 7 -> 8 flips four components.
// Components k >= 31 are always 0 (positions are ints). Negative positions are refused.
// Backward: the added bits do not depend on x, so dx passes through.
#pragma once
#include "pe/scheme.hpp"

namespace pe {

class BinaryScheme : public Scheme {
 public:
  using Scheme::Scheme;

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "binary", "Binary position", Site::input, "token embeddings (added)",
        "Component k carries bit k of the position (0 or 1): bounded and unique, but it jumps discontinuously.",
        "huggingface/blog: designing-positional-encoding.md (teaching step)",
        "huggingface/blog: designing-positional-encoding.md",
        {},
        ShiftInvariance::variant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "pe": (n, d) of 0/1; "profile": (1, n), -|PE(0) - PE(r)|^2 = minus the number of
  // set bits of r among the lowest d (PE(0) is zero, so PE(0) . PE(r) says nothing).
  Table table(int n, int d, int heads) const override;
  void encode_input(float* x, int n, int d, const int* pos) const override;
  void encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const override;
};

// Bit k of position p as 0.0 or 1.0 (0 for k >= 31).
inline double binary_bit(int p, int k) { return k < 31 ? static_cast<double>((p >> k) & 1) : 0.0; }

}  // namespace pe
