// ALiBi: get_slopes for every head count 1..32 against the reference recipe (powers of
// two and not), the bias in both directions, the hook against the table, translation
// invariance, and the refusals.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "bias_testing.hpp"
#include "golden.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/alibi.hpp"

namespace {

using bias_testing::hook_bias;

}  // namespace

TEST_CASE("alibi slopes match get_slopes for H = 1..32") {
  auto g = golden::load("alibi_slopes_h1_to_32.txt");
  std::size_t at = 0;
  for (int h = 1; h <= 32; ++h) {
    auto m = pe::alibi_slopes(h);
    REQUIRE(m.size() == static_cast<std::size_t>(h));
    for (int k = 0; k < h; ++k) CHECK(m[k] == Approx(g.at(at++)).epsilon(1e-15));
  }
  CHECK(at == g.size());
}

TEST_CASE("alibi slopes for H = 8, 6 and 12 are the published lists") {
  auto m8 = pe::alibi_slopes(8);
  for (int h = 0; h < 8; ++h) CHECK(m8[h] == std::ldexp(1.0, -(h + 1)));  // 1/2 ... 1/256, exact
  // Non-powers of two: the slopes of P, then every other slope of 2P; not monotonic.
  const std::vector<double> m6 = {0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125};
  CHECK(pe::alibi_slopes(6) == m6);
  auto m12 = pe::alibi_slopes(12);
  for (int h = 0; h < 8; ++h) CHECK(m12[h] == std::ldexp(1.0, -(h + 1)));
  for (int h = 0; h < 4; ++h) CHECK(m12[8 + h] == Approx(std::pow(2.0, -0.5 - h)).epsilon(1e-15));
  CHECK(pe::alibi_slopes(1) == std::vector<double>{1.0 / 256});
  CHECK_THROWS_AS(pe::alibi_slopes(0), pe::Error);
}

TEST_CASE("alibi table: bidirectional bias against the recipe, causal leaves the future undefined") {
  auto bi = pe::make_scheme("alibi", {{"causal", "false"}})->table(7, 12, 6);
  auto g = golden::load("alibi_bias_h6_n7.txt");
  const auto& bias = bi.find("bias")->value;
  REQUIRE(bias.size() == g.size());
  for (std::size_t c = 0; c < g.size(); ++c) CHECK(bias.data()[c] == Approx(g[c]).margin(1e-15));
  CHECK(bi.find("slopes")->value(4) == 0.5);

  auto ca = pe::make_scheme("alibi", {{"causal", "true"}})->table(7, 12, 6);
  const auto& cb = ca.find("bias")->value;
  for (int h = 0; h < 6; ++h)
    for (int i = 0; i < 7; ++i)
      for (int j = 0; j < 7; ++j) {
        if (j > i) CHECK(std::isnan(cb(h, i, j)));
        else CHECK(cb(h, i, j) == bias(h, i, j));
      }
  const auto& profile = ca.find("profile")->value;
  REQUIRE(profile.shape()[0] == 6);
  REQUIRE(profile.shape()[1] == 7);
  for (int h = 0; h < 6; ++h)
    for (int r = 0; r < 7; ++r) CHECK(profile(h, r) == Approx(-pe::alibi_slopes(6)[h] * r));
}

TEST_CASE("alibi hook adds -m|pos_j - pos_i| and is translation-invariant") {
  auto s = pe::make_scheme("alibi");
  s->prepare(pe::LayerShape{5, 12, 3, false});
  const auto m = pe::alibi_slopes(3);  // 1/16, 1/256, 1/4
  const std::vector<int> pos = {0, 1, 2, 3, 4}, shifted = {40, 41, 42, 43, 44};
  for (int h = 0; h < 3; ++h) {
    auto a = hook_bias(*s, h, pos, false), b = hook_bias(*s, h, shifted, false);
    CHECK(a == b);
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j) CHECK(a[i * 5 + j] == Approx(-m[h] * std::abs(i - j)));
  }
  // Gaps in the positions are distances too.
  auto g = hook_bias(*s, 2, {0, 5, 6, 20, 21}, false);
  CHECK(g[0 * 5 + 3] == Approx(-0.25 * 20));
  CHECK(g[4 * 5 + 1] == Approx(-0.25 * 16));
}

TEST_CASE("alibi hook fills a sub-block like the full matrix and leaves masked entries alone") {
  auto s = pe::make_scheme("alibi", {{"causal", "true"}});
  s->prepare(pe::LayerShape{6, 8, 2, true});
  const std::vector<int> pos = {3, 4, 5, 6, 7, 8};
  auto full = hook_bias(*s, 1, pos, true);
  for (int i = 0; i < 6; ++i)
    for (int j = i + 1; j < 6; ++j) CHECK(full[i * 6 + j] == 0.0f);
  CHECK(full[5 * 6 + 0] == Approx(-5 * pe::alibi_slopes(2)[1]));
  std::vector<float> block(2 * 3, 0.0f);  // rows 3..4, keys 1..3
  s->add_logit_bias(1, pe::HeadView{}, pos.data(), true, pe::Block{3, 5, 1, 4}, block.data(), 3);
  for (int i = 3; i < 5; ++i)
    for (int j = 1; j < 4; ++j) CHECK(block[(i - 3) * 3 + (j - 1)] == full[i * 6 + j]);
}

TEST_CASE("alibi refuses bad input with one clear message") {
  CHECK_THROWS_WITH(pe::make_scheme("alibi", {{"causal", "maybe"}}), Catch::Contains("causal='maybe'"));
  auto causal = pe::make_scheme("alibi", {{"causal", "true"}});
  CHECK_THROWS_WITH(causal->prepare(pe::LayerShape{4, 8, 2, false}), Catch::Contains("causal=true"));
  CHECK_NOTHROW(causal->prepare(pe::LayerShape{4, 8, 2, true}));
  auto s = pe::make_scheme("alibi");
  CHECK_THROWS_WITH(s->table(4096, 8, 8), Catch::Contains("too large"));
  CHECK_THROWS_AS(s->table(4, 8, 0), pe::Error);
}
