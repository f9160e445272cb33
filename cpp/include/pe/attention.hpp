// One multi-head self-attention layer over token ids, with a positional scheme plugged
// in through its hooks (scheme.hpp), in this order:
//
//   prepare(shape)
//   x = token embeddings                      (n, d)
//   encode_input(x, pos)                      absolute schemes, CPE
//   q, k, v = x Wq^T, x Wk^T, x Wv^T          (heads, n, dh) each
//   encode_query_key(q, k, pos)               RoPE family
//   logits = q k^T * logit_scale(dh)          per head, (n, n) or one block of it
//   add_logit_bias(h, ..., block)             ALiBi, T5, Shaw keys, CoPE
//   causal mask (j > i -> -inf)               when shape.causal
//   softmax over keys                         full, or online over key blocks
//   head_out = p v                            (heads, n, dh)
//   add_value_terms(h, ..., p, head_out)      Shaw values
//   out = concat(head_out) Wo^T               (n, d)
//
// Two softmax modes. Full (keep_weights): the (heads, n, n) logits and weights stay in
// the cache (what the page draws; limited to limits::max_tokens tokens and
// limits::max_table_cells weights). Streaming: key blocks are folded into a running
// max, sum and output per query row (online softmax, FlashAttention), so memory grows
// with n, not n^2; up to limits::max_stream_tokens tokens.
//
// Every stage is a function that reads and writes the AttentionCache, and every
// intermediate the backward pass needs stays there (attention_backward, full mode; the
// model of model.hpp trains through it). The layer has no bias terms,
// no layer norm and no residual: the probe looks at attention alone.
//
// Scales (chosen so that attention over a typical sentence is neither uniform nor
// one-hot): token embeddings ~ N(0, 1) per component, Wq and Wk ~ N(0, 2/d), Wv and
// Wo ~ N(0, 1/d). Then q and k components have variance ~2 and a logit
// q.k / sqrt(dh) has standard deviation ~2. Measured with d = 64, 4 heads, seeds 1-3
// (none, sinusoidal, rope, alibi): the largest weight of a row averages 0.5-0.7 over 5
// tokens, 0.45-0.55 over 9 and 0.22-0.44 over 27 (uniform would be 1/n), single rows
// ranging from 0.07 to 1.0. test_attention.cpp checks 1.5/n < mean < 0.85.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// Projections from the seed: each (d, d), row-major (out, in), so y = x W^T.
struct LayerWeights {
  int d = 0;
  std::vector<float> wq, wk, wv, wo;
};
// Wq, Wk ~ N(0, 2/d); Wv, Wo ~ N(0, 1/d); each from its own stream seed_mix(seed, 1..4).
LayerWeights make_layer_weights(int d, std::uint64_t seed);

// The projections as the stages read them: owned by a LayerWeights (the probe) or views
// into a model's parameter block. Each (d, d) as (out, in).
struct LayerWeightsView {
  int d = 0;
  const float *wq = nullptr, *wk = nullptr, *wv = nullptr, *wo = nullptr;
  LayerWeightsView() = default;
  LayerWeightsView(int d_, const float* q, const float* k, const float* v, const float* o)
      : d(d_), wq(q), wk(k), wv(v), wo(o) {}
  LayerWeightsView(const LayerWeights& w)  // NOLINT: implicit, so the probe passes its own weights
      : d(w.d), wq(w.wq.data()), wk(w.wk.data()), wv(w.wv.data()), wo(w.wo.data()) {}
};

// Gradients of the projections, each (d, d), accumulated.
struct LayerWeightGrads {
  float *dwq = nullptr, *dwk = nullptr, *dwv = nullptr, *dwo = nullptr;
};

// The embedding of one token text: out (d) ~ N(0, 1) from Rng(fnv1a64(text)). Depends
// on the text alone (not on the seed), so it is the same on every machine and in WASM.
void token_embedding(const std::string& text, int d, float* out);
// (n, d) embeddings of texts, row i for texts[i].
std::vector<float> token_embeddings(const std::vector<std::string>& texts, int d);

struct AttentionOptions {
  bool keep_weights = true;  // full softmax, logits and weights kept; false: streaming
  int block_rows = 64;       // streaming: queries per block
  int block_cols = 64;       // streaming: keys per block
};

struct AttentionCache {
  LayerShape shape;
  std::vector<int> pos;       // (n) positions given to the scheme
  std::vector<float> x;       // (n, d) embeddings after encode_input
  std::vector<float> q, k;    // (heads, n, dh) after encode_query_key
  std::vector<float> v;       // (heads, n, dh)
  bool has_weights = false;   // full mode ran: logits and weights are filled
  std::vector<float> logits;  // (heads, n, n) scaled + bias, -inf where masked (full mode)
  std::vector<float> weights; // (heads, n, n) softmax of logits (full mode)
  std::vector<float> row_max; // (heads, n) max logit per query row (streaming mode)
  std::vector<float> row_sum; // (heads, n) sum of e^(logit - row_max) (streaming mode)
  std::vector<float> head_out;  // (heads, n, dh) per-head outputs after add_value_terms
  std::vector<float> out;     // (n, d) layer output

  const float* q_head(int h) const;  // (n, dh)
  const float* k_head(int h) const;  // (n, dh)
  const float* v_head(int h) const;  // (n, dh)
};

// Throws pe::Error for a shape the layer refuses: n < 1, d or heads out of range,
// d % heads != 0, n * d too large, and too many tokens for the mode.
void check_layer_shape(const LayerShape& shape, bool keep_weights);

// The whole layer: prepare + every stage below. embeddings: (n, d); pos: (n).
void attention_forward(Scheme& scheme, LayerWeightsView w, const LayerShape& shape, const float* embeddings,
                       const int* pos, const AttentionOptions& options, AttentionCache& cache);

// The stages, in order (attention_forward calls them; the probe reuses the first two).
// prepare + encode_input: fills shape, pos, x.
void attention_inputs(Scheme& scheme, const LayerShape& shape, const float* embeddings, const int* pos,
                      AttentionCache& cache);
// q, k, v projections + encode_query_key.
void attention_project(const Scheme& scheme, LayerWeightsView w, AttentionCache& cache);
// Scaled, biased and masked logits of head h for one block: out (b.i1 - b.i0, ld).
void attention_logits_block(const Scheme& scheme, const AttentionCache& cache, int h, Block b, float* out,
                            int ld);
// Softmax and p v (+ value terms) into head_out: full (fills logits, weights) or streaming.
void attention_mix_full(const Scheme& scheme, AttentionCache& cache);
void attention_mix_streaming(const Scheme& scheme, AttentionCache& cache, int block_rows, int block_cols);
// out = concat(head_out) Wo^T.
void attention_output(LayerWeightsView w, AttentionCache& cache);

// ---- backward (full mode: the weights must be in the cache) -------------------------
// Buffers of one backward pass, reused across calls.
struct AttentionGradScratch {
  std::vector<float> dq, dk, dv, dhead;  // (heads, n, dh)
  std::vector<float> ds;                 // (rows, n) gradient of one block's weights, then logits
  std::vector<float> dfull;              // (n, d) one projection's gradient, heads side by side
};
// The backward of attention_project .. attention_output for the layer in cache (causal
// or not, every scheme's hooks through their *_backward twins). dout: (n, d) gradient of
// cache.out. Accumulates the gradient of cache.x into dx (n, d), the projections'
// gradients into g, and the scheme's tensor gradients into the scheme's bound grads.
// (encode_input is not undone here: the caller owns where x came from.)
void attention_backward(const Scheme& scheme, LayerWeightsView w, const AttentionCache& cache, const float* dout,
                        float* dx, LayerWeightGrads g, AttentionGradScratch& scratch);

}  // namespace pe
