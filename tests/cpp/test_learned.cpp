// Learned (GPT-2 wpe): the seeded table against the generator rewritten in the recipe,
// its N(0, 0.02) statistics, encode_input against the table, refusals past max_len.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "golden.hpp"
#include "param_testing.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"

TEST_CASE("learned table matches the recipe's generator") {
  auto g = golden::load("learned_n6_d5_seed0.txt");
  auto pe = pe::make_scheme("learned")->table(6, 5, 1).find("pe")->value;
  REQUIRE(pe.size() == g.size());
  for (std::size_t c = 0; c < g.size(); ++c) CHECK(pe.data()[c] == Approx(g[c]).epsilon(1e-12));
  auto g7 = golden::load("learned_n4_d8_seed7_std1.txt");
  auto pe7 = pe::make_scheme("learned", {{"seed", "7"}, {"std", "1"}})->table(4, 8, 1).find("pe")->value;
  for (std::size_t c = 0; c < g7.size(); ++c) CHECK(pe7.data()[c] == Approx(g7[c]).epsilon(1e-12));
}

TEST_CASE("learned table is N(0, 0.02), rows independent of max_len, prefix-stable in d") {
  auto t = pe::make_scheme("learned")->table(256, 64, 1);
  const auto& pe = t.find("pe")->value;
  double sum = 0, sq = 0;
  for (double v : pe) { sum += v; sq += v * v; }
  const double mean = sum / pe.size(), sd = std::sqrt(sq / pe.size() - mean * mean);
  CHECK(std::abs(mean) < 0.001);
  CHECK(sd == Approx(0.02).epsilon(0.03));
  auto other = pe::make_scheme("learned", {{"max_len", "300"}})->table(256, 32, 1).find("pe")->value;
  for (int p = 0; p < 256; p += 17)
    for (int c = 0; c < 32; ++c) CHECK(other(p, c) == pe(p, c));
  auto reseeded = pe::make_scheme("learned", {{"seed", "1"}})->table(2, 4, 1).find("pe")->value;
  CHECK(reseeded(0, 0) != pe(0, 0));
  const auto& profile = t.find("profile")->value;
  double self = 0;
  for (int c = 0; c < 64; ++c) self += pe(0, c) * pe(0, c);
  CHECK(profile(0, 0) == Approx(self));
  CHECK(profile(0, 0) > 10 * std::abs(profile(0, 100)));  // unrelated rows are nearly orthogonal
}

TEST_CASE("learned encode_input adds the rows of the positions given") {
  auto s = pe::make_scheme("learned", {{"max_len", "50"}});
  auto pe = s->table(50, 4, 1).find("pe")->value;
  s->prepare(pe::LayerShape{3, 4, 1, false});
  s->ensure_params(pe::LayerShape{3, 4, 1, false});
  std::vector<float> x(3 * 4, 1.0f);
  const std::vector<int> pos = {7, 0, 49};
  s->encode_input(x.data(), 3, 4, pos.data());
  for (int i = 0; i < 3; ++i)
    for (int c = 0; c < 4; ++c) CHECK(x[i * 4 + c] == Approx(1.0 + pe(pos[i], c)).epsilon(1e-6));
}

TEST_CASE("learned refuses positions past max_len, never wraps") {
  auto s = pe::make_scheme("learned", {{"max_len", "8"}});
  CHECK_NOTHROW(s->table(8, 4, 1));
  CHECK_THROWS_WITH(s->table(9, 4, 1), Catch::Contains("position 8 has no row") && Catch::Contains("max_len=8"));
  std::vector<float> x(2 * 4, 0.0f), before = x;
  const std::vector<int> pos = {3, 8};
  CHECK_THROWS_WITH(s->encode_input(x.data(), 2, 4, pos.data()), Catch::Contains("max_len=8"));
  CHECK(x == before);  // nothing written before the refusal
  const std::vector<int> negative = {-1, 0};
  CHECK_THROWS_AS(s->encode_input(x.data(), 2, 4, negative.data()), pe::Error);
  CHECK_THROWS_WITH(pe::make_scheme("learned", {{"max_len", "0"}}), Catch::Contains("max_len=0 is out of range"));
  CHECK_THROWS_WITH(pe::make_scheme("learned", {{"std", "0"}}), Catch::Contains("std=0 is out of range"));
  CHECK_THROWS_WITH(pe::make_scheme("learned", {{"seed", "x"}}), Catch::Contains("seed='x' is not a number"));
}

TEST_CASE("learned wpe tensor: the table's rows in float32; encode_input reads the bound tensor") {
  auto s = pe::make_scheme("learned", {{"max_len", "12"}, {"seed", "3"}});
  const pe::LayerShape shape{4, 5, 1, false};
  REQUIRE(s->param_specs(shape).size() == 1);
  CHECK(s->param_specs(shape)[0].name == "wpe");
  auto t = param_testing::init(*s, shape, 3);
  REQUIRE(t[0].size() == 12u * 5);
  const auto pe = s->table(12, 5, 1).find("pe")->value;
  for (int p = 0; p < 12; ++p)
    for (int c = 0; c < 5; ++c) CHECK(t[0][p * 5 + c] == static_cast<float>(pe(p, c)));
  t[0][7 * 5 + 2] = 100.0f;  // as if trained
  s->prepare(shape);
  param_testing::bind(*s, t);
  std::vector<float> x(4 * 5, 0.0f);
  const std::vector<int> pos = {7, 0, 11, 7};
  s->encode_input(x.data(), 4, 5, pos.data());
  CHECK(x[0 * 5 + 2] == 100.0f);
  CHECK(x[3 * 5 + 2] == 100.0f);
  CHECK(x[2 * 5 + 4] == t[0][11 * 5 + 4]);
  // Without storage the hook refuses instead of reading nothing.
  auto unbound = pe::make_scheme("learned");
  unbound->prepare(shape);
  CHECK_THROWS_WITH(unbound->encode_input(x.data(), 4, 5, pos.data()), Catch::Contains("not bound"));
  CHECK_THROWS_WITH(pe::make_scheme("learned", {{"max_len", "65536"}})->prepare(pe::LayerShape{4, 512, 1, false}),
                    Catch::Contains("lower max_len"));
}
