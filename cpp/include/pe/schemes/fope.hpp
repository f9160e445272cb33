// FoPE, Fourier position embedding (Hua et al. 2024, "Fourier Position Embedding:
// Enhancing Attention's Periodic Extension for Length Generalization", arXiv 2412.17739;
// the authors' OLMo fork yiju-zhao/Fourier-Position-Embedding, olmo/model.py
// FourierEmbedding, defaults in olmo/config.py).
//
//   w_m = 1 / theta^(2m / dh), then w_m = 0 exactly where w_m < 2 pi / train_len
//         (a frequency that cannot complete one period during training acts as a constant)
//   kept frequencies u_0..u_{in-1}: the nonzero w_m (ignore_zero, the fork's default), or
//         every w_m, zeros included (ignore_zero = false)
//   out = min(in, dh/4) with ignore_zero, else dh/2
//   per head h, fixed coefficient matrices (in x out):  C_cos[h] = E + noise,  C_sin[h] = E + noise
//         E = the fork's "step eye": E[k*step][k] = 1 for step = ceil(in/out) (the identity when in = out)
//   at position p, output pair k < out mixes the kept frequencies:
//     Fc[k] = sum_m cos(p u_m) C_cos[h][m][k],   Fs[k] = sum_m sin(p u_m) C_sin[h][m][k]
//   and pairs out <= k < dh/2 are padded with Fc[k] = Fs[k] = 1 (the fork's F.pad value=1)
//   applied as half-split RoPE with (Fc, Fs) in place of (cos, sin):
//     (x_k, x_{k+dh/2}) -> (x_k Fc[k] - x_{k+dh/2} Fs[k],  x_{k+dh/2} Fc[k] + x_k Fs[k])
//   so a padded pair becomes (x_k - x_{k+dh/2}, x_k + x_{k+dh/2}): a fixed, position-free map.
//
// Noise (param `init`, `sigma` = the fork's fourier_init_norm_gain, default 0.3):
//   eye_xavier_norm (the fork's default fourier_init): N(0, std^2) with torch's
//     xavier_normal_ std = sigma * sqrt(2 / (fan_in + fan_out)) of the (heads, in, out)
//     coefficient tensor, fan_in = in * out, fan_out = heads * out; so
//     std = sigma * sqrt(2 / (out * (in + heads))): small, and dependent on the head count;
//   eye_norm: N(0, sigma^2), std = sigma.
// The fork's default configuration is init = eye_xavier_norm, sigma = 0.3, ignore_zero = true.
// The earlier reading here, init = eye_norm with ignore_zero = false (square dh/2 matrices,
// zero frequencies kept as cos 1, sin 0 inputs), stays reachable with those two settings.
//
// Acts: on queries and keys, in place, before q.k. Never a rotation in the default
// configuration (padded pairs scale norms by sqrt 2; noise mixes frequencies), and q.k is
// not exactly a function of j - i. With init = eye_norm, sigma = 0, ignore_zero = false
// it is RoPE with the low frequencies clipped (cos 1, sin 0: those pairs pass through).
//
// Other fork keys, fixed as its defaults and released configs have them:
//   fourier_dim <= head_dim          -> the frequencies are head_dim's RoPE frequencies
//   rope_clamp_floor_freq, clamp_floor_to_zero, floor_freq_ratio 1 -> w < 2 pi/train_len set to 0
//                                       (train_len = the fork's max_sequence_length)
//   fourier_separate_basis = true    -> separate C_cos and C_sin
//   fourier_separate_head = true     -> one pair of matrices per head
//   fourier_norm = false, fourier_learnable = false
// Draws come from pe::Rng, not torch: for head h, C_cos[h]'s noise from
// Rng(seed_mix(seed, 2h)) and C_sin[h]'s from Rng(seed_mix(seed, 2h+1)), standard normals
// row-major over (m, k) times std; so head h's draws do not depend on the number of heads
// (with eye_xavier_norm their scale does, as in the fork).
//
// Table (D = head width dh): inv_freq (dh/2, clipped ones exactly 0), attention_factor (1),
// angles (N, dh/2), floor_freq (2 pi / train_len), noise_std (the std above),
// cos_coef and sin_coef (H, in, out), profile (1, N): the score q_r . k_0 of head 0 for
// q = k = all ones, query at r, key at 0 (FoPE is not translation-invariant, so the key is
// pinned at 0):
//   profile[r] = sum_k 2 (Fc_r[k] Fc_0[k] + Fs_r[k] Fs_0[k])   (k over all dh/2 pairs).
// The coefficients are fixed constants derived in prepare() (the fork's
// fourier_learnable = false), not trainable tensors.
// Backward: per pair the map (x_a, x_b) -> (x_a Fc - x_b Fs, x_b Fc + x_a Fs) is linear
// with matrix [[Fc, -Fs], [Fs, Fc]]; its transpose is the same map with (Fc, -Fs), so dq
// and dk go through the same kernels with Fs negated (not a rotation, but the same form).
// encode_query_key computes cos(p u_m), sin(p u_m) once per (position, kept frequency),
// shared by every head, and mixes them per head.
// Cost: the mixing is in * out multiply-adds per position and head (at most (dh/2)^2):
// heads * n * (dh/2)^2 for a layer, (heads + N) * (dh/2)^2 for the table (profile of head 0
// only) are the bounds checked. prepare() and table() refuse work past fope_max_work, and
// coefficient tables past limits::max_table_cells, with a pe::Error instead of running for minutes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// Multiply-adds allowed in one table() or in one layer's mixing.
constexpr std::size_t fope_max_work = std::size_t(1) << 28;

enum class FopeInit { eye_xavier_norm, eye_norm };

// RoPE frequencies with those below 2 pi / train_len set to exactly 0: (dh/2).
std::vector<double> fope_inv_freq(int dh, double theta, int train_len);
// The mixing's input frequencies: the nonzero ones of inv_freq (ignore_zero) or all: (in).
std::vector<double> fope_kept_freq(const std::vector<double>& inv_freq, bool ignore_zero);
// out: min(in, dh/4) with ignore_zero, else dh/2.
int fope_output_dim(int dh, int in, bool ignore_zero);
// Standard deviation of the coefficient noise (see the top of this file); 0 when out = 0.
double fope_noise_std(FopeInit init, double sigma, int heads, int in, int out);
// C_cos and C_sin of head h: (in, out) each, row m = kept frequency, column k = output pair;
// the step eye plus noise_std times standard normals.
void fope_coefficients(std::uint64_t seed, int h, int in, int out, double noise_std, std::vector<double>& cos_coef,
                       std::vector<double>& sin_coef);
// Fc, Fs at position p for one head: (pairs) each, pairs >= out; pairs past out are 1.
// freq: (in); cos_coef, sin_coef: (in, out).
void fope_mix(double p, const std::vector<double>& freq, const std::vector<double>& cos_coef,
              const std::vector<double>& sin_coef, int out, int pairs, double* fc, double* fs);
// The same from cos(p u_m), sin(p u_m) given: cs, sn (in); cos_coef, sin_coef (in, out).
void fope_mix_basis(const double* cs, const double* sn, int in, const double* cos_coef, const double* sin_coef,
                    int out, int pairs, double* fc, double* fs);

class FopeScheme : public Scheme {
 public:
  explicit FopeScheme(Params p);

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
  double theta_, sigma_;
  int train_len_;
  FopeInit init_;
  bool ignore_zero_;
  std::uint64_t seed_;
  int prepared_dh_ = -1, prepared_heads_ = 0;
  int out_ = 0;                              // output pairs mixed; the rest are padded
  std::vector<double> freq_;                 // (in) kept frequencies
  std::vector<double> cos_coef_, sin_coef_;  // (heads, in, out)
};

}  // namespace pe
