// Shaw relative positions: the clipped index, the key term in the logits and the value
// term against direct sums over the tables, translation invariance, seeding, refusals.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <vector>

#include "param_testing.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"
#include "pe/rng.hpp"

namespace {

std::vector<float> random_vec(std::size_t size, std::uint64_t seed) {
  pe::Rng rng(seed);
  std::vector<float> v(size);
  for (auto& x : v) x = static_cast<float>(rng.normal());
  return v;
}

int clip(int r, int k) { return std::min(std::max(r, -k), k); }

}  // namespace

TEST_CASE("shaw index is the clipped distance plus k") {
  auto t = pe::make_scheme("shaw", {{"max_relative", "2"}})->table(6, 8, 2);
  const auto& index = t.find("index")->value;
  REQUIRE(t.find("index")->integer);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) CHECK(index(i, j) == clip(j - i, 2) + 2);
  CHECK(index(0, 5) == 4);
  CHECK(index(5, 0) == 0);
  CHECK(t.find("key_table")->value.shape()[0] == 5);
  CHECK(t.find("key_table")->value.shape()[1] == 4);  // dh = 8 / 2
  CHECK(t.find("value_table")->value.shape()[1] == 4);
}

TEST_CASE("shaw logits get q_i . aK[clip(j - i)] / sqrt(dh), translation-invariant") {
  const int n = 7, d = 12, heads = 3, dh = 4, k = 2;
  auto s = pe::make_scheme("shaw", {{"max_relative", "2"}, {"seed", "5"}});
  auto t = s->table(n, d, heads);
  const auto& aK = t.find("key_table")->value;
  s->prepare(pe::LayerShape{n, d, heads, false});
  s->ensure_params(pe::LayerShape{n, d, heads, false});
  auto q = random_vec(n * dh, 11), key = random_vec(n * dh, 12);
  pe::HeadView hv{q.data(), key.data(), n, dh};
  std::vector<int> pos = {0, 1, 2, 3, 4, 5, 6}, shifted = {9, 10, 11, 12, 13, 14, 15};
  std::vector<float> a(n * n, 0.0f), b(n * n, 0.0f);
  s->add_logit_bias(1, hv, pos.data(), false, pe::Block{0, n, 0, n}, a.data(), n);
  s->add_logit_bias(1, hv, shifted.data(), false, pe::Block{0, n, 0, n}, b.data(), n);
  CHECK(a == b);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double want = 0;
      for (int c = 0; c < dh; ++c) want += q[i * dh + c] * aK(clip(j - i, k) + k, c);
      CHECK(a[i * n + j] == Approx(want / 2.0).margin(1e-5));  // sqrt(4) = 2
    }
  // Keys farther than k share the end rows: the bias differs only through q_i.
  CHECK(a[0 * n + 3] == a[0 * n + 6]);
  CHECK(a[6 * n + 0] == a[6 * n + 4]);
  CHECK(a[0 * n + 1] != a[0 * n + 2]);
}

TEST_CASE("shaw values get sum_j p_ij aV[clip(j - i)]") {
  const int n = 5, d = 6, heads = 2, dh = 3, k = 1;
  auto s = pe::make_scheme("shaw", {{"max_relative", "1"}});
  REQUIRE(s->has_value_terms());
  const auto aV = s->table(n, d, heads).find("value_table")->value;
  s->prepare(pe::LayerShape{n, d, heads, false});
  s->ensure_params(pe::LayerShape{n, d, heads, false});
  auto p = random_vec(n * n, 21);
  std::vector<int> pos = {2, 3, 4, 5, 6};
  // Rows 1..3, keys 2..4, into an accumulator that already holds something.
  std::vector<float> acc(3 * dh, 1.0f);
  s->add_value_terms(0, pos.data(), pe::Block{1, 4, 2, 5}, p.data(), n, acc.data(), dh);
  for (int i = 1; i < 4; ++i)
    for (int c = 0; c < dh; ++c) {
      double want = 1.0;
      for (int j = 2; j < 5; ++j) want += p[(i - 1) * n + (j - 2)] * aV(clip(j - i, k) + k, c);
      CHECK(acc[(i - 1) * dh + c] == Approx(want).margin(1e-5));
    }
}

TEST_CASE("shaw tables are seeded per distance: a larger k only appends rows") {
  auto small = pe::make_scheme("shaw", {{"max_relative", "2"}})->table(3, 8, 1);
  auto large = pe::make_scheme("shaw", {{"max_relative", "5"}})->table(3, 8, 1);
  auto other = pe::make_scheme("shaw", {{"max_relative", "2"}, {"seed", "1"}})->table(3, 8, 1);
  for (const char* name : {"key_table", "value_table"}) {
    const auto& a = small.find(name)->value;
    const auto& b = large.find(name)->value;
    for (int r = -2; r <= 2; ++r)
      for (int c = 0; c < 8; ++c) CHECK(a(r + 2, c) == b(r + 5, c));
    CHECK(a(0, 0) != other.find(name)->value(0, 0));
  }
  CHECK(small.find("key_table")->value(0, 0) != small.find("value_table")->value(0, 0));
  // profile: q = aK[0] against aK[clip(-r)], flat from r = k on.
  const auto& profile = small.find("profile")->value;
  const auto& aK = small.find("key_table")->value;
  double self = 0;
  for (int c = 0; c < 8; ++c) self += aK(2, c) * aK(2, c);
  CHECK(profile(0, 0) == Approx(self / std::sqrt(8.0)));
}

TEST_CASE("shaw refuses bad parameters and shapes") {
  CHECK_THROWS_WITH(pe::make_scheme("shaw", {{"max_relative", "0"}}), Catch::Contains("max_relative=0 is out of range"));
  CHECK_THROWS_WITH(pe::make_scheme("shaw", {{"seed", "-1"}}), Catch::Contains("seed=-1"));
  auto s = pe::make_scheme("shaw");
  CHECK_THROWS_WITH(s->table(4, 10, 3), Catch::Contains("not divisible by heads 3"));
  CHECK_THROWS_WITH(s->prepare(pe::LayerShape{4, 10, 4, false}), Catch::Contains("not divisible"));
}

TEST_CASE("shaw key_table and value_table tensors: the tables in float32") {
  auto s = pe::make_scheme("shaw", {{"max_relative", "3"}, {"seed", "4"}});
  const pe::LayerShape shape{5, 12, 3, false};
  const auto specs = s->param_specs(shape);
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].name == "key_table");
  CHECK(specs[1].name == "value_table");
  const auto t = param_testing::init(*s, shape, 4);
  const auto table = s->table(5, 12, 3);
  const char* names[2] = {"key_table", "value_table"};
  for (int which = 0; which < 2; ++which) {
    const auto& want = table.find(names[which])->value;
    REQUIRE(t[which].size() == 7u * 4);
    for (int r = 0; r < 7; ++r)
      for (int c = 0; c < 4; ++c) CHECK(t[which][r * 4 + c] == static_cast<float>(want(r, c)));
  }
}
