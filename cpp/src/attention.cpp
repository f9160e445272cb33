// The attention layer (stages and scales documented in attention.hpp).
#include "pe/attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "pe/error.hpp"
#include "pe/kernels.hpp"
#include "pe/limits.hpp"
#include "pe/rng.hpp"
#include "pe/train_kernels.hpp"

namespace pe {

namespace {

constexpr float neg_inf = -std::numeric_limits<float>::infinity();

std::size_t sz(long long x) { return static_cast<std::size_t>(x); }

void fill_normal(std::vector<float>& w, std::size_t count, std::uint64_t seed, double stddev) {
  Rng rng(seed);
  w.resize(count);
  for (auto& x : w) x = static_cast<float>(rng.normal(0.0, stddev));
}

// -inf where key j > query i, inside block b of out (b.i1 - b.i0, ld).
void causal_mask(Block b, float* out, int ld) {
  for (int i = b.i0; i < b.i1; ++i) {
    float* row = out + sz(i - b.i0) * ld;
    for (int j = std::max(b.j0, i + 1); j < b.j1; ++j) row[j - b.j0] = neg_inf;
  }
}

// The query blocks of the full mode: one block of every key when not causal; causal,
// blocks of kCausalRows queries, each with the keys up to its last query.
constexpr int kCausalRows = 32;
std::vector<Block> row_blocks(int n, bool causal) {
  if (!causal) return {Block{0, n, 0, n}};
  std::vector<Block> out;
  for (int i0 = 0; i0 < n; i0 += kCausalRows) {
    const int i1 = std::min(n, i0 + kCausalRows);
    out.push_back(Block{i0, i1, 0, i1});
  }
  return out;
}

HeadView head_view(const AttentionCache& c, int h) {
  HeadView hv;
  hv.q = c.q_head(h);
  hv.k = c.k_head(h);
  hv.n = c.shape.n;
  hv.dh = c.shape.dh();
  return hv;
}

}  // namespace

LayerWeights make_layer_weights(int d, std::uint64_t seed) {
  require(d >= 1 && d <= limits::max_dim,
          "dim " + std::to_string(d) + " is out of range [1, " + std::to_string(limits::max_dim) + "]");
  LayerWeights w;
  w.d = d;
  const std::size_t cells = sz(d) * sz(d);
  const double qk = std::sqrt(2.0 / d), vo = std::sqrt(1.0 / d);
  fill_normal(w.wq, cells, seed_mix(seed, 1), qk);
  fill_normal(w.wk, cells, seed_mix(seed, 2), qk);
  fill_normal(w.wv, cells, seed_mix(seed, 3), vo);
  fill_normal(w.wo, cells, seed_mix(seed, 4), vo);
  return w;
}

void token_embedding(const std::string& text, int d, float* out) {
  Rng rng(fnv1a64(text));
  for (int c = 0; c < d; ++c) out[c] = static_cast<float>(rng.normal());
}

std::vector<float> token_embeddings(const std::vector<std::string>& texts, int d) {
  std::vector<float> x(texts.size() * sz(d));
  for (std::size_t i = 0; i < texts.size(); ++i) token_embedding(texts[i], d, x.data() + i * sz(d));
  return x;
}

const float* AttentionCache::q_head(int h) const { return q.data() + sz(h) * sz(shape.n) * sz(shape.dh()); }
const float* AttentionCache::k_head(int h) const { return k.data() + sz(h) * sz(shape.n) * sz(shape.dh()); }
const float* AttentionCache::v_head(int h) const { return v.data() + sz(h) * sz(shape.n) * sz(shape.dh()); }

void check_layer_shape(const LayerShape& s, bool keep_weights) {
  require(s.n >= 1, "the layer needs at least one token");
  require(s.d >= 1 && s.d <= limits::max_dim,
          "dim " + std::to_string(s.d) + " is out of range [1, " + std::to_string(limits::max_dim) + "]");
  require(s.heads >= 1 && s.heads <= limits::max_heads,
          "heads " + std::to_string(s.heads) + " is out of range [1, " + std::to_string(limits::max_heads) + "]");
  require(s.d % s.heads == 0, "dim " + std::to_string(s.d) + " is not divisible by heads " +
                                  std::to_string(s.heads) + " (each head needs a whole width)");
  if (keep_weights) {
    require(s.n <= limits::max_tokens,
            std::to_string(s.n) + " tokens: at most " + std::to_string(limits::max_tokens) +
                " with attention weights (without weights, streaming allows " +
                std::to_string(limits::max_stream_tokens) + ")");
    const std::size_t cells = sz(s.heads) * sz(s.n) * sz(s.n);
    require(cells <= limits::max_table_cells,
            std::to_string(s.n) + " tokens x " + std::to_string(s.heads) + " heads: attention weights would hold " +
                std::to_string(cells) + " values (limit " + std::to_string(limits::max_table_cells) +
                "; without weights, streaming has no such limit)");
  } else {
    require(s.n <= limits::max_stream_tokens, std::to_string(s.n) + " tokens: at most " +
                                                  std::to_string(limits::max_stream_tokens) + " in streaming mode");
  }
  require(sz(s.n) * sz(s.d) <= limits::max_table_cells,
          std::to_string(s.n) + " tokens x dim " + std::to_string(s.d) + " is too large (tokens x dim at most " +
              std::to_string(limits::max_table_cells) + ")");
}

void attention_inputs(Scheme& scheme, const LayerShape& shape, const float* embeddings, const int* pos,
                      AttentionCache& c) {
  // Reuse the cache's buffers (no new allocation, no page faults when the sizes repeat).
  c.shape = shape;
  c.has_weights = false;
  c.pos.assign(pos, pos + shape.n);
  scheme.prepare(shape);
  scheme.ensure_params(shape);
  c.x.assign(embeddings, embeddings + sz(shape.n) * sz(shape.d));
  scheme.encode_input(c.x.data(), shape.n, shape.d, c.pos.data());
}

void attention_project(const Scheme& scheme, LayerWeightsView w, AttentionCache& c) {
  const int n = c.shape.n, d = c.shape.d, H = c.shape.heads, dh = c.shape.dh();
  require(w.d == d, "layer weights are for dim " + std::to_string(w.d) + ", not " + std::to_string(d));
  const std::size_t per_head = sz(n) * sz(dh);
  c.q.resize(sz(H) * per_head);  // every entry is written below
  c.k.resize(sz(H) * per_head);
  c.v.resize(sz(H) * per_head);
  for (int h = 0; h < H; ++h) {
    // Head h uses rows [h dh, (h+1) dh) of each W: q_h (n, dh) = x (n, d) . W_h (dh, d)^T.
    const std::size_t wrow = sz(h) * sz(dh) * sz(d);
    matmul_abt(c.q.data() + h * per_head, dh, c.x.data(), d, w.wq + wrow, d, n, dh, d, 1.0f, false);
    matmul_abt(c.k.data() + h * per_head, dh, c.x.data(), d, w.wk + wrow, d, n, dh, d, 1.0f, false);
    matmul_abt(c.v.data() + h * per_head, dh, c.x.data(), d, w.wv + wrow, d, n, dh, d, 1.0f, false);
  }
  scheme.encode_query_key(c.q.data(), c.k.data(), H, n, dh, c.pos.data());
}

void attention_logits_block(const Scheme& scheme, const AttentionCache& c, int h, Block b, float* out, int ld) {
  const int dh = c.shape.dh();
  const float* q = c.q_head(h) + sz(b.i0) * sz(dh);
  const float* k = c.k_head(h) + sz(b.j0) * sz(dh);
  matmul_abt(out, ld, q, dh, k, dh, b.i1 - b.i0, b.j1 - b.j0, dh, scheme.logit_scale(dh), false);
  scheme.add_logit_bias(h, head_view(c, h), c.pos.data(), c.shape.causal, b, out, ld);
  if (c.shape.causal) causal_mask(b, out, ld);
}

void attention_mix_full(const Scheme& scheme, AttentionCache& c) {
  const int n = c.shape.n, H = c.shape.heads, dh = c.shape.dh();
  const std::size_t nn = sz(n) * sz(n);
  c.logits.resize(sz(H) * nn);  // every entry is written below
  c.weights.resize(sz(H) * nn);
  c.head_out.resize(sz(H) * sz(n) * sz(dh));
  c.row_max = std::vector<float>();
  c.row_sum = std::vector<float>();
  for (int h = 0; h < H; ++h) {
    float* logits = c.logits.data() + h * nn;
    float* p = c.weights.data() + h * nn;
    float* o = c.head_out.data() + sz(h) * sz(n) * sz(dh);
    // Causal: rows [i0, i1) see keys [0, i1) only; the rest of their row is -inf
    // (weight 0), so the products skip the masked upper triangle. The same numbers as
    // one full block: the skipped terms are exact zeros.
    for (const Block& b : row_blocks(n, c.shape.causal)) {
      const int rows = b.i1 - b.i0;
      float* lrow = logits + sz(b.i0) * sz(n);
      float* prow = p + sz(b.i0) * sz(n);
      attention_logits_block(scheme, c, h, b, lrow, n);
      for (int r = 0; r < rows; ++r) std::fill(lrow + sz(r) * sz(n) + sz(b.j1), lrow + sz(r + 1) * sz(n), neg_inf);
      std::copy(lrow, lrow + sz(rows) * sz(n), prow);
      softmax_rows(prow, n, rows, n);
      matmul_ab(o + sz(b.i0) * sz(dh), dh, prow, n, c.v_head(h), dh, rows, dh, b.j1, false);
      scheme.add_value_terms(h, c.pos.data(), b, prow, n, o + sz(b.i0) * sz(dh), dh);
    }
  }
  c.has_weights = true;
}

void attention_mix_streaming(const Scheme& scheme, AttentionCache& c, int block_rows, int block_cols) {
  require(block_rows >= 1 && block_cols >= 1, "streaming blocks need at least one row and one column");
  const int n = c.shape.n, H = c.shape.heads, dh = c.shape.dh();
  c.logits = std::vector<float>();  // release: streaming memory grows with n, not n^2
  c.weights = std::vector<float>();
  c.has_weights = false;
  c.row_max.assign(sz(H) * sz(n), neg_inf);
  c.row_sum.assign(sz(H) * sz(n), 0.0f);
  c.head_out.assign(sz(H) * sz(n) * sz(dh), 0.0f);
  std::vector<float> s(sz(block_rows) * sz(block_cols));  // (block_rows, block_cols) logits, then p
  for (int h = 0; h < H; ++h) {
    for (int i0 = 0; i0 < n; i0 += block_rows) {
      const int i1 = std::min(n, i0 + block_rows), rows = i1 - i0;
      float* acc = c.head_out.data() + (sz(h) * sz(n) + sz(i0)) * sz(dh);  // (rows, dh)
      float* mx = c.row_max.data() + sz(h) * sz(n) + sz(i0);
      float* sum = c.row_sum.data() + sz(h) * sz(n) + sz(i0);
      const int j_end = c.shape.causal ? i1 : n;  // blocks entirely past the diagonal are masked
      for (int j0 = 0; j0 < j_end; j0 += block_cols) {
        const Block b{i0, i1, j0, std::min(j_end, j0 + block_cols)};
        const int cols = b.j1 - b.j0;
        attention_logits_block(scheme, c, h, b, s.data(), block_cols);
        softmax_online_step(s.data(), block_cols, rows, cols, mx, sum, acc, dh, dh);
        matmul_ab(acc, dh, s.data(), block_cols, c.v_head(h) + sz(j0) * sz(dh), dh, rows, dh, cols, true);
        scheme.add_value_terms(h, c.pos.data(), b, s.data(), block_cols, acc, dh);
      }
      for (int r = 0; r < rows; ++r) {
        const float inv = 1.0f / sum[r];
        for (int t = 0; t < dh; ++t) acc[sz(r) * sz(dh) + sz(t)] *= inv;
      }
    }
  }
}

void attention_output(LayerWeightsView w, AttentionCache& c) {
  const int n = c.shape.n, d = c.shape.d, H = c.shape.heads, dh = c.shape.dh();
  c.out.resize(sz(n) * sz(d));  // head 0 overwrites, the others accumulate
  // out (n, d) = sum_h head_out_h (n, dh) . Wo[:, h dh : (h+1) dh]^T
  for (int h = 0; h < H; ++h)
    matmul_abt(c.out.data(), d, c.head_out.data() + sz(h) * sz(n) * sz(dh), dh, w.wo + sz(h) * sz(dh), d,
               n, d, dh, 1.0f, h > 0);
}

void attention_forward(Scheme& scheme, LayerWeightsView w, const LayerShape& shape, const float* embeddings,
                       const int* pos, const AttentionOptions& options, AttentionCache& cache) {
  check_layer_shape(shape, options.keep_weights);
  attention_inputs(scheme, shape, embeddings, pos, cache);
  attention_project(scheme, w, cache);
  if (options.keep_weights) attention_mix_full(scheme, cache);
  else attention_mix_streaming(scheme, cache, options.block_rows, options.block_cols);
  attention_output(w, cache);
}

void attention_backward(const Scheme& scheme, LayerWeightsView w, const AttentionCache& c, const float* dout,
                        float* dx, LayerWeightGrads g, AttentionGradScratch& s) {
  require(c.has_weights, "attention_backward needs the weights of a full-mode forward");
  const int n = c.shape.n, d = c.shape.d, H = c.shape.heads, dh = c.shape.dh();
  const std::size_t per_head = sz(n) * sz(dh), nn = sz(n) * sz(n);
  s.dq.assign(sz(H) * per_head, 0.0f);
  s.dk.assign(sz(H) * per_head, 0.0f);
  s.dv.assign(sz(H) * per_head, 0.0f);
  s.dhead.resize(sz(H) * per_head);
  s.ds.resize(nn);
  const float scale = scheme.logit_scale(dh);
  const std::vector<Block> blocks = row_blocks(n, c.shape.causal);
  for (int h = 0; h < H; ++h) {
    const float* ho = c.head_out.data() + sz(h) * per_head;
    float* dho = s.dhead.data() + sz(h) * per_head;  // (n, dh)
    float* dq = s.dq.data() + sz(h) * per_head;
    float* dk = s.dk.data() + sz(h) * per_head;
    float* dv = s.dv.data() + sz(h) * per_head;
    // out = sum_h head_out_h Wo[:, h]^T: d head_out_h (n, dh) = dout (n, d) . Wo[:, h dh : (h+1) dh]
    matmul_ab(dho, dh, dout, d, w.wo + sz(h) * sz(dh), d, n, dh, d, false);
    if (g.dwo) matmul_atb(g.dwo + sz(h) * sz(dh), d, dout, d, ho, dh, d, dh, n, true);
    // Per query block b (keys [0, b.j1); causal blocks skip the masked triangle):
    for (const Block& b : blocks) {
      const int rows = b.i1 - b.i0, cols = b.j1;
      const float* p = c.weights.data() + sz(h) * nn + sz(b.i0) * sz(n);  // (rows, n)
      float* ds = s.ds.data();                                             // (rows, n)
      const float* dho_b = dho + sz(b.i0) * sz(dh);
      // head_out = p v (+ value terms): dp = dho v^T; dv += p^T dho
      matmul_abt(ds, n, dho_b, dh, c.v_head(h), dh, rows, cols, dh, 1.0f, false);
      scheme.add_value_terms_backward(h, c.pos.data(), b, p, n, dho_b, dh, ds, n);
      matmul_atb(dv, dh, p, n, dho_b, dh, cols, dh, rows, true);
      // p = softmax(logits): d logits, 0 where masked (p = 0)
      softmax_rows_backward(ds, n, p, n, ds, n, rows, cols);
      scheme.add_logit_bias_backward(h, head_view(c, h), c.pos.data(), c.shape.causal, b, ds, n, HeadGrad{dq, dk});
      // logits = scale q k^T: dq += scale ds k, dk += scale ds^T q
      for (int r = 0; r < rows; ++r)
        for (int j = 0; j < cols; ++j) ds[sz(r) * sz(n) + sz(j)] *= scale;
      matmul_ab(dq + sz(b.i0) * sz(dh), dh, ds, n, c.k_head(h), dh, rows, dh, cols, true);
      matmul_atb(dk, dh, ds, n, c.q_head(h) + sz(b.i0) * sz(dh), dh, cols, dh, rows, true);
    }
  }
  scheme.encode_query_key_backward(s.dq.data(), s.dk.data(), H, n, dh, c.pos.data());
  // q = x Wq^T per head: with every head's gradient side by side, dQ (n, d), one product
  // each over the full width: dx += dQ Wq, dWq += dQ^T x (likewise k, v).
  s.dfull.resize(sz(n) * sz(d));
  const float* grads[3] = {s.dq.data(), s.dk.data(), s.dv.data()};
  const float* weights[3] = {w.wq, w.wk, w.wv};
  float* wgrads[3] = {g.dwq, g.dwk, g.dwv};
  for (int t = 0; t < 3; ++t) {
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < n; ++i)
        std::copy_n(grads[t] + sz(h) * per_head + sz(i) * sz(dh), dh, s.dfull.data() + sz(i) * sz(d) + sz(h) * sz(dh));
    matmul_ab(dx, d, s.dfull.data(), d, weights[t], d, n, d, d, true);
    if (wgrads[t]) matmul_atb(wgrads[t], d, s.dfull.data(), d, c.x.data(), d, d, d, n, true);
  }
}

}  // namespace pe
