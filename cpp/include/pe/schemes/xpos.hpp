// xPos (Sun et al. 2022, "A Length-Extrapolatable Transformer"; microsoft/torchscale:
// torchscale/component/xpos_relative_position.py).
//
//   RoPE (theta 10000, dr = dh, pair k at angle p * inv_freq[k]) plus a per-pair scale
//     zeta_k = (2k + 0.4 dr) / (1.4 dr)                       (in (0, 1), k = 0 .. dr/2 - 1)
//   queries:  pair k times zeta_k^( s / scale_base)            scale_base = 512
//   keys:     pair k times zeta_k^(-s / scale_base)
//   so q_i . k_j carries zeta_k^((i - j) / scale_base) on pair k: a decay with distance
//   for keys before the query (i > j).
//
// Acts: on queries and keys, in place, before q.k.
//
// Positions. torchscale rotates by the plain position p (sin/cos of 0 .. T-1) but raises
// zeta to a *centred* position s: XPOS.forward builds the scale over
// arange(min_pos, max_pos) with min_pos = -(length + offset) // 2 (Python floor
// division), i.e. s = p - ceil(T / 2) with T = length + offset, the total sequence
// length. Here T = max(pos) + 1 (= n for positions 0..n-1; = offset + length for a
// suffix chunk, as torchscale). Centring cancels in every logit (q and k share it), so
// logits depend on i - j only; it keeps the factors near 1 instead of letting keys grow
// as zeta^(-p/512) over a long sequence. One caveat of torchscale we do not model: in
// incremental decoding its cached keys keep the centre of the step they were made in.
//
// Layout: interleaved by default, as torchscale (rotate_every_two, duplicate_interleave);
// half is offered for comparison with RoPE. Rotation as rope_rotate_rows.
// Backward: per pair the query map is zeta^(s/sb) R(angle) and the key map
// zeta^(-s/sb) R(angle); their transposes are the same factors times R(-angle), so dq
// is rotated back with the query's factor (cos, -sin times zeta^(s/sb)) and dk with the
// key's (zeta^(-s/sb)). The factors depend on the positions only.
//
// Table (D = head width dh): inv_freq (dr/2), attention_factor (1), angles (N, dr/2),
// scale (dr/2) = zeta_k, and profile (1, N): the score q_r . k_0 for q = k = all ones,
// query at r, key at 0 (no 1/sqrt(dh)), decay included:
//   profile[r] = sum_k 2 cos(r inv_freq[k]) zeta_k^(r / scale_base).
#pragma once
#include <vector>

#include "pe/scheme.hpp"
#include "pe/schemes/rope.hpp"

namespace pe {

// zeta_k = (2k + 0.4 dr) / (1.4 dr): (dr/2).
std::vector<double> xpos_scale(int dr);
// The centred position torchscale raises zeta to: s = p - ceil(T / 2).
int xpos_centred(int p, int total_len);

class XposScheme : public Scheme {
 public:
  explicit XposScheme(Params p);

  static const SchemeInfo& static_info();
  const SchemeInfo& info() const override { return static_info(); }

  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void encode_query_key(float* q, float* k, int heads, int n, int dh, const int* pos) const override;
  void encode_query_key_backward(float* dq, float* dk, int heads, int n, int dh, const int* pos) const override;
  // Every pair of the head (see the top of this file for what its frequency means).
  RotaryPairs rotary_pairs(int dh, int n, const int* pos) const override;

 private:
  // Applies the map (sign 1) or its transpose (sign -1) to q and k.
  void apply(float* q, float* k, int heads, int n, int dh, const int* pos, float sign) const;
  double theta_, scale_base_;
  RopeLayout layout_;
  int prepared_dh_ = -1;
  std::vector<double> inv_freq_;  // (dh/2) for the prepared head width
  std::vector<double> zeta_;      // (dh/2)
};

}  // namespace pe
