// The order probe (contract in probe.hpp). Per scheme: one layer run over the sentence,
// one over the compare sentence, and a second look at the sentence's logits with every
// position shifted by K. Logits are compared block by block, so the shift costs no
// (n, n) memory in streaming mode.
#include "pe/probe.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "pe/attention.hpp"
#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/tokenizer.hpp"

namespace pe {

namespace {

constexpr int compare_block = 64;  // (block, block) logits per step of the shift comparison

// 1 - cos(a, b) in double; 0 when both are zero, 1 when only one is.
double cosine_distance(const float* a, const float* b, int d) {
  double ab = 0, aa = 0, bb = 0;
  for (int c = 0; c < d; ++c) {
    ab += static_cast<double>(a[c]) * b[c];
    aa += static_cast<double>(a[c]) * a[c];
    bb += static_cast<double>(b[c]) * b[c];
  }
  if (aa == 0 || bb == 0) return (aa == 0 && bb == 0) ? 0.0 : 1.0;
  return 1.0 - ab / std::sqrt(aa * bb);
}

std::vector<float> mean_rows(const std::vector<float>& x, int n, int d) {
  std::vector<double> acc(static_cast<std::size_t>(d), 0.0);
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < d; ++c) acc[c] += x[static_cast<std::size_t>(i) * d + c];
  std::vector<float> out(static_cast<std::size_t>(d));
  for (int c = 0; c < d; ++c) out[c] = static_cast<float>(acc[c] / n);
  return out;
}

// For each token of a, the index in b of the same text's same occurrence (k-th to k-th), or -1.
std::vector<int> match_occurrences(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::map<std::string, std::vector<int>> where;  // text -> indices in b, in order
  for (int j = 0; j < static_cast<int>(b.size()); ++j) where[b[j]].push_back(j);
  std::map<std::string, std::size_t> seen;
  std::vector<int> out;
  for (const auto& t : a) {
    const std::size_t k = seen[t]++;
    auto it = where.find(t);
    out.push_back(it != where.end() && k < it->second.size() ? it->second[k] : -1);
  }
  return out;
}

// max |logit_a - logit_b| over heads and unmasked (i, j), recomputed block by block (no n^2
// buffer); both caches have the same shape. max_abs: the largest finite |logit| of a.
double max_logit_change(const Scheme& scheme, const AttentionCache& a, const AttentionCache& b, double& max_abs) {
  const int n = a.shape.n;
  std::vector<float> la(static_cast<std::size_t>(compare_block) * compare_block);
  std::vector<float> lb(la.size());
  double worst = 0;
  max_abs = 0;
  for (int h = 0; h < a.shape.heads; ++h)
    for (int i0 = 0; i0 < n; i0 += compare_block)
      for (int j0 = 0; j0 < n; j0 += compare_block) {
        const Block blk{i0, std::min(n, i0 + compare_block), j0, std::min(n, j0 + compare_block)};
        if (a.shape.causal && blk.j0 >= blk.i1) continue;  // entirely masked
        attention_logits_block(scheme, a, h, blk, la.data(), compare_block);
        attention_logits_block(scheme, b, h, blk, lb.data(), compare_block);
        float block_worst = 0;
        for (int i = 0; i < blk.i1 - blk.i0; ++i) {
          const float* x = la.data() + static_cast<std::size_t>(i) * compare_block;
          const float* y = lb.data() + static_cast<std::size_t>(i) * compare_block;
          for (int j = 0; j < blk.j1 - blk.j0; ++j) {
            // Masked in both: -inf - -inf is NaN, and a NaN never compares greater.
            const float change = std::fabs(x[j] - y[j]);
            block_worst = change > block_worst ? change : block_worst;
            if (std::isfinite(x[j])) max_abs = std::max(max_abs, static_cast<double>(std::fabs(x[j])));
          }
        }
        worst = std::max(worst, static_cast<double>(block_worst));
      }
  return worst;
}

xt::xtensor<float, 3> weights_tensor(const AttentionCache& c) {
  const std::size_t H = c.shape.heads, n = c.shape.n;
  xt::xtensor<float, 3> t = xt::xtensor<float, 3>::from_shape({H, n, n});
  std::copy(c.weights.begin(), c.weights.end(), t.data());
  return t;
}

std::vector<int> positions(int n, int offset) {
  std::vector<int> p(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) p[i] = offset + i;
  return p;
}

}  // namespace

double distance_resolution(int n) {
  const double e = 16.0 * n * std::ldexp(1.0, -24);  // relative rounding of outputs
  return 0.5 * e * e;                                 // 1 - cos(x, x(1 + e)) <= e^2 / 2
}

double logit_resolution(int n, int dh, double max_abs_logit) {
  return 16.0 * (dh + n) * std::ldexp(1.0, -24) * max_abs_logit;
}

ProbeResult run_probe(const ProbeOptions& o) {
  // Width and heads first (one token stands in; the token limits are checked per sentence).
  check_layer_shape(LayerShape{1, o.dim, o.heads, o.causal}, o.weights);
  require(o.shift >= 0 && o.shift <= (1 << 24),
          "shift " + std::to_string(o.shift) + " is out of range [0, " + std::to_string(1 << 24) + "]");

  ProbeResult r;
  r.tokens = token_texts(tokenize(o.sentence, limits::max_stream_tokens, "sentence"));
  if (o.compare.empty()) r.tokens_compare.assign(r.tokens.rbegin(), r.tokens.rend());
  else r.tokens_compare = token_texts(tokenize(o.compare, limits::max_stream_tokens, "compare sentence"));
  const int n = static_cast<int>(r.tokens.size()), m = static_cast<int>(r.tokens_compare.size());
  if (o.weights) {
    const auto too_many = [](const std::string& what, int count) {
      return what + " has " + std::to_string(count) + " tokens: at most " + std::to_string(limits::max_tokens) +
             " with attention weights (without weights, streaming allows up to " +
             std::to_string(limits::max_stream_tokens) + ")";
    };
    require(n <= limits::max_tokens, too_many("sentence", n));
    require(m <= limits::max_tokens, too_many("compare sentence", m));
  }
  const LayerShape shape_a{n, o.dim, o.heads, o.causal}, shape_b{m, o.dim, o.heads, o.causal};
  check_layer_shape(shape_a, o.weights);
  check_layer_shape(shape_b, o.weights);

  std::vector<std::string> names = o.schemes;
  if (names.empty())
    for (const auto& e : scheme_registry()) names.push_back(e.info->name);
  // Build every scheme first: a bad name or setting fails before any work.
  std::vector<std::unique_ptr<Scheme>> schemes;
  for (const auto& name : names) {
    auto it = o.settings.find(name);
    schemes.push_back(make_scheme(name, it == o.settings.end() ? Settings{} : it->second));
  }

  const LayerWeights w = make_layer_weights(o.dim, o.seed);
  const std::vector<float> emb_a = token_embeddings(r.tokens, o.dim);
  const std::vector<float> emb_b = token_embeddings(r.tokens_compare, o.dim);
  const std::vector<int> pos_a = positions(n, 0), pos_b = positions(m, 0), pos_shift = positions(n, o.shift);
  const std::vector<int> match = match_occurrences(r.tokens, r.tokens_compare);
  AttentionOptions opt;
  opt.keep_weights = o.weights;

  // Two caches serve every scheme, so their buffers are allocated once: `layer` holds one
  // sentence's full layer (the (heads, n, n) weights in full mode), `shifted` only the
  // sentence's q and k at positions shifted by K.
  AttentionCache layer, shifted;
  for (std::size_t s = 0; s < schemes.size(); ++s) {
    Scheme& scheme = *schemes[s];
    SchemeProbe p;
    p.scheme = names[s];
    p.attention = xt::xtensor<float, 3>::from_shape({0, 0, 0});
    p.attention_compare = xt::xtensor<float, 3>::from_shape({0, 0, 0});

    attention_forward(scheme, w, shape_a, emb_a.data(), pos_a.data(), opt, layer);
    if (o.weights) p.attention = weights_tensor(layer);
    const std::vector<float> out_a = layer.out;
    attention_inputs(scheme, shape_a, emb_a.data(), pos_shift.data(), shifted);
    attention_project(scheme, w, shifted);
    double max_abs_logit = 0;
    p.shift_logit_change_raw = max_logit_change(scheme, layer, shifted, max_abs_logit);
    p.shift_logit_change =
        p.shift_logit_change_raw <= logit_resolution(n, o.dim / o.heads, max_abs_logit) ? 0.0 : p.shift_logit_change_raw;

    attention_forward(scheme, w, shape_b, emb_b.data(), pos_b.data(), opt, layer);
    if (o.weights) p.attention_compare = weights_tensor(layer);
    const std::vector<float>& out_b = layer.out;

    const std::vector<float> mean_a = mean_rows(out_a, n, o.dim), mean_b = mean_rows(out_b, m, o.dim);
    const double resolution = distance_resolution(std::max(n, m));
    auto resolved = [&](double dist) { return std::fabs(dist) < resolution ? 0.0 : dist; };
    p.sentence_distance_raw = cosine_distance(mean_a.data(), mean_b.data(), o.dim);
    p.sentence_distance = resolved(p.sentence_distance_raw);
    p.token_distance.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      p.token_distance[i] = match[i] < 0 ? std::numeric_limits<double>::quiet_NaN()
                                         : resolved(cosine_distance(out_a.data() + static_cast<std::size_t>(i) * o.dim,
                                                                    out_b.data() + static_cast<std::size_t>(match[i]) * o.dim,
                                                                    o.dim));
    r.schemes.push_back(std::move(p));
  }
  return r;
}

}  // namespace pe
