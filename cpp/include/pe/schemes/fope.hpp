// FoPE, Fourier position embedding (Hua et al. 2024, "Fourier Position Embedding:
// Enhancing Attention's Periodic Extension for Length Generalization", arXiv 2412.17739;
// the authors' OLMo fork, olmo/model.py FourierEmbedding).
//
//   w_m = 1 / theta^(2m / dh), then w_m = 0 exactly where w_m < 2 pi / train_len
//         (a frequency that cannot complete one period during training acts as a constant)
//   per head h, fixed coefficient matrices (pairs x pairs, pairs = dh/2):
//     C_cos[h] = I + N(0, sigma^2),   C_sin[h] = I + N(0, sigma^2)
//   at position p, output pair k mixes every frequency m:
//     Fc[k] = sum_m cos(p w_m) C_cos[h][m][k],   Fs[k] = sum_m sin(p w_m) C_sin[h][m][k]
//   applied as half-split RoPE with (Fc, Fs) in place of (cos, sin):
//     (x_k, x_{k+dh/2}) -> (x_k Fc[k] - x_{k+dh/2} Fs[k],  x_{k+dh/2} Fc[k] + x_k Fs[k])
//
// Acts: on queries and keys, in place, before q.k. With sigma = 0 it is RoPE with the
// low frequencies clipped (cos 1, sin 0: those pairs pass through). With sigma > 0 it is
// not a rotation (norms change) and q.k is no longer exactly a function of j - i.
//
// Reading of the reference. The fork's FourierEmbedding has many switches; this is the
// configuration the REFERENCE sheet describes, named by the fork's config keys:
//   fourier_dim = head_dim           -> input_dim = output_dim = dh/2 (square matrices)
//   rope_clamp_floor_freq, clamp_floor_to_zero, floor_freq_ratio 1 -> w < 2 pi/train_len set to 0
//                                       (train_len = the fork's max_sequence_length)
//   fourier_separate_basis = true    -> separate C_cos and C_sin
//   fourier_separate_head = true     -> one pair of matrices per head
//   fourier_init = "eye_norm"        -> N(0, fourier_init_norm_gain = sigma) plus identity
//   fourier_norm = false, fourier_ignore_zero = false, fourier_learnable = false
// Not modelled: the paper appendix's variant (xavier-normal noise, matrices divided by
// their column sums, zero frequencies dropped, output_dim = min(#nonzero, dh/4) with the
// remaining pairs padded by Fc = Fs = 1). Draws come from pe::Rng, not torch: for head h,
// C_cos[h] from Rng(seed_mix(seed, 2h)) and C_sin[h] from Rng(seed_mix(seed, 2h+1)),
// row-major over (m, k); so head h's matrices do not depend on the number of heads.
//
// Table (D = head width dh): inv_freq (dh/2, clipped ones exactly 0), attention_factor (1),
// angles (N, dh/2), floor_freq (2 pi / train_len), cos_coef and sin_coef (H, dh/2, dh/2),
// profile (1, N): the score q_r . k_0 of head 0 for q = k = all ones, query at r, key at 0
// (FoPE is not translation-invariant, so the key is pinned at 0):
//   profile[r] = sum_k 2 (Fc_r[k] Fc_0[k] + Fs_r[k] Fs_0[k]).
// Cost: the mixing is pairs^2 multiply-adds per position and head: heads * n * pairs^2 for
// a layer, (heads + N) * pairs^2 for the table (profile of head 0 only). prepare() and
// table() refuse work past fope_max_work, and coefficient tables past
// limits::max_table_cells, with a pe::Error instead of running for minutes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// Multiply-adds allowed in one table() or in one layer's mixing.
constexpr std::size_t fope_max_work = std::size_t(1) << 28;

// RoPE frequencies with those below 2 pi / train_len set to exactly 0: (dh/2).
std::vector<double> fope_inv_freq(int dh, double theta, int train_len);
// C_cos and C_sin of head h: (pairs, pairs) each, row m = input frequency, column k = output pair.
void fope_coefficients(std::uint64_t seed, int h, int pairs, double sigma, std::vector<double>& cos_coef,
                       std::vector<double>& sin_coef);
// Fc, Fs at position p for one head: (pairs) each.
void fope_mix(double p, const std::vector<double>& inv_freq, const std::vector<double>& cos_coef,
              const std::vector<double>& sin_coef, double* fc, double* fs);

class FopeScheme : public Scheme {
 public:
  using Scheme::Scheme;

  static const SchemeInfo& static_info();
  const SchemeInfo& info() const override { return static_info(); }

  Table table(int n, int d, int heads) const override;
  void prepare(const LayerShape& shape) override;
  void encode_query_key(float* q, float* k, int heads, int n, int dh, const int* pos) const override;

 private:
  int prepared_dh_ = -1, prepared_heads_ = 0;
  std::vector<double> inv_freq_;             // (pairs)
  std::vector<double> cos_coef_, sin_coef_;  // (heads, pairs, pairs)
};

}  // namespace pe
