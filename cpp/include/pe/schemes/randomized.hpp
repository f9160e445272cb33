// Randomized positional encodings (Ruoss et al. 2023, "Randomized Positional Encodings
// Boost Length Generalization of Transformers", ACL; google-deepmind/
// randomized_positional_encodings, models/positional_encodings.py
// noisy_fixed_positional_encodings, models/transformer.py NOISY_* branches).
//
//   L = noise_max_length (the longest length the model should ever see)
//   I = sort(a uniform sample of n distinct integers from {0, 1, ..., L-1})
//   token i gets position I[i] instead of i; the wrapped scheme runs unchanged on I:
//     sinusoidal:  x_i += PE(I[i])                 (reference NOISY_SIN_COS)
//     learned:     x_i += W[I[i]],  W: (L, d)      (reference NOISY_LEARNT: an Embed of L rows)
//     rope:        rotate q_i, k_i by I[i] inv_freq (reference NOISY_ROTARY)
//
// Acts: wherever the inner scheme acts (setting `inner`): the token embeddings for
// sinusoidal and learned, queries and keys for rope. The positions are the only new thing:
// positions() draws them, and every hook, forward and backward, is the inner scheme's
// with those positions (so the gradients are the inner scheme's too; the draw has none).
// The positions of a training sequence of length N <= L are spread over [0, L), so the
// encodings of positions up to L - 1 are all seen in training, and a test sequence of any
// length M <= L stays in distribution.
//
// Reading of the reference:
//   - the draw is jax.random.choice(arange(L), shape=(n,), replace=False), then sorted;
//     it happens on every call of the model, at training and at evaluation alike (the
//     model has no training flag; range_evaluation.py passes a fresh rng key per batch).
//     Here: training draws once per sequence and evaluation once per evaluated sequence,
//     each from a seeded stream (train.cpp); the probe and `pe-cli table` use draw 0, so
//     both sentences of the probe get the same positions and a page reload the same view.
//     The reference draws once per batch (one sample broadcast over the batch rows);
//     once per sequence gives each sequence its own positions, the same distribution.
//   - NOISY_ROTARY takes a new rng key in every attention layer, so each layer rotates by
//     its own draw (queries and keys of a layer share it); the model (model.cpp) gives
//     layer l its own draw as well. The input variants draw once, at the embeddings.
//   - the reference's noisy ALiBi and noisy relative (Transformer-XL) encodings draw
//     relative offsets from [1, L) (a random monotone map of the distance |i - j|), not
//     positions; they are a different procedure and are not offered as `inner` here.
//   - sin/cos: the reference concatenates [sin | cos] with inv_k = max_time^(-2k/d); the
//     inner sinusoidal here is interleaved (sin, cos) pairs with the same inv_k (our
//     `sinusoidal` default), a fixed permutation of the dimensions. RoPE: the reference
//     rotates neighbouring pairs (2k, 2k+1) with inv_k = max_time^(-2k/dh): our rope with
//     layout=interleaved. `theta` is the reference's max_time (10000) for both.
//   - learned: the reference's Embed has L rows and haiku's default initialiser;
//     here it is our `learned` with max_len = L, seeded by `seed`, std 0.02 (GPT-2).
//
// Draw (ours; the reference uses JAX's generator, which no other code reproduces): Floyd's
// sampling of n from L, which makes every n-subset equally likely with n random numbers:
//   rng = Rng(seed_mix(seed_mix(seed, 0x7a4d), draw));  S = {}
//   for j = L - n .. L - 1:  t = rng.next_u64() mod (j + 1);  S += (t in S ? j : t)
//   I = S in increasing order
// (mod (j + 1) is biased by at most L / 2^64.) tests/golden/recipe_randomized.py redoes it
// in Python with pe_rng.py, so the goldens check the exact positions.
//
// Shift: positions(n, K, draw) = I + K, the same draw moved by K, so the shift probe asks
// the inner scheme's question: variant for sinusoidal and learned, invariant for rope.
// Declared: ShiftInvariance::variant, the default inner (sinusoidal).
// Limits: n <= L (refused otherwise, naming both); with a shift K a learned inner needs
// I + K < L (its table has L rows). sequence_limit() = L: the model reports longer
// evaluations as not applicable, like learned past max_len.
//
// Table (positions of draw 0): "positions" (n), then the inner scheme's quantities at
// those positions: sinusoidal and learned "pe" (n, d), "profile" (1, n) = PE(I[0]) . PE(I[r])
// (and sinusoidal "inv_freq"); rope (d = head width) "inv_freq", "attention_factor",
// "angles" (n, dr/2) = I[i] inv_freq[k], "profile" (1, n) = af^2 sum_k 2 cos((I[r] - I[0]) inv_k).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// The sorted draw: n distinct positions from [0, L) into out (n). Throws pe::Error when n > L.
void randomized_draw(int n, int L, std::uint64_t seed, std::uint64_t draw, int* out);

class RandomizedScheme : public Scheme {
 public:
  explicit RandomizedScheme(Params p);

  static const SchemeInfo& static_info();
  const SchemeInfo& info() const override { return static_info(); }

  // positions, then the inner scheme's quantities at them (see the top of this file).
  Table table(int n, int d, int heads) const override;
  void positions(int n, int first, std::uint64_t draw, int* pos_out) const override;
  int sequence_limit() const override { return max_length_; }
  Site site() const override { return inner_->info().where; }  // info().where: the default's (input)

  // Every hook below is the inner scheme's, with the positions it is given.
  void prepare(const LayerShape& shape) override;
  void encode_input(float* x, int n, int d, const int* pos) const override;
  void encode_query_key(float* q, float* k, int heads, int n, int dh, const int* pos) const override;
  float logit_scale(int dh) const override;
  RotaryPairs rotary_pairs(int dh, int n, const int* pos) const override;
  void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                      int ld) const override;
  void add_value_terms(int h, const int* pos, Block b, const float* p, int ld_p, float* acc, int dh) const override;
  bool has_value_terms() const override;
  std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const override;  // learned: wpe (L, d)
  void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const override;
  void encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const override;
  void encode_query_key_backward(float* dq, float* dk, int heads, int n, int dh, const int* pos) const override;
  void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b, const float* dlogits,
                               int ld, HeadGrad hg) const override;
  void add_value_terms_backward(int h, const int* pos, Block b, const float* p, int ld_p, const float* dacc, int dh,
                                float* dp, int ld_dp) const override;

  const Scheme& inner_scheme() const { return *inner_; }

 private:
  // The inner scheme, bound to this scheme's tensors (they live wherever this scheme's
  // are bound: the model's block or ensure_params' storage).
  const Scheme& inner() const;
  void check_table_rows(int n, const int* pos) const;  // learned inner: every position < L
  std::string inner_name_;
  int max_length_;
  std::uint64_t seed_;
  std::unique_ptr<Scheme> inner_;
};

}  // namespace pe
