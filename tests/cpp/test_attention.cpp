// The attention layer: streaming equals the full softmax for every registered scheme,
// permutation equivariance of `none` without a mask (and its loss with the mask),
// translation invariance of the logits per scheme class, the scales, the determinism
// of embeddings and weights, and the refusals. Properties are checked per scheme that
// is registered, so the tests grow as schemes land.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "pe/attention.hpp"
#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/registry.hpp"

namespace {

bool registered(const std::string& name) {
  for (const auto& e : pe::scheme_registry())
    if (e.info->name == name) return true;
  return false;
}

std::vector<std::string> words(int n) {
  static const char* pool[] = {"the", "dog", "chased", "cat", "over", "a", "red", "fence", ",", "and",
                               "then", "slept", ".", "quick", "brown", "fox"};
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(pool[(i * 7 + i / 3) % 16]);
  return out;
}

std::vector<int> iota(int n, int offset = 0) {
  std::vector<int> p(n);
  for (int i = 0; i < n; ++i) p[i] = offset + i;
  return p;
}

pe::AttentionCache run(pe::Scheme& s, const pe::LayerWeights& w, const std::vector<std::string>& toks, int heads,
                       bool causal, bool keep, int br = 64, int bc = 64, int offset = 0) {
  const int n = static_cast<int>(toks.size());
  const auto emb = pe::token_embeddings(toks, w.d);
  const auto pos = iota(n, offset);
  pe::AttentionOptions o;
  o.keep_weights = keep;
  o.block_rows = br;
  o.block_cols = bc;
  pe::AttentionCache c;
  pe::attention_forward(s, w, pe::LayerShape{n, w.d, heads, causal}, emb.data(), pos.data(), o, c);
  return c;
}

// max |a - b| / (max |b| + tiny)
double rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double num = 0, den = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    num = std::max(num, std::fabs(static_cast<double>(a[i]) - b[i]));
    den = std::max(den, std::fabs(static_cast<double>(b[i])));
  }
  return num / (den + 1e-30);
}

}  // namespace

TEST_CASE("token embeddings depend on the text alone; weights on the seed") {
  std::vector<float> a(16), b(16), c(16);
  pe::token_embedding("dog", 16, a.data());
  pe::token_embedding("dog", 16, b.data());
  pe::token_embedding("cat", 16, c.data());
  CHECK(a == b);
  CHECK(a != c);
  // Pinned: the same vector on every machine (splitmix64 + Box-Muller of fnv1a64("dog")).
  const auto pinned = pe::token_embeddings({"dog"}, 4);
  std::vector<float> first(4);
  pe::token_embedding("dog", 4, first.data());
  CHECK(pinned == first);
  const auto w1 = pe::make_layer_weights(8, 1), w1b = pe::make_layer_weights(8, 1), w2 = pe::make_layer_weights(8, 2);
  CHECK(w1.wq == w1b.wq);
  CHECK(w1.wo == w1b.wo);
  CHECK(w1.wq != w2.wq);
  CHECK(w1.wq != w1.wk);  // separate streams
}

TEST_CASE("weights are rows of probabilities; the causal mask zeroes j > i") {
  auto s = pe::make_scheme("none");
  const auto w = pe::make_layer_weights(32, 3);
  for (bool causal : {false, true}) {
    const auto c = run(*s, w, words(9), 4, causal, true);
    REQUIRE(c.weights.size() == 4u * 9 * 9);
    for (int h = 0; h < 4; ++h)
      for (int i = 0; i < 9; ++i) {
        double sum = 0;
        for (int j = 0; j < 9; ++j) {
          const float p = c.weights[(h * 9 + i) * 9 + j];
          sum += p;
          if (causal && j > i) CHECK(p == 0.0f);
          if (causal && j > i) CHECK(std::isinf(c.logits[(h * 9 + i) * 9 + j]));
        }
        CHECK(sum == Approx(1.0).epsilon(1e-5));
      }
  }
}

TEST_CASE("attention over a typical sentence is neither uniform nor one-hot") {
  auto s = pe::make_scheme("none");
  for (int n : {5, 10, 20}) {
    double mean_max = 0;
    int rows = 0;
    for (std::uint64_t seed : {1, 2, 3, 4}) {
      const auto c = run(*s, pe::make_layer_weights(64, seed), words(n), 4, false, true);
      for (int r = 0; r < 4 * n; ++r) {
        mean_max += *std::max_element(c.weights.begin() + r * n, c.weights.begin() + (r + 1) * n);
        ++rows;
      }
    }
    mean_max /= rows;
    INFO("n=" << n << " mean largest weight " << mean_max);
    CHECK(mean_max > 1.5 / n);
    CHECK(mean_max < 0.85);
  }
}

TEST_CASE("streaming softmax equals the full softmax for every scheme") {
  const auto w = pe::make_layer_weights(32, 7);
  for (const auto& e : pe::scheme_registry()) {
    auto s = pe::make_scheme(e.info->name);
    for (bool causal : {false, true})
      for (int n : {1, 5, 37, 130}) {
        const auto toks = words(n);
        const auto full = run(*s, w, toks, 4, causal, true);
        for (auto blocks : {std::pair<int, int>{64, 64}, {7, 5}, {1, 3}, {16, 200}}) {
          const auto str = run(*s, w, toks, 4, causal, false, blocks.first, blocks.second);
          INFO(e.info->name << " causal=" << causal << " n=" << n << " blocks " << blocks.first << "x"
                            << blocks.second);
          CHECK(str.weights.empty());
          CHECK(rel_diff(str.head_out, full.head_out) < 1e-5);
          CHECK(rel_diff(str.out, full.out) < 1e-5);
          // The kept statistics give each row's log-sum-exp of the full logits.
          for (int r = 0; r < 4 * n; r += 3) {
            const float* row = full.logits.data() + static_cast<std::size_t>(r) * n;
            const double mx = *std::max_element(row, row + n);
            double sum = 0;
            for (int j = 0; j < n; ++j) sum += std::exp(row[j] - mx);
            CHECK(str.row_max[r] + std::log(str.row_sum[r]) == Approx(mx + std::log(sum)).margin(1e-4));
          }
        }
      }
  }
}

TEST_CASE("none without a mask is permutation-equivariant; the causal mask breaks it") {
  auto s = pe::make_scheme("none");
  const auto w = pe::make_layer_weights(64, 11);
  const auto toks = words(13);
  std::vector<int> perm = {12, 3, 7, 0, 1, 11, 5, 9, 2, 10, 4, 8, 6};
  std::vector<std::string> shuffled;
  for (int i : perm) shuffled.push_back(toks[i]);
  for (bool keep : {true, false}) {
    const auto a = run(*s, w, toks, 4, false, keep), b = run(*s, w, shuffled, 4, false, keep);
    std::vector<float> permuted;
    for (int i : perm) permuted.insert(permuted.end(), a.out.begin() + i * 64, a.out.begin() + (i + 1) * 64);
    CHECK(rel_diff(b.out, permuted) < 1e-5);
    const auto ac = run(*s, w, toks, 4, true, keep), bc = run(*s, w, shuffled, 4, true, keep);
    std::vector<float> permuted_c;
    for (int i : perm) permuted_c.insert(permuted_c.end(), ac.out.begin() + i * 64, ac.out.begin() + (i + 1) * 64);
    CHECK(rel_diff(bc.out, permuted_c) > 1e-2);
  }
}

TEST_CASE("logits are translation-invariant for relative schemes, not for absolute ones") {
  // Shift every position by K with the tokens unchanged; compare the logits. Every
  // registered scheme, as it declares itself (SchemeInfo::shift; test_probe.cpp checks the
  // declaration through the probe too).
  const auto w = pe::make_layer_weights(32, 5);
  const auto toks = words(11);
  for (const auto& e : pe::scheme_registry()) {
    const std::string name = e.info->name;
    INFO(name);
    REQUIRE(e.info->shift != pe::ShiftInvariance::undeclared);
    const bool invariant_declared = e.info->shift == pe::ShiftInvariance::invariant;
    auto s = pe::make_scheme(name);
    for (bool causal : {false, true}) {
      const auto a = run(*s, w, toks, 4, causal, true, 64, 64, 0);
      const auto b = run(*s, w, toks, 4, causal, true, 64, 64, 9);
      double worst = 0, scale = 0;
      for (std::size_t i = 0; i < a.logits.size(); ++i) {
        if (std::isinf(a.logits[i])) continue;
        worst = std::max(worst, std::fabs(static_cast<double>(a.logits[i]) - b.logits[i]));
        scale = std::max(scale, std::fabs(static_cast<double>(a.logits[i])));
      }
      INFO(name << " causal=" << causal << " max logit change " << worst << " of " << scale);
      if (invariant_declared) CHECK(worst <= 1e-5 * scale);
      else CHECK(worst > 1e-2 * scale);
    }
  }
}

TEST_CASE("every registered scheme runs on one token and gives finite outputs") {
  const auto w = pe::make_layer_weights(16, 1);
  for (const auto& e : pe::scheme_registry()) {
    auto s = pe::make_scheme(e.info->name);
    for (int n : {1, 2}) {
      const auto c = run(*s, w, words(n), 2, false, true);
      INFO(e.info->name << " n=" << n);
      for (float x : c.out) CHECK(std::isfinite(x));
      if (n == 1) CHECK(c.weights == std::vector<float>{1.0f, 1.0f});
    }
  }
}

TEST_CASE("the layer refuses bad shapes with one clear line") {
  using Catch::Contains;
  CHECK_THROWS_WITH(pe::check_layer_shape({5, 64, 5, false}, true),
                    "dim 64 is not divisible by heads 5 (each head needs a whole width)");
  CHECK_THROWS_WITH(pe::check_layer_shape({0, 64, 4, false}, true), "the layer needs at least one token");
  CHECK_THROWS_WITH(pe::check_layer_shape({5, 64, 0, false}, true), Contains("heads 0 is out of range"));
  CHECK_THROWS_WITH(pe::check_layer_shape({5, pe::limits::max_dim + 1, 1, false}, true),
                    Contains("is out of range"));
  CHECK_THROWS_WITH(pe::check_layer_shape({10000, 64, 4, false}, true),
                    Contains("10000 tokens: at most " + std::to_string(pe::limits::max_tokens) + " with attention weights"));
  CHECK_THROWS_WITH(pe::check_layer_shape({4000, 64, 8, false}, true), Contains("attention weights would hold"));
  CHECK_NOTHROW(pe::check_layer_shape({10000, 64, 4, false}, false));
  CHECK_THROWS_WITH(pe::check_layer_shape({pe::limits::max_stream_tokens + 1, 64, 4, false}, false),
                    Contains("in streaming mode"));
  CHECK_THROWS_WITH(pe::check_layer_shape({60000, 4096, 4, false}, false), Contains("too large"));
  // Rotary schemes refuse an odd head width in prepare.
  for (const char* rotary : {"rope", "xpos", "fope"}) {
    REQUIRE(registered(rotary));
    auto s = pe::make_scheme(rotary);
    const auto w = pe::make_layer_weights(12, 1);
    INFO(rotary);
    try {
      run(*s, w, words(4), 4, false, true);  // head width 3
      FAIL("no error for an odd head width");
    } catch (const pe::Error& e) {
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
      CHECK(!std::string(e.what()).empty());
    }
  }
}
