// FIRE: the bias against the appendix module's recipe with hand-picked weights (the
// default threshold and a short learned one), the seeded Linear-style init, the table
// against the hook, what the normaliser does (query-position dependence, the threshold),
// and a finite-difference check of c and L_multiplier through the log transform.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "bias_testing.hpp"
#include "golden.hpp"
#include "param_testing.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/fire.hpp"

namespace {

using bias_testing::hook_bias;

// The recipe's weights: width 4, H = 2.
std::vector<std::vector<float>> recipe_tensors(float c, float L_multiplier) {
  return {{0.9f, -0.4f, 1.3f, 0.2f},
          {0.1f, 0.3f, -0.2f, -0.05f},
          {0.5f, -1.0f, 0.7f, 0.3f, -0.2f, 0.8f, 0.1f, -0.6f},
          {0.05f, -0.1f},
          {c},
          {L_multiplier}};
}

}  // namespace

TEST_CASE("fire bias matches the appendix module's recipe at spread positions") {
  const std::vector<int> pos = {0, 1, 3, 7, 12, 30};
  struct Case { const char* L; float c, Lm; const char* file; };
  for (Case k : {Case{"512", 0.1f, 1.0f, "fire_bias_default.txt"}, Case{"4", 0.3f, -1.5f, "fire_bias_short_threshold.txt"}}) {
    INFO(k.file);
    auto s = pe::make_scheme("fire", {{"width", "4"}, {"L", k.L}});
    s->prepare(pe::LayerShape{6, 8, 2, false});
    auto t = recipe_tensors(k.c, k.Lm);
    param_testing::bind(*s, t);
    const auto g = golden::load(k.file);
    REQUIRE(g.size() == 72);
    for (int h = 0; h < 2; ++h) {
      const auto a = hook_bias(*s, h, pos, false);
      for (int e = 0; e < 36; ++e) CHECK(a[e] == Approx(g[h * 36 + e]).epsilon(1e-6).margin(1e-6));
    }
  }
}

TEST_CASE("fire initial weights: torch.nn.Linear's uniform ranges, seeded per entry") {
  auto s = pe::make_scheme("fire", {{"width", "3"}, {"seed", "2"}});
  const pe::LayerShape shape{4, 8, 2, false};
  const auto specs = s->param_specs(shape);
  REQUIRE(specs.size() == 6);
  CHECK(specs[2].name == "mlp_w2");
  CHECK(specs[2].shape == std::vector<int>{2, 3});
  auto t = param_testing::init(*s, shape, 2);
  const auto g = golden::load("fire_init_seed2_w3_h2.txt");
  REQUIRE(g.size() == 14);
  std::size_t at = 0;
  for (int tensor = 0; tensor < 4; ++tensor)
    for (float v : t[tensor]) CHECK(v == static_cast<float>(g[at++]));
  CHECK(t[4][0] == 0.1f);  // c
  CHECK(t[5][0] == 1.0f);  // L_multiplier
  // More heads extend mlp_w2 and mlp_b2.
  auto t4 = param_testing::init(*s, pe::LayerShape{4, 16, 4, false}, 2);
  for (int e = 0; e < 6; ++e) CHECK(t4[2][e] == t[2][e]);
  CHECK(t4[3][1] == t[3][1]);
}

TEST_CASE("fire table agrees with the hook; the normaliser reads the query position") {
  auto s = pe::make_scheme("fire", {{"L", "3"}, {"seed", "4"}});
  const int n = 12, heads = 2;
  const pe::LayerShape shape{n, 8, heads, false};
  auto tab = s->table(n, 8, heads);
  s->prepare(shape);
  s->ensure_params(shape);
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[i] = i;
  const auto& bias = tab.find("bias")->value;
  const auto& dist = tab.find("distance")->value;
  CHECK(tab.find("threshold")->value() == 3.0);
  for (int h = 0; h < heads; ++h) {
    const auto a = hook_bias(*s, h, pos, false);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) CHECK(a[i * n + j] == Approx(bias(h, i, j)).epsilon(1e-5).margin(1e-6));
    for (int r = 0; r < n; ++r) CHECK(tab.find("profile")->value(h, r) == bias(h, n - 1, n - 1 - r));
  }
  // Past the threshold a query's farthest key (position 0) sits at x = 1 (up to eps);
  // below it, the threshold normalises instead.
  for (int i = 3; i < n; ++i) CHECK(dist(i, 0) == Approx(1.0).epsilon(1e-5));
  CHECK(dist(2, 0) == Approx(std::log(1.2) / (std::log(1.3) + 1e-6)));
  // The same distance reads differently from different queries: not translation-invariant.
  CHECK(dist(4, 2) != dist(10, 8));
}

TEST_CASE("fire gradients of c and L_multiplier match finite differences") {
  auto s = pe::make_scheme("fire", {{"width", "4"}, {"L", "20"}});
  const int n = 6;
  s->prepare(pe::LayerShape{n, 8, 2, true});
  auto t = recipe_tensors(0.25f, 0.8f);  // threshold 16 > every position: both reach the bias
  std::vector<std::vector<float>> g;
  pe::ParamViews views;
  for (auto& v : t) {
    g.emplace_back(v.size(), 0.0f);
    views.value.push_back(v.data());
    views.grad.push_back(g.back().data());
  }
  s->bind_params(views);
  const std::vector<int> pos = {0, 2, 3, 7, 11, 15};
  std::vector<float> weights(n * n);
  for (int e = 0; e < n * n; ++e) weights[e] = 0.1f * static_cast<float>((e * 7) % 11) - 0.4f;
  auto loss = [&] {
    double l = 0;
    for (int h = 0; h < 2; ++h) {
      const auto a = hook_bias(*s, h, pos, true);
      for (int e = 0; e < n * n; ++e) l += static_cast<double>(a[e]) * weights[e];
    }
    return l;
  };
  for (int h = 0; h < 2; ++h)
    s->add_logit_bias_backward(h, pe::HeadView{}, pos.data(), true, pe::Block{0, n, 0, n}, weights.data(), n, {});
  for (std::size_t tensor : {std::size_t{4}, std::size_t{5}}) {
    INFO("tensor " << tensor);
    const float x0 = t[tensor][0], eps = 1e-3f;
    t[tensor][0] = x0 + eps;
    const double lp = loss();
    t[tensor][0] = x0 - eps;
    const double lm = loss();
    t[tensor][0] = x0;
    CHECK(g[tensor][0] == Approx((lp - lm) / (2 * eps)).epsilon(2e-2).margin(1e-4));
    CHECK(g[tensor][0] != 0.0f);
  }
}
