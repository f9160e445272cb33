// RoPE, rotary position embedding (Su et al. 2021, RoFormer; ZhuiyiTechnology/roformer).
//
//   inv_freq[k] = 1 / theta^(2k / dr)            k = 0 .. dr/2 - 1, theta = 10000
//   pair k of a query or key at position p is rotated by the angle p * inv_freq[k]:
//     (x_a, x_b) -> attention_factor * (x_a cos - x_b sin,  x_b cos + x_a sin)
//
// Acts: on queries and keys, in place, before q.k. Then q_i . k_j depends on i, j only
// through j - i, and the rotation keeps norms (times attention_factor).
//
// Rotated width: dr = int(dh * partial) (HF partial_rotary_factor, truncated as Python's
// int()); it must be even and > 0. Dims dr .. dh-1 pass through untouched.
// Layouts (same maths, different wiring):
//   half:        pair k is dims (k, k + dr/2); GPT-NeoX, HF Llama: rotate_half(x) = cat(-x2, x1)
//   interleaved: pair k is dims (2k, 2k+1);     GPT-J, Meta's Llama, RoFormer
//
// Scalings for longer context, as huggingface/transformers
// src/transformers/modeling_rope_utils.py computes (inv_freq, attention_factor);
// attention_factor multiplies cos and sin, so logits scale by its square:
//   none     inv_freq as above, attention_factor 1.
//   linear   inv_freq / factor.                                           (af 1)
//   ntk      theta' = theta * factor^(dr/(dr-2)).                         (af 1)
//   dynamic  L = max(seq_len, max_pos);
//            theta' = theta * (factor L / max_pos - (factor - 1))^(dr/(dr-2)).  (af 1)
//   yarn     L0 = original_max. corr(b) = dr ln(L0 / (2 pi b)) / (2 ln theta);
//            low = max(floor(corr(beta_fast)), 0), high = min(ceil(corr(beta_slow)), dr - 1)
//            (high += 0.001 when low == high); ramp[k] = clamp((k - low)/(high - low), 0, 1);
//            inv = inv/factor * ramp + inv * (1 - ramp).
//            af = attention_factor if given; else, with mscale and mscale_all_dim both set
//            (DeepSeek configs), get_mscale(factor, mscale) / get_mscale(factor,
//            mscale_all_dim); else get_mscale(factor, 1), where get_mscale(s, m) =
//            0.1 m ln(s) + 1 (1 when s <= 1) (HF _compute_yarn_parameters).
//   llama3   w = 2 pi / inv, L0 = original_max: w < L0/high_freq_factor unchanged;
//            w > L0/low_freq_factor divided by factor; between:
//            s = (L0/w - low)/(high - low), inv' = (1 - s) inv/factor + s inv.      (af 1)
//   longrope inv = 1 / (ext[k] theta^(2k/dr)), ext = long_factor when seq_len > L0,
//            else short_factor (an empty list means 1 for every pair; a list needs dr/2
//            entries). af = attention_factor if given, else sqrt(1 + ln(factor)/ln(L0))
//            when factor > 1, else 1.
// p-RoPE (Barbero et al. 2024, "Round and Round We Go! What makes Rotary Positional
// Encodings useful?"), after any scaling: keep the int(p dr / 2) highest frequencies and
// set the others to 0, so the lowest-frequency pairs turn into position-free "semantic"
// channels (p = 1: RoPE; p = 0: no rotation at all, NoPE).
// Reading of the reference (transformers v5 modeling_rope_utils.py):
//   - yarn and longrope take `factor` as given (HF derives it as max_pos/original_max
//     only when factor is unset); yarn always truncates its correction range
//     (HF `truncate`, default true).
//   - attention_factor = 0 means "the scaling's default"; only yarn and longrope read
//     it (the other scalings fix it at 1 in HF, and so here).
//   - seq_len = 0 means "the sequence being encoded", as HF's dynamic_rope_update:
//     max(position_ids) + 1 of the positions encode_query_key receives (so positions
//     K..K+n-1 give K+n, not n), and N for the table (positions 0..N-1). dynamic and
//     longrope read it; the others ignore it. Both are stateless here: HF's module also
//     remembers the longest seq_len seen (and resets below original_max), so these are
//     the frequencies of one call on a freshly loaded model.
//   - yarn: beta_fast = 0 or beta_slow = 0 means the default (32, 1), as HF's
//     `rope_scaling.get("beta_fast") or 32`.
//   - ntk and dynamic need dr >= 4 (their exponent dr/(dr-2)); HF would divide by zero.
//   - longrope's lists are the keys long_factor and short_factor ("1,1.5,2,..."), HF's
//     rope_scaling["long_factor"] / ["short_factor"].
//   - HF computes inv_freq and cos/sin in float32; here they are double (the goldens are
//     numpy float64), so HF's own numbers differ from these by float32 rounding only.
//
// Table ("pe-cli table rope", D = head width dh):
//   inv_freq (dr/2), attention_factor (scalar), angles (N, dr/2) = p * inv_freq[k],
//   profile (1, N): the score q_r . k_0 for q = k = all ones over the rotated dims,
//   query at position r = 0..N-1 and key at 0 (no 1/sqrt(dh)):
//     profile[r] = attention_factor^2 * sum_k 2 cos(r inv_freq[k]).
// Everything is computed in double from the integer position; encode_query_key folds
// attention_factor into cos and sin per (position, pair), then rotates the float rows.
// Backward: the map is linear, (x_a, x_b) -> af (x_a cos - x_b sin, x_b cos + x_a sin),
// and its transpose is the same rotation by -angle with the same factor: the same
// kernels with (af cos, -af sin) turn dq', dk' into dq, dk. The frequencies depend on
// the positions only (dynamic, longrope: through max(pos) + 1), so nothing else flows.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

enum class RopeLayout { half, interleaved };

// (inv_freq, attention_factor) of one RoPE variant, as modeling_rope_utils.py returns them.
struct RopeFreqs {
  std::vector<double> inv_freq;  // (dr/2)
  double attention_factor = 1.0;
};

// The RoPE settings, read once from validated Params (keys as in RopeScheme's info).
struct RopeConfig {
  double theta = 10000.0;
  RopeLayout layout = RopeLayout::half;
  double partial = 1.0;
  std::string scaling = "none";
  double factor = 8.0;
  int original_max = 8192;
  int max_pos = 8192;
  int seq_len = 0;  // 0: the sequence being encoded
  double beta_fast = 32.0, beta_slow = 1.0;
  double low_freq_factor = 1.0, high_freq_factor = 4.0;
  double attention_factor = 0.0;  // 0: the scaling's default
  std::vector<double> long_factor, short_factor;  // (dr/2) each, or empty
  double p = 1.0;                 // p-RoPE: fraction of frequencies kept (the highest)
  double mscale = 0.0, mscale_all_dim = 0.0;  // yarn, DeepSeek configs; 0: unset
};
RopeConfig rope_config(const Params& p);

// dr = int(dh * partial); throws pe::Error naming `partial` unless dr is even and > 0.
int rope_rotated_width(const std::string& scheme, int dh, double partial);
// For schemes that rotate the whole head (xpos, fope): throws unless dh is even and > 0.
void rotary_check_head_width(const std::string& scheme, int dh);

// Plain inverse frequencies 1 / theta^(2k/dr): (dr/2).
std::vector<double> rope_default_inv_freq(int dr, double theta);
// yarn's [low, high] (after truncation and clamping, before the +0.001 guard).
void yarn_correction_range(double beta_fast, double beta_slow, int dr, double theta, int original_max,
                           double* low, double* high);
// (inv_freq, attention_factor) for rotated width dr and sequence length seq_len (used
// when c.seq_len == 0). Throws pe::Error naming the key for settings that do not fit dr.
RopeFreqs rope_frequencies(const RopeConfig& c, int dr, int seq_len);

// Rotates pair k of every row of x: (heads, n, dh) by (cos, sin) (attention factor or
// scale folded in): (x_a, x_b) -> (x_a cos - x_b sin, x_b cos + x_a sin), pairs as in
// `layout`, dims past dr untouched. cos, sin: (n, dr/2) for position row i, offset by
// h * head_stride for head h (0: shared by all heads). Runs the SIMD kernels
// rows_rotate_half / rows_rotate_interleaved (kernels.hpp), tested against their _ref twins.
void rope_rotate_rows(float* x, int heads, int n, int dh, int dr, const float* cos, const float* sin,
                      std::size_t head_stride, RopeLayout layout);

// The pairs of a rotated width dr as `layout` wires them (half: (k, k + dr/2); interleaved:
// (2k, 2k+1)), each with its frequency inv_freq[k] (dr/2): what rotary_pairs reports.
RotaryPairs rope_pairs(RopeLayout layout, int dr, const std::vector<double>& inv_freq);

// max(pos) + 1 over pos: (n), 0 when n = 0: HF's seq_len for dynamic and longrope.
int rope_encoded_length(const int* pos, int n);

// Table helpers shared by the rotary family.
// angles (n, pairs) = p * inv_freq[k] for p = 0..n-1.
xt::xarray<double> rope_angles_table(int n, const std::vector<double>& inv_freq);

class RopeScheme : public Scheme {
 public:
  explicit RopeScheme(Params p) : Scheme(std::move(p)), config_(rope_config(params_)) {}

  static const SchemeInfo& static_info();
  const SchemeInfo& info() const override { return static_info(); }

  // inv_freq, attention_factor, angles, profile (see the top of this file).
  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void encode_query_key(float* q, float* k, int heads, int n, int dh, const int* pos) const override;
  void encode_query_key_backward(float* dq, float* dk, int heads, int n, int dh, const int* pos) const override;
  // The prepared dr/2 pairs in `layout` with the frequencies of pos; dims dr..dh-1 in none.
  RotaryPairs rotary_pairs(int dh, int n, const int* pos) const override;

 private:
  // Rotates q and k by the angles of pos; sign -1 rotates back (the transpose).
  void rotate(float* q, float* k, int heads, int n, int dh, const int* pos, float sign) const;
  RopeConfig config_;
  int prepared_dh_ = -1;
  int prepared_dr_ = 0;
  bool length_dependent_ = false;  // dynamic or longrope with seq_len = 0: per call
  RopeFreqs freqs_;  // for the prepared shape
};

}  // namespace pe
