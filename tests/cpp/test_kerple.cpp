// KERPLE: both kernels against the reference recipe at spread positions (with the clamps
// acting on one head), the seeded initial r1, r2, the table, the hook reading the bound
// tensors, translation invariance, and the gradient's zero outside the clamp.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "bias_testing.hpp"
#include "golden.hpp"
#include "param_testing.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/kerple.hpp"

namespace {

using bias_testing::hook_bias;

// The hook's (H, n, n) bias with r1, r2 bound by hand.
std::vector<float> bound_bias(const std::string& variant, std::vector<float> r1, std::vector<float> r2,
                              const std::vector<int>& pos) {
  auto s = pe::make_scheme("kerple", {{"variant", variant}});
  const int heads = static_cast<int>(r1.size()), n = static_cast<int>(pos.size());
  s->prepare(pe::LayerShape{n, 4 * heads, heads, false});
  std::vector<std::vector<float>> t = {r1, r2};
  param_testing::bind(*s, t);
  std::vector<float> out;
  for (int h = 0; h < heads; ++h) {
    const auto b = hook_bias(*s, h, pos, false);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

}  // namespace

TEST_CASE("kerple log and power biases match the reference recipe, clamps included") {
  const std::vector<int> pos = {0, 1, 3, 7, 12, 30};
  const auto log_bias = bound_bias("log", {1.5f, 0.25f, 0.004f}, {0.3f, 2.0f, -0.5f}, pos);
  const auto log_g = golden::load("kerple_log_bias.txt");
  REQUIRE(log_bias.size() == log_g.size());
  for (std::size_t c = 0; c < log_g.size(); ++c) CHECK(log_bias[c] == Approx(log_g[c]).epsilon(1e-6).margin(1e-6));
  const auto pow_bias = bound_bias("power", {0.8f, 1.7f, 0.002f}, {0.5f, 1.0f, 2.7f}, pos);
  const auto pow_g = golden::load("kerple_power_bias.txt");
  REQUIRE(pow_bias.size() == pow_g.size());
  for (std::size_t c = 0; c < pow_g.size(); ++c) CHECK(pow_bias[c] == Approx(pow_g[c]).epsilon(1e-6).margin(1e-6));
  // By hand: log head 0 at distance 30 - 0; power head 1 (r2 = 1) is ALiBi with slope 1.7.
  CHECK(log_bias[0 * 36 + 5] == Approx(-1.5 * std::log(1 + 0.3 * 30)).epsilon(1e-6));
  CHECK(pow_bias[36 + 5 * 6 + 2] == Approx(-1.7 * 27).epsilon(1e-6));
}

TEST_CASE("kerple initial r1, r2 follow the reference's uniform init, seeded per (tensor, head)") {
  struct Case { const char* variant; int seed; const char* file; };
  for (Case c : {Case{"log", 0, "kerple_log_init_seed0_h4.txt"}, Case{"power", 3, "kerple_power_init_seed3_h4.txt"}}) {
    INFO(c.variant);
    auto s = pe::make_scheme("kerple", {{"variant", c.variant}, {"seed", std::to_string(c.seed)}});
    const pe::LayerShape shape{5, 16, 4, false};
    auto t = param_testing::init(*s, shape, static_cast<std::uint64_t>(c.seed));
    const auto g = golden::load(c.file);
    REQUIRE(g.size() == 8);
    for (int h = 0; h < 4; ++h) {
      CHECK(t[0][h] == static_cast<float>(g[h]));
      CHECK(t[1][h] == static_cast<float>(g[4 + h]));
    }
    // The table shows the same values (clamped as the forward reads them).
    const auto v = std::string(c.variant) == "log" ? pe::KerpleVariant::log : pe::KerpleVariant::power;
    const auto tab = s->table(5, 16, 4);
    for (int h = 0; h < 4; ++h) {
      CHECK(tab.find("r1")->value(h) == pe::kerple_clamp_r1(v, t[0][h]));
      CHECK(tab.find("r2")->value(h) == pe::kerple_clamp_r2(v, t[1][h]));
    }
    // More heads extend, never reshuffle.
    auto t8 = param_testing::init(*s, pe::LayerShape{5, 16, 8, false}, static_cast<std::uint64_t>(c.seed));
    for (int h = 0; h < 4; ++h) CHECK(t8[0][h] == t[0][h]);
  }
}

TEST_CASE("kerple table: bias and profile agree with the hook on the initial tensors") {
  for (const char* variant : {"log", "power"}) {
    INFO(variant);
    auto s = pe::make_scheme("kerple", {{"variant", variant}, {"seed", "5"}});
    const int n = 9, heads = 3;
    const pe::LayerShape shape{n, 12, heads, false};
    auto tab = s->table(n, 12, heads);
    s->prepare(shape);
    s->ensure_params(shape);
    std::vector<int> pos(n), shifted(n);
    for (int i = 0; i < n; ++i) { pos[i] = i; shifted[i] = i + 777; }
    const auto& bias = tab.find("bias")->value;
    const auto& profile = tab.find("profile")->value;
    REQUIRE(profile.shape()[0] == 3);
    REQUIRE(profile.shape()[1] == 9);
    for (int h = 0; h < heads; ++h) {
      const auto a = hook_bias(*s, h, pos, false);
      CHECK(a == hook_bias(*s, h, shifted, false));  // translation-invariant
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) CHECK(a[i * n + j] == Approx(bias(h, i, j)).epsilon(1e-6).margin(1e-7));
      for (int r = 0; r < n; ++r) CHECK(profile(h, r) == bias(h, r, 0));
      CHECK(profile(h, 0) == 0.0);
      for (int r = 1; r < n; ++r) CHECK(profile(h, r) < profile(h, r - 1));  // decays with distance
    }
  }
}

TEST_CASE("kerple gradients: none for a parameter outside its clamp") {
  auto s = pe::make_scheme("kerple", {{"variant", "power"}});
  const int n = 4;
  s->prepare(pe::LayerShape{n, 8, 2, false});
  std::vector<float> r1 = {0.001f, 0.5f}, r2 = {1.0f, 2.5f}, g1(2, 0.0f), g2(2, 0.0f);
  pe::ParamViews views{{r1.data(), r2.data()}, {g1.data(), g2.data()}};
  s->bind_params(views);
  const std::vector<int> pos = {0, 1, 2, 3};
  std::vector<float> ones(n * n, 1.0f);
  for (int h = 0; h < 2; ++h)
    s->add_logit_bias_backward(h, pe::HeadView{}, pos.data(), false, pe::Block{0, n, 0, n}, ones.data(), n, {});
  CHECK(g1[0] == 0.0f);  // r1 below eps
  CHECK(g2[0] != 0.0f);
  CHECK(g1[1] != 0.0f);
  CHECK(g2[1] == 0.0f);  // exponent above 2
  // Over the 4 x 4 distances (x = 1 six times, 2 four times, 3 twice), unit logit gradients:
  // head 0 (r1 read as eps): d/dr2 of -r1 x^r2 = -0.01 sum x ln x = -0.01 (8 ln 2 + 6 ln 3);
  // head 1 (r2 read as 2):   d/dr1 = -sum x^2 = -40.
  CHECK(g2[0] == Approx(-0.01 * (8 * std::log(2.0) + 6 * std::log(3.0))).epsilon(1e-5));
  CHECK(g1[1] == Approx(-40.0).epsilon(1e-6));
}
