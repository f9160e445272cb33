// The order probe through a trained model (model_probe.hpp).
#include "pe/model_probe.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/rng.hpp"
#include "pe/tokenizer.hpp"

namespace pe {

namespace {

xt::xtensor<float, 3> weights_of(const AttentionCache& a) {
  const auto H = static_cast<std::size_t>(a.shape.heads), n = static_cast<std::size_t>(a.shape.n);
  xt::xtensor<float, 3> w = xt::xtensor<float, 3>::from_shape({H, n, n});
  std::copy(a.weights.begin(), a.weights.end(), w.data());
  return w;
}

}  // namespace

std::vector<int> vocab_ids(const std::vector<std::string>& vocab, const std::vector<std::string>& words) {
  std::map<std::string, int> id;
  for (std::size_t i = 0; i < vocab.size(); ++i) id.emplace(vocab[i], static_cast<int>(i));
  std::vector<int> out;
  for (const auto& w : words) {
    auto it = id.find(w);
    require(it != id.end(), "'" + w + "' is not in the trained model's vocabulary of " + std::to_string(vocab.size()) +
                                " tokens (use words of its task)");
    out.push_back(it->second);
  }
  return out;
}

std::vector<std::string> sample_continuation(Model& model, const std::vector<std::string>& vocab,
                                             const SampleOptions& o) {
  require(o.count >= 1 && o.count <= 512, "count " + std::to_string(o.count) + " is out of range [1, 512]");
  require(std::isfinite(o.temperature) && o.temperature >= 0 && o.temperature <= 10,
          "temperature " + std::to_string(o.temperature) + " is out of range [0, 10]");
  std::vector<int> context = vocab_ids(vocab, token_texts(tokenize(o.prompt, limits::max_tokens, "prompt")));
  const int V = model.config().vocab;
  const int limit = model.position_limit() > 0 ? model.position_limit() : limits::max_tokens;
  Rng rng(o.seed);
  ModelCache cache;
  std::vector<std::string> out;
  std::vector<double> p(static_cast<std::size_t>(V));
  for (int t = 0; t < o.count; ++t) {
    const int n = std::min(static_cast<int>(context.size()), limit);
    model.forward(context.data() + (context.size() - static_cast<std::size_t>(n)), nullptr, n, cache);
    const float* row = cache.logits.data() + static_cast<std::size_t>(n - 1) * V;
    int next = cache.predicted[static_cast<std::size_t>(n - 1)];
    if (o.temperature > 0) {
      const double mx = *std::max_element(row, row + V);
      double sum = 0;
      for (int v = 0; v < V; ++v) sum += p[static_cast<std::size_t>(v)] = std::exp((row[v] - mx) / o.temperature);
      double u = rng.uniform() * sum;
      for (next = 0; next < V - 1; ++next) {
        u -= p[static_cast<std::size_t>(next)];
        if (u <= 0) break;
      }
    }
    context.push_back(next);
    out.push_back(vocab[static_cast<std::size_t>(next)]);
  }
  return out;
}

ProbeResult run_model_probe(Model& model, const std::vector<std::string>& vocab, const ModelProbeOptions& o) {
  const ModelConfig& mc = model.config();
  require(o.layer >= 0 && o.layer < mc.layers, "layer " + std::to_string(o.layer) + " does not exist (the model has " +
                                                   std::to_string(mc.layers) + ")");
  require(o.shift >= 0 && o.shift <= limits::max_shift,
          "shift " + std::to_string(o.shift) + " is out of range [0, " + std::to_string(limits::max_shift) + "]");
  ProbeResult r;
  r.tokens = token_texts(tokenize(o.sentence, limits::max_tokens, "sentence"));
  if (o.compare.empty()) {
    r.tokens_compare.assign(r.tokens.rbegin(), r.tokens.rend());
  } else {
    r.tokens_compare = token_texts(tokenize(o.compare, limits::max_tokens, "compare sentence"));
  }
  const std::vector<int> ids_a = vocab_ids(vocab, r.tokens), ids_b = vocab_ids(vocab, r.tokens_compare);
  const int n = static_cast<int>(ids_a.size()), m = static_cast<int>(ids_b.size()), d = mc.dim;

  ModelCache a, b, shifted;
  model.forward(ids_a.data(), nullptr, n, a);
  model.forward(ids_b.data(), nullptr, m, b);
  SchemeProbe p;
  p.scheme = mc.scheme;
  const std::vector<float> mean_a = mean_rows(a.lnf, n, d), mean_b = mean_rows(b.lnf, m, d);
  p.sentence_distance_raw = cosine_distance(mean_a.data(), mean_b.data(), d);
  p.sentence_distance = std::abs(p.sentence_distance_raw) < distance_resolution(std::max(n, m)) ? 0.0
                                                                                             : p.sentence_distance_raw;
  const std::vector<int> match = match_occurrences(r.tokens, r.tokens_compare);
  r.token_match = match;
  for (int i = 0; i < n; ++i) {
    const int j = match[static_cast<std::size_t>(i)];
    p.token_distance.push_back(j < 0 ? std::numeric_limits<double>::quiet_NaN()
                                     : cosine_distance(a.lnf.data() + static_cast<std::size_t>(i) * d,
                                                       b.lnf.data() + static_cast<std::size_t>(j) * d, d));
  }
  const AttentionCache& la = a.blocks[static_cast<std::size_t>(o.layer)].attn;
  p.attention = weights_of(la);
  p.attention_compare = weights_of(b.blocks[static_cast<std::size_t>(o.layer)].attn);

  const int limit = model.position_limit();
  if (limit > 0 && o.shift + n > limit) {
    p.shift_logit_change = p.shift_logit_change_raw = std::numeric_limits<double>::quiet_NaN();
  } else {
    model.forward(ids_a.data(), nullptr, n, shifted, o.shift);
    const AttentionCache& ls = shifted.blocks[static_cast<std::size_t>(o.layer)].attn;
    double change = 0, max_abs = 0;
    const std::size_t nn = static_cast<std::size_t>(n) * n;
    for (int h = 0; h < mc.heads; ++h)
      for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j) {
          const std::size_t at = static_cast<std::size_t>(h) * nn + static_cast<std::size_t>(i) * n + j;
          change = std::max(change, std::abs(static_cast<double>(ls.logits[at]) - la.logits[at]));
          max_abs = std::max(max_abs, std::abs(static_cast<double>(la.logits[at])));
        }
    p.shift_logit_change_raw = change;
    p.shift_logit_change = change < logit_resolution(n, d / mc.heads, max_abs) ? 0.0 : change;
  }
  r.schemes.push_back(std::move(p));
  return r;
}

}  // namespace pe
