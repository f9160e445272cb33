// The order probe (contract in probe.hpp). Per scheme: one layer run over the sentence,
// one over the compare sentence, and a second look at the sentence's logits with every
// position shifted by K. Logits are compared block by block, so the shift costs no
// (n, n) memory in streaming mode.
#include "pe/probe.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "pe/attention.hpp"
#include "pe/error.hpp"
#include "pe/json.hpp"
#include "pe/kernels.hpp"
#include "pe/limits.hpp"
#include "pe/tokenizer.hpp"

namespace pe {

namespace {

constexpr int compare_block = 64;  // (block, block) logits per step of the shift comparison


// max |logit_a - logit_b| over heads and unmasked (i, j), recomputed block by block (no n^2
// buffer); both caches have the same shape. max_abs: the largest |logit| of a. finite_a,
// finite_b: false when an unmasked logit of a (of b) is NaN or infinite, which the caller
// refuses (a NaN would otherwise be skipped by the max and read as "no change").
double max_logit_change(const Scheme& scheme, const AttentionCache& a, const AttentionCache& b, double& max_abs,
                        bool& finite_a, bool& finite_b) {
  const int n = a.shape.n;
  std::vector<float> la(static_cast<std::size_t>(compare_block) * compare_block);
  std::vector<float> lb(la.size());
  double worst = 0;
  max_abs = 0;
  finite_a = finite_b = true;
  for (int h = 0; h < a.shape.heads; ++h)
    for (int i0 = 0; i0 < n; i0 += compare_block)
      for (int j0 = 0; j0 < n; j0 += compare_block) {
        const Block blk{i0, std::min(n, i0 + compare_block), j0, std::min(n, j0 + compare_block)};
        if (a.shape.causal && blk.j0 >= blk.i1) continue;  // entirely masked
        attention_logits_block(scheme, a, h, blk, la.data(), compare_block);
        attention_logits_block(scheme, b, h, blk, lb.data(), compare_block);
        float block_worst = 0, block_abs = 0;
        for (int i = 0; i < blk.i1 - blk.i0; ++i) {
          const float* x = la.data() + static_cast<std::size_t>(i) * compare_block;
          const float* y = lb.data() + static_cast<std::size_t>(i) * compare_block;
          // Keys past the query are masked (-inf in both) when causal.
          const int j_end = a.shape.causal ? std::min(blk.j1, blk.i0 + i + 1) - blk.j0 : blk.j1 - blk.j0;
          for (int j = 0; j < j_end; ++j) {
            const float change = std::fabs(x[j] - y[j]);
            block_worst = change > block_worst ? change : block_worst;
            block_abs = std::fabs(x[j]) > block_abs ? std::fabs(x[j]) : block_abs;
            finite_a = finite_a && std::isfinite(x[j]);
            finite_b = finite_b && std::isfinite(y[j]);
          }
        }
        if (!finite_a || !finite_b) return 0;
        worst = std::max(worst, static_cast<double>(block_worst));
        max_abs = std::max(max_abs, static_cast<double>(block_abs));
      }
  return worst;
}

bool all_finite(const std::vector<float>& x) {
  for (float v : x)
    if (!std::isfinite(v)) return false;
  return true;
}

// Refuses a non-finite result of scheme `name`, naming what may have caused it: the
// scheme's explicit settings, and the shift when only the shifted logits overflowed.
void require_finite(bool ok, const ProbeOptions& o, const std::string& name, const std::string& what, bool shifted) {
  if (ok) return;
  std::string settings;
  auto it = o.settings.find(name);
  if (it != o.settings.end())
    for (const auto& kv : it->second) settings += (settings.empty() ? "" : ", ") + kv.first + "=" + kv.second;
  std::string cause;
  if (shifted)
    cause = "at positions shifted by " + std::to_string(o.shift) + " (lower shift" +
            (settings.empty() ? std::string(")") : ", or change " + settings + ")");
  else
    cause = settings.empty() ? "with its default settings" : "with " + settings + " (change these settings)";
  throw Error(name + ": " + what + " are not finite (NaN or Infinity in float32) " + cause);
}

xt::xtensor<float, 3> weights_tensor(const AttentionCache& c) {
  const std::size_t H = c.shape.heads, n = c.shape.n;
  xt::xtensor<float, 3> t = xt::xtensor<float, 3>::from_shape({H, n, n});
  std::copy(c.weights.begin(), c.weights.end(), t.data());
  return t;
}

// ratio |b| / |a| and cos(a, b) of two (d) vectors, in double: exactly 1 and 1 when they
// are equal (sqrt(x * x) == x in IEEE arithmetic), NaN when a is zero.
void norm_change(const float* a, const float* b, int d, double& ratio, double& cos) {
  double ab = 0, aa = 0, bb = 0;
  for (int c = 0; c < d; ++c) {
    ab += static_cast<double>(a[c]) * b[c];
    aa += static_cast<double>(a[c]) * a[c];
    bb += static_cast<double>(b[c]) * b[c];
  }
  if (aa == 0) {
    ratio = cos = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  ratio = std::sqrt(bb / aa);
  cos = bb == 0 ? 0.0 : ab / std::sqrt(aa * bb);
}

// norms (probe.hpp, "Details") of the sentence in `layer` (after attention_project):
// emb (n, d) are the embeddings before encode_input.
NormProbe probe_norms(const Scheme& scheme, LayerWeightsView w, const AttentionCache& layer, const float* emb) {
  const int n = layer.shape.n, d = layer.shape.d, H = layer.shape.heads, dh = layer.shape.dh();
  NormProbe r;
  r.heads = H, r.n = n;
  if (scheme.site() == Site::query_key) {  // site(): randomized acts where its inner scheme does
    r.acts_on = "query_key";
    // q, k before encode_query_key: the projections attention_project makes, bit for bit.
    const std::size_t per_head = static_cast<std::size_t>(n) * dh;
    std::vector<float> q(per_head), k(per_head);  // (n, dh) of one head
    r.query_ratio.resize(H * per_head / dh);
    r.query_cos.resize(r.query_ratio.size());
    r.key_ratio.resize(r.query_ratio.size());
    r.key_cos.resize(r.query_ratio.size());
    for (int h = 0; h < H; ++h) {
      const std::size_t wrow = static_cast<std::size_t>(h) * dh * d;
      matmul_abt(q.data(), dh, layer.x.data(), d, w.wq + wrow, d, n, dh, d, 1.0f, false);
      matmul_abt(k.data(), dh, layer.x.data(), d, w.wk + wrow, d, n, dh, d, 1.0f, false);
      for (int i = 0; i < n; ++i) {
        const std::size_t row = static_cast<std::size_t>(i) * dh, t = static_cast<std::size_t>(h) * n + i;
        norm_change(q.data() + row, layer.q_head(h) + row, dh, r.query_ratio[t], r.query_cos[t]);
        norm_change(k.data() + row, layer.k_head(h) + row, dh, r.key_ratio[t], r.key_cos[t]);
      }
    }
    return r;
  }
  const bool changed = !std::equal(layer.x.begin(), layer.x.end(), emb);
  r.acts_on = changed || scheme.site() == Site::input ? "input" : "none";
  r.input_ratio.resize(static_cast<std::size_t>(n));
  r.input_cos.resize(r.input_ratio.size());
  for (int i = 0; i < n; ++i) {
    const std::size_t row = static_cast<std::size_t>(i) * d;
    norm_change(emb + row, layer.x.data() + row, d, r.input_ratio[i], r.input_cos[i]);
  }
  return r;
}

// pair_terms (probe.hpp, "Details") of head h, query i, key j in `layer`; false (and why in
// reason) when the scheme rotates no pairs.
bool probe_pair_terms(const Scheme& scheme, const std::string& name, const AttentionCache& layer, int h, int i, int j,
                      PairTermsProbe& r, std::string& reason) {
  const int n = layer.shape.n, dh = layer.shape.dh();
  const RotaryPairs pairs = scheme.rotary_pairs(dh, n, layer.pos.data());
  if (pairs.dim_a.empty()) {
    reason = name + " acts on " + scheme.info().acts_on +
             ", not by rotating pairs of query and key dimensions: its logits have no per-pair split";
    return false;
  }
  const std::size_t P = pairs.dim_a.size();
  require(pairs.dim_b.size() == P && pairs.inv_freq.size() == P, name + ": rotary_pairs lists of different lengths");
  const float* q = layer.q_head(h) + static_cast<std::size_t>(i) * dh;  // (dh)
  const float* k = layer.k_head(h) + static_cast<std::size_t>(j) * dh;  // (dh)
  const double scale = scheme.logit_scale(dh);
  std::vector<char> paired(static_cast<std::size_t>(dh), 0);
  r.head = h, r.query = i, r.key = j;
  r.masked = layer.shape.causal && j > i;
  r.terms.resize(P);
  for (std::size_t t = 0; t < P; ++t) {
    const int a = pairs.dim_a[t], b = pairs.dim_b[t];
    require(a >= 0 && a < dh && b >= 0 && b < dh && a != b && !paired[a] && !paired[b],
            name + ": rotary_pairs names a dimension outside the head or twice");
    paired[a] = paired[b] = 1;
    r.terms[t] = scale * (static_cast<double>(q[a]) * k[a] + static_cast<double>(q[b]) * k[b]);
  }
  double rest = 0;
  for (int c = 0; c < dh; ++c)
    if (!paired[c]) rest += static_cast<double>(q[c]) * k[c];
  r.rest = scale * rest;
  float logit = 0;  // the layer's own product (attention_logits_block), before bias and mask
  matmul_abt(&logit, 1, q, dh, k, dh, 1, 1, dh, scheme.logit_scale(dh), false);
  r.logit = logit;
  r.inv_freq = pairs.inv_freq;
  r.dim_a = pairs.dim_a;
  r.dim_b = pairs.dim_b;
  r.note = pairs.note;
  return true;
}

// The scheme's positions for n tokens from `first`: first + i, or randomized's draw 0
// (the same for both sentences and for the shift, which moves it by K).
std::vector<int> positions(const Scheme& scheme, int n, int first) {
  std::vector<int> p(static_cast<std::size_t>(n));
  scheme.positions(n, first, 0, p.data());
  return p;
}

}  // namespace

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


double distance_resolution(int n) {
  const double e = 16.0 * n * std::ldexp(1.0, -24);  // relative rounding of outputs
  return 0.5 * e * e;                                 // 1 - cos(x, x(1 + e)) <= e^2 / 2
}

double logit_resolution(int n, int dh, double max_abs_logit) {
  return 16.0 * (dh + n) * std::ldexp(1.0, -24) * max_abs_logit;
}

double probe_work(const std::vector<std::unique_ptr<Scheme>>& schemes, int n, int m, int d, int heads) {
  const double N = n, M = m, D = d, H = heads;
  double draws = 4 * D * D;  // Wq, Wk, Wv, Wo
  double work = 0;
  for (const auto& s : schemes) {
    double table = 0;  // P: trainable values of one layer
    for (const auto& spec : s->param_specs(LayerShape{n, d, heads, false})) {
      double size = 1;
      for (int e : spec.shape) size *= e;
      table += size;
    }
    draws += table;
    work += (4 * N + 4 * M + 2 * N) * D * D       // projections: sentence, compare, shifted q and k
            + (2 * N * N + 2 * M * M + 2 * N * N) * D  // logits and p.v; the shift's two logit sets
            + (2 * N + M) * table * H;               // per-query terms against the scheme's tables
  }
  return work + draws * limits::probe_work_per_draw;
}

ProbeResult run_probe(const ProbeOptions& o) {
  // Width and heads first (one token stands in; the token limits are checked per sentence).
  check_layer_shape(LayerShape{1, o.dim, o.heads, o.causal}, o.weights);
  require(o.shift >= 0 && o.shift <= limits::max_shift,
          "shift " + std::to_string(o.shift) + " is out of range [0, " + std::to_string(limits::max_shift) + "]");

  require(o.max_tokens >= 0 && o.max_tokens <= limits::max_stream_tokens,
          "max_tokens " + std::to_string(o.max_tokens) + " is out of range [0, " +
              std::to_string(limits::max_stream_tokens) + "]");
  require(std::isfinite(o.max_work) && o.max_work >= 0, "max_work must be a finite number >= 0");
  const int token_cap = o.max_tokens > 0 ? o.max_tokens : limits::max_stream_tokens;
  const double work_cap = o.max_work > 0 ? std::min(o.max_work, limits::max_probe_work) : limits::max_probe_work;
  ProbeResult r;
  r.tokens = token_texts(tokenize(o.sentence, token_cap, "sentence"));
  if (o.compare.empty()) r.tokens_compare.assign(r.tokens.rbegin(), r.tokens.rend());
  else r.tokens_compare = token_texts(tokenize(o.compare, token_cap, "compare sentence"));
  const int n = static_cast<int>(r.tokens.size()), m = static_cast<int>(r.tokens_compare.size());
  if (o.pair_terms) {
    const auto out_of_range = [](const std::string& key, int v, int count, const std::string& of) {
      return "probe option 'pair_terms." + key + "' " + std::to_string(v) + " is out of range [0, " +
             std::to_string(count - 1) + "]: " + of;
    };
    require(o.pair_head >= 0 && o.pair_head < o.heads,
            out_of_range("head", o.pair_head, o.heads, "the layer has " + std::to_string(o.heads) + " heads"));
    const std::string tokens = "the sentence has " + std::to_string(n) + " token" + (n == 1 ? "" : "s");
    require(o.pair_query >= -1 && o.pair_query < n, out_of_range("query", o.pair_query, n, tokens));
    require(o.pair_key >= 0 && o.pair_key < n, out_of_range("key", o.pair_key, n, tokens));
  }
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
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t j = 0; j < i; ++j) require(names[i] != names[j], "scheme '" + names[i] + "' is chosen twice");
  for (const auto& kv : o.settings) {
    if (std::find(names.begin(), names.end(), kv.first) != names.end()) continue;
    find_scheme(kv.first);  // "unknown scheme 'x' (known: ...)"
    throw Error("settings for '" + kv.first + "', which is not a chosen scheme");
  }
  // Build every scheme first: a bad name or setting fails before any work.
  std::vector<std::unique_ptr<Scheme>> schemes;
  for (const auto& name : names) {
    auto it = o.settings.find(name);
    schemes.push_back(make_scheme(name, it == o.settings.end() ? Settings{} : it->second));
  }

  const double work = probe_work(schemes, n, m, o.dim, o.heads);
  if (work > work_cap) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "this probe needs about %.2g multiply-adds, past the budget of %.2g", work,
                  work_cap);
    throw Error(std::string(buf) + " (" + std::to_string(n) + " tokens, dim " + std::to_string(o.dim) + ", " +
                std::to_string(schemes.size()) + " schemes); lower the tokens, dim, schemes or table sizes");
  }

  const LayerWeights w = make_layer_weights(o.dim, o.seed);
  const std::vector<float> emb_a = token_embeddings(r.tokens, o.dim);
  const std::vector<float> emb_b = token_embeddings(r.tokens_compare, o.dim);
  const std::vector<int> match = match_occurrences(r.tokens, r.tokens_compare);
  r.token_match = match;
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
    const std::vector<int> pos_a = positions(scheme, n, 0), pos_b = positions(scheme, m, 0),
                           pos_shift = positions(scheme, n, o.shift);

    attention_forward(scheme, w, shape_a, emb_a.data(), pos_a.data(), opt, layer);
    if (o.weights) p.attention = weights_tensor(layer);
    const std::vector<float> out_a = layer.out;
    attention_inputs(scheme, shape_a, emb_a.data(), pos_shift.data(), shifted);
    attention_project(scheme, w, shifted);
    require_finite(all_finite(out_a) && (!o.weights || all_finite(layer.weights)), o, names[s], "attention outputs or weights", false);
    double max_abs_logit = 0;
    bool finite_a = true, finite_b = true;
    p.shift_logit_change_raw = max_logit_change(scheme, layer, shifted, max_abs_logit, finite_a, finite_b);
    require_finite(finite_a, o, names[s], "attention logits", false);
    require_finite(finite_b, o, names[s], "attention logits", true);
    p.shift_logit_change =
        p.shift_logit_change_raw <= logit_resolution(n, o.dim / o.heads, max_abs_logit) ? 0.0 : p.shift_logit_change_raw;

    // Details of the sentence, while `layer` still holds it (only when asked).
    if (o.norms) {
      p.norms = probe_norms(scheme, w, layer, emb_a.data());
      p.has_norms = true;
    }
    if (o.pair_terms)
      p.has_pair_terms = probe_pair_terms(scheme, names[s], layer, o.pair_head, o.pair_query < 0 ? n - 1 : o.pair_query,
                                          o.pair_key, p.pair_terms, p.pair_terms_reason);

    attention_forward(scheme, w, shape_b, emb_b.data(), pos_b.data(), opt, layer);
    if (o.weights) p.attention_compare = weights_tensor(layer);
    const std::vector<float>& out_b = layer.out;
    require_finite(all_finite(out_b) && (!o.weights || all_finite(layer.weights)), o, names[s],
                   "attention outputs or weights for the compare sentence", false);

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

// ---- options as JSON text -------------------------------------------------------------

namespace {

using JT = JsonValue::Type;

// What a value is, for messages: "the string \"abc\"", "16.9", "null (NaN and Infinity
// arrive as null)", "an array", ...
std::string described(const JsonValue& v) {
  char buf[40];
  switch (v.type) {
    case JT::null: return "null (NaN and Infinity arrive as null)";
    case JT::boolean: return v.boolean ? "true" : "false";
    case JT::number: std::snprintf(buf, sizeof buf, "%.17g", v.number); return buf;
    case JT::string: return "a string";
    case JT::array: return "an array";
    case JT::object: return "an object";
  }
  return "?";
}

long long whole_in(const std::string& what, const JsonValue& v, long long lo, long long hi) {
  require(v.is(JT::number) && v.number == std::floor(v.number) && v.number >= static_cast<double>(lo) &&
              v.number <= static_cast<double>(hi),
          what + " must be a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], not " +
              described(v));
  return static_cast<long long>(v.number);
}
// A whole number that fits an int; its range [lo, hi] is checked by the core, which names
// it the way the CLI does ("dim 0 is out of range [1, 4096]").
int int_of(const std::string& what, const JsonValue& v, long long lo, long long hi) {
  if (v.is(JT::number) && v.number == std::floor(v.number) && std::fabs(v.number) <= 2147483647.0)
    return static_cast<int>(v.number);
  whole_in(what, v, lo, hi);  // throws, naming the range
  return 0;
}
bool boolean_of(const std::string& what, const JsonValue& v) {
  require(v.is(JT::boolean), what + " must be true or false, not " + described(v));
  return v.boolean;
}
std::string string_of(const std::string& what, const JsonValue& v) {
  require(v.is(JT::string), what + " must be a string, not " + described(v));
  return v.string;
}
const JsonValue parsed_object(const std::string& text, const std::string& what) {
  JsonValue doc = json_parse(text, what);
  require(doc.is(JT::object), what + " must be an object, not " + described(doc));
  return doc;
}

}  // namespace

// {key: string, number or boolean} -> KEY=VALUE text as the CLI's --set takes it.
// kind: "probe" or "table"; path: "settings.rope" (the option's name without quotes).
Settings settings_of(const std::string& kind, const std::string& path, const JsonValue& v) {
  require(v.is(JsonValue::Type::object), kind + " option '" + path + "' must be an object {key: value}, not " + described(v));
  Settings out;
  for (const auto& m : v.members) {
    const std::string name = kind + " option '" + path + "." + m.first + "'";
    if (m.second.is(JsonValue::Type::string)) out[m.first] = m.second.string;
    else if (m.second.is(JsonValue::Type::boolean)) out[m.first] = m.second.boolean ? "true" : "false";
    else if (m.second.is(JsonValue::Type::number)) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", m.second.number);
      out[m.first] = buf;
    } else {
      throw Error(name + " must be a string, number or boolean, not " + described(m.second));
    }
  }
  return out;
}

ProbeOptions probe_options_from_json(const std::string& text) {
  const JsonValue doc = parsed_object(text, "probe options");
  ProbeOptions o;
  for (const auto& m : doc.members) {
    const std::string& k = m.first;
    const JsonValue& v = m.second;
    const std::string what = "probe option '" + k + "'";
    if (k == "sentence") o.sentence = string_of(what, v);
    else if (k == "compare") o.compare = string_of(what, v);
    else if (k == "dim") o.dim = int_of(what, v, 1, limits::max_dim);
    else if (k == "heads") o.heads = int_of(what, v, 1, limits::max_heads);
    else if (k == "shift") o.shift = int_of(what, v, 0, limits::max_shift);
    else if (k == "seed") o.seed = static_cast<std::uint64_t>(whole_in(what, v, 0, 1LL << 53));
    else if (k == "causal") o.causal = boolean_of(what, v);
    else if (k == "weights") o.weights = boolean_of(what, v);
    else if (k == "max_tokens") o.max_tokens = int_of(what, v, 0, limits::max_stream_tokens);
    else if (k == "max_work") {
      require(v.is(JT::number) && v.number >= 0, what + " must be a number >= 0, not " + described(v));
      o.max_work = v.number;
    }
    else if (k == "schemes") {
      require(v.is(JT::array), what + " must be an array of scheme names, not " + described(v));
      for (std::size_t i = 0; i < v.items.size(); ++i)
        o.schemes.push_back(string_of("probe option 'schemes[" + std::to_string(i) + "]'", v.items[i]));
    } else if (k == "settings") {
      require(v.is(JT::object), what + " must be an object {scheme: {key: value}}, not " + described(v));
      for (const auto& s : v.members) o.settings[s.first] = settings_of("probe", "settings." + s.first, s.second);
    } else if (k == "norms") {
      o.norms = boolean_of(what, v);
    } else if (k == "pair_terms") {
      require(v.is(JT::boolean) || v.is(JT::object),
              what + " must be true, false or an object {head, query, key}, not " + described(v));
      o.pair_terms = v.is(JT::object) || v.boolean;
      for (const auto& f : v.members) {
        const std::string fwhat = "probe option 'pair_terms." + f.first + "'";
        // Checked here against the largest layer; against the sentence and heads by the core.
        if (f.first == "head") o.pair_head = static_cast<int>(whole_in(fwhat, f.second, 0, limits::max_heads - 1));
        else if (f.first == "query")
          o.pair_query = static_cast<int>(whole_in(fwhat, f.second, 0, limits::max_stream_tokens - 1));
        else if (f.first == "key")
          o.pair_key = static_cast<int>(whole_in(fwhat, f.second, 0, limits::max_stream_tokens - 1));
        else throw Error("unknown probe option 'pair_terms." + f.first + "' (known: head, query, key)");
      }
    } else {
      throw Error("unknown probe option '" + k +
                  "' (known: sentence, compare, schemes, dim, heads, seed, causal, shift, weights, settings, max_tokens, "
                  "max_work, norms, pair_terms)");
    }
  }
  return o;
}

TableRequest table_request_from_json(const std::string& text) {
  const JsonValue doc = parsed_object(text, "table options");
  TableRequest t;
  bool has_len = false, has_dim = false;
  for (const auto& m : doc.members) {
    const std::string& k = m.first;
    const JsonValue& v = m.second;
    const std::string what = "table option '" + k + "'";
    if (k == "scheme") t.scheme = string_of(what, v);
    else if (k == "len") t.len = int_of(what, v, 1, limits::max_table_len), has_len = true;
    else if (k == "dim") t.dim = int_of(what, v, 1, limits::max_dim), has_dim = true;
    else if (k == "heads") t.heads = int_of(what, v, 1, limits::max_heads);
    else if (k == "settings") t.settings = settings_of("table", "settings", v);
    else throw Error("unknown table option '" + k + "' (known: scheme, len, dim, heads, settings)");
  }
  require(!t.scheme.empty(), "table option 'scheme' is missing");
  require(has_len, "table option 'len' is missing");
  require(has_dim, "table option 'dim' is missing");
  return t;
}

}  // namespace pe
