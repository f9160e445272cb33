// T5 bias: _relative_position_bucket against the reference recipe at several parameter
// points, hand-checked bucket boundaries at and past max_distance in both directions,
// the bias table and hook, translation invariance, the unscaled logits, bad parameters.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "bias_testing.hpp"
#include "golden.hpp"
#include "param_testing.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/t5.hpp"

namespace {

using bias_testing::hook_bias;

}  // namespace

TEST_CASE("t5 buckets match the reference recipe for r = -300..300") {
  struct Config { int nb, md; bool bidir; };
  for (Config c : {Config{32, 128, true}, Config{32, 128, false}, Config{16, 20, true}, Config{10, 37, false},
                   Config{7, 50, true}, Config{2, 3, false}}) {
    const std::string name = "t5_buckets_nb" + std::to_string(c.nb) + "_md" + std::to_string(c.md) + "_" +
                             (c.bidir ? "bidir" : "causal") + ".txt";
    INFO(name);
    auto g = golden::load(name);
    REQUIRE(g.size() == 601);
    for (int r = -300; r <= 300; ++r) {
      INFO("r = " << r);
      CHECK(pe::t5_bucket(r, c.bidir, c.nb, c.md) == static_cast<int>(g[r + 300]));
    }
  }
}

TEST_CASE("t5 buckets at the boundaries, by hand from the formula") {
  // Bidirectional defaults: nb = 16, max_exact = 8, bucket 8 + int(2 log2(n / 8)) up to 15.
  auto bi = [](int r) { return pe::t5_bucket(r, true, 32, 128); };
  CHECK(bi(0) == 0);
  CHECK(bi(-7) == 7);    // last exact bucket
  CHECK(bi(-8) == 8);    // first log bucket
  CHECK(bi(-15) == 9);
  CHECK(bi(-16) == 10);  // 2 log2(2) = 2 exactly: float32 must not round it down
  CHECK(bi(-32) == 12);
  CHECK(bi(-64) == 14);
  CHECK(bi(-90) == 14);  // 2 log2(90/8) = 6.98
  CHECK(bi(-91) == 15);  // 7.01: the last bucket starts before max_distance
  CHECK(bi(-127) == 15);
  CHECK(bi(-128) == 15);  // at max_distance: capped
  CHECK(bi(-5000) == 15);  // far past it
  CHECK(bi(1) == 17);      // keys after the query: offset 16
  CHECK(bi(8) == 24);
  CHECK(bi(91) == 31);
  CHECK(bi(128) == 31);
  // Causal: everything after the query is bucket 0; nb = 32, max_exact = 16.
  auto ca = [](int r) { return pe::t5_bucket(r, false, 32, 128); };
  CHECK(ca(5) == 0);
  CHECK(ca(0) == 0);
  CHECK(ca(-15) == 15);
  CHECK(ca(-16) == 16);
  CHECK(ca(-112) == 30);  // 16 + int(16 log(7) / log(8)) = 30
  CHECK(ca(-113) == 31);
  CHECK(ca(-128) == 31);
  CHECK(ca(-129) == 31);
}

TEST_CASE("t5 table: buckets, bias from the per-(bucket, head) table, profile") {
  auto s = pe::make_scheme("t5", {{"num_buckets", "8"}, {"max_distance", "6"}});
  auto t = s->table(9, 8, 3);
  const auto& buckets = t.find("buckets")->value;
  const auto& values = t.find("relative_attention_bias")->value;
  const auto& bias = t.find("bias")->value;
  const auto& profile = t.find("profile")->value;
  REQUIRE(t.find("buckets")->integer);
  REQUIRE(values.shape()[0] == 8);
  REQUIRE(values.shape()[1] == 3);
  for (int i = 0; i < 9; ++i)
    for (int j = 0; j < 9; ++j) {
      const int b = pe::t5_bucket(j - i, true, 8, 6);
      CHECK(buckets(i, j) == b);
      for (int h = 0; h < 3; ++h) CHECK(bias(h, i, j) == values(b, h));
    }
  for (int h = 0; h < 3; ++h)
    for (int r = 0; r < 9; ++r) CHECK(profile(h, r) == values(pe::t5_bucket(-r, true, 8, 6), h));
  // Different heads and buckets get different values.
  CHECK(values(0, 0) != values(0, 1));
  CHECK(values(1, 0) != values(2, 0));
}

TEST_CASE("t5 bias table is seeded per (bucket, head), about N(0, 1)") {
  auto a = pe::make_scheme("t5", {{"seed", "3"}})->table(2, 64, 64).find("relative_attention_bias")->value;
  auto b = pe::make_scheme("t5", {{"seed", "3"}})->table(2, 64, 4).find("relative_attention_bias")->value;
  auto c = pe::make_scheme("t5", {{"seed", "4"}})->table(2, 64, 4).find("relative_attention_bias")->value;
  for (int k = 0; k < 32; ++k)
    for (int h = 0; h < 4; ++h) CHECK(a(k, h) == b(k, h));  // more heads extend, never reshuffle
  CHECK(b(0, 0) != c(0, 0));
  double sum = 0, sq = 0;
  for (double v : a) { sum += v; sq += v * v; }
  const double mean = sum / a.size(), sd = std::sqrt(sq / a.size() - mean * mean);
  CHECK(std::abs(mean) < 0.1);
  CHECK(sd == Approx(1.0).margin(0.1));
}

TEST_CASE("t5 hook matches the table, is translation-invariant, and does not scale logits") {
  auto s = pe::make_scheme("t5", {{"num_buckets", "12"}, {"max_distance", "9"}, {"bidirectional", "false"}});
  CHECK(s->logit_scale(64) == 1.0f);
  const int n = 12;
  auto t = s->table(n, 8, 2);
  s->prepare(pe::LayerShape{n, 8, 2, false});
  s->ensure_params(pe::LayerShape{n, 8, 2, false});
  std::vector<int> pos(n), shifted(n);
  for (int i = 0; i < n; ++i) { pos[i] = i; shifted[i] = i + 1000; }
  for (int h = 0; h < 2; ++h) {
    auto a = hook_bias(*s, h, pos, false);
    CHECK(a == hook_bias(*s, h, shifted, false));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) CHECK(a[i * n + j] == static_cast<float>(t.find("bias")->value(h, i, j)));
  }
  auto masked = hook_bias(*s, 1, pos, true);
  CHECK(masked[0 * n + 5] == 0.0f);  // j > i under the mask: untouched
}

TEST_CASE("t5 refuses parameters that cannot form buckets, naming the key") {
  CHECK_THROWS_WITH(pe::make_scheme("t5", {{"num_buckets", "3"}}), Catch::Contains("num_buckets=3"));
  CHECK_NOTHROW(pe::make_scheme("t5", {{"num_buckets", "3"}, {"bidirectional", "false"}, {"max_distance", "4"}}));
  CHECK_THROWS_WITH(pe::make_scheme("t5", {{"max_distance", "8"}}), Catch::Contains("max_distance=8"));
  CHECK_THROWS_WITH(pe::make_scheme("t5", {{"num_buckets", "1"}}), Catch::Contains("num_buckets=1 is out of range"));
  CHECK_THROWS_WITH(pe::make_scheme("t5", {{"max_distance", "1.5"}}), Catch::Contains("max_distance=1.5"));
  CHECK_THROWS_WITH(pe::make_scheme("t5", {{"buckets", "8"}}), Catch::Contains("unknown parameter 'buckets'"));
  CHECK_THROWS_WITH(pe::make_scheme("t5")->table(3000, 8, 2), Catch::Contains("too large"));
}

TEST_CASE("t5 rel_bias tensor: the table's values in float32; the hook reads the bound tensor") {
  auto s = pe::make_scheme("t5", {{"num_buckets", "8"}, {"max_distance", "6"}, {"seed", "2"}});
  const pe::LayerShape shape{4, 8, 2, false};
  REQUIRE(s->param_specs(shape).size() == 1);
  CHECK(s->param_specs(shape)[0].name == "rel_bias");
  auto t = param_testing::init(*s, shape, 2);
  REQUIRE(t[0].size() == 8u * 2);
  const auto values = s->table(4, 8, 2).find("relative_attention_bias")->value;
  for (int b = 0; b < 8; ++b)
    for (int h = 0; h < 2; ++h) CHECK(t[0][b * 2 + h] == static_cast<float>(values(b, h)));
  for (std::size_t c = 0; c < t[0].size(); ++c) t[0][c] = static_cast<float>(c);  // as if trained
  s->prepare(shape);
  param_testing::bind(*s, t);
  // Distances past the prepared n - 1 = 3 are bucketed on the fly, the same way.
  const std::vector<int> spread = {0, 10, 50, 200};
  for (int h = 0; h < 2; ++h) {
    const auto a = hook_bias(*s, h, spread, false);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j)
        CHECK(a[i * 4 + j] == static_cast<float>(pe::t5_bucket(spread[j] - spread[i], true, 8, 6) * 2 + h));
  }
}
