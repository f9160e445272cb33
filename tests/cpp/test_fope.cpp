// FoPE: against golden numbers (tests/golden/recipe_fope.py, which also transcribes
// pe::Rng), exactly-zero clipped frequencies, the sigma = 0 reduction to clipped RoPE,
// seeding, the profile definition, and bad parameters.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "golden.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/fope.hpp"
#include "pe/schemes/rope.hpp"

namespace {

const std::vector<int> kPos = {0, 1, 3, 7, 20, 150, 1000};  // recipe_fope.py POS
constexpr double kPi = 3.14159265358979323846;

std::vector<float> wave(int count, double phase) {
  std::vector<float> v(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) v[i] = static_cast<float>(std::sin(0.9 * i + phase) * std::cos(0.23 * i * i + phase));
  return v;
}

double dot(const std::vector<float>& q, const std::vector<float>& k, int n, int dh, int h, int i, int j) {
  double s = 0;
  for (int c = 0; c < dh; ++c)
    s += static_cast<double>(q[(static_cast<std::size_t>(h) * n + i) * dh + c]) * k[(static_cast<std::size_t>(h) * n + j) * dh + c];
  return s;
}

void encode(pe::Scheme& s, std::vector<float>& q, std::vector<float>& k, int heads, int n, int dh,
            const std::vector<int>& pos) {
  pe::LayerShape shape;
  shape.n = n;
  shape.d = dh * heads;
  shape.heads = heads;
  s.prepare(shape);
  s.encode_query_key(q.data(), k.data(), heads, n, dh, pos.data());
}

}  // namespace

TEST_CASE("fope matches the golden numbers (frequencies, coefficients, profile, rotated rows)") {
  struct Case {
    const char* name;
    pe::Settings settings;
  };
  const int heads = 2, dh = 16, pairs = 8, profile_n = 12;
  for (const Case& c : {Case{"tl64_s7", {{"train_len", "64"}, {"sigma", "0.3"}, {"seed", "7"}}},
                        Case{"tl1000_s0_sigma0", {{"train_len", "1000"}, {"sigma", "0"}, {"seed", "0"}}}}) {
    INFO("case " << c.name);
    const auto g = golden::load(std::string("fope_") + c.name + ".txt");
    const std::size_t mat = static_cast<std::size_t>(heads) * pairs * pairs;
    const std::size_t rot = static_cast<std::size_t>(heads) * kPos.size() * dh;
    REQUIRE(g.size() == pairs + 2 * mat + profile_n + rot);
    auto s = pe::make_scheme("fope", c.settings);
    const auto t = s->table(profile_n, dh, heads);
    const auto& inv = t.find("inv_freq")->value;
    const auto& cc = t.find("cos_coef")->value;
    const auto& sc = t.find("sin_coef")->value;
    const auto& prof = t.find("profile")->value;
    REQUIRE(inv.size() == pairs);
    REQUIRE(cc.shape()[0] == heads);
    REQUIRE(cc.shape()[1] == pairs);
    REQUIRE(cc.shape()[2] == pairs);
    for (int j = 0; j < pairs; ++j) {
      if (g[j] == 0.0) CHECK(inv(j) == 0.0);
      else CHECK(inv(j) == Approx(g[j]).epsilon(1e-14));
    }
    for (std::size_t i = 0; i < mat; ++i) {
      CHECK(cc.data()[i] == Approx(g[pairs + i]).margin(1e-13));
      CHECK(sc.data()[i] == Approx(g[pairs + mat + i]).margin(1e-13));
    }
    for (int r = 0; r < profile_n; ++r) CHECK(prof(0, r) == Approx(g[pairs + 2 * mat + r]).margin(1e-10));

    const auto input = golden::load("rotary_q_h2_n7_d16.txt");
    std::vector<float> q(input.begin(), input.end()), k = q;
    encode(*s, q, k, heads, static_cast<int>(kPos.size()), dh, kPos);
    const double* want = g.data() + pairs + 2 * mat + profile_n;
    for (std::size_t i = 0; i < rot; ++i) {
      CHECK(q[i] == Approx(want[i]).margin(1e-5));
      CHECK(k[i] == q[i]);
    }
  }
}

TEST_CASE("fope clips frequencies below 2 pi / train_len to exactly zero and keeps the rest") {
  for (int train_len : {16, 64, 100, 1000, 100000}) {
    INFO("train_len " << train_len);
    auto s = pe::make_scheme("fope", {{"train_len", std::to_string(train_len)}});
    const auto t = s->table(8, 32, 1);
    const auto& inv = t.find("inv_freq")->value;
    const auto plain = pe::rope_default_inv_freq(32, 10000);
    const double floor_freq = 2 * kPi / train_len;
    CHECK(t.find("floor_freq")->value() == Approx(floor_freq).epsilon(1e-15));
    int clipped = 0;
    for (int m = 0; m < 16; ++m) {
      if (plain[m] < floor_freq) {
        ++clipped;
        CHECK(inv(m) == 0.0);
        for (int p = 0; p < 8; ++p) CHECK(t.find("angles")->value(p, m) == 0.0);
      } else {
        CHECK(inv(m) == plain[m]);
      }
    }
    // 10000^(-2m/32) drops below 2 pi/L at m > 16 ln(L/(2 pi)) / ln(10000)
    const int expect = 16 - std::max(0, std::min(16, static_cast<int>(std::ceil(16 * std::log(train_len / (2 * kPi)) / std::log(10000.0)))));
    CHECK(clipped == expect);
    if (train_len <= 1000) CHECK(clipped > 0);
  }
}

TEST_CASE("fope with sigma = 0 is half-split RoPE with the clipped pairs passing through") {
  const int heads = 2, n = 6, dh = 12;
  const std::vector<int> pos = {0, 4, 9, 31, 200, 777};
  auto f = pe::make_scheme("fope", {{"sigma", "0"}, {"train_len", "100"}, {"theta", "1000"}});
  const auto t = f->table(4, dh, heads);
  const auto& cc = t.find("cos_coef")->value;
  for (int h = 0; h < heads; ++h)
    for (int m = 0; m < 6; ++m)
      for (int k = 0; k < 6; ++k) CHECK(cc(h, m, k) == (m == k ? 1.0 : 0.0));
  const auto& inv_t = t.find("inv_freq")->value;
  std::vector<double> inv(inv_t.begin(), inv_t.end());
  const auto x0 = wave(heads * n * dh, 0.5);
  auto q = x0, k = x0;
  encode(*f, q, k, heads, n, dh, pos);
  auto want = x0;
  std::vector<float> cs(6), sn(6);
  for (int h = 0; h < heads; ++h)
    for (int i = 0; i < n; ++i) {
      for (int m = 0; m < 6; ++m) {
        cs[m] = static_cast<float>(std::cos(pos[i] * inv[m]));
        sn[m] = static_cast<float>(std::sin(pos[i] * inv[m]));
      }
      pe::rope_rotate_row_ref(want.data() + (h * n + i) * dh, dh, cs.data(), sn.data(), pe::RopeLayout::half);
    }
  for (std::size_t i = 0; i < q.size(); ++i) CHECK(q[i] == Approx(want[i]).margin(1e-6));
  // a clipped pair (m = 5: 1000^(-10/12) = 0.0032 < 2 pi/100) is untouched
  for (int i = 0; i < n; ++i) {
    CHECK(q[i * dh + 5] == x0[i * dh + 5]);
    CHECK(q[i * dh + 11] == x0[i * dh + 11]);
  }
}

TEST_CASE("fope coefficients are seeded, per head, and independent of the head count") {
  auto a = pe::make_scheme("fope", {{"seed", "3"}});
  auto b = pe::make_scheme("fope", {{"seed", "4"}});
  const auto t2 = a->table(4, 16, 2), t5 = a->table(4, 16, 5), tb = b->table(4, 16, 2);
  const auto& c2 = t2.find("cos_coef")->value;
  const auto& c5 = t5.find("cos_coef")->value;
  const auto& s2 = t2.find("sin_coef")->value;
  const auto& cb = tb.find("cos_coef")->value;
  bool heads_differ = false, seeds_differ = false, cos_sin_differ = false;
  double sum = 0, sum2 = 0;
  int count = 0;
  for (int h = 0; h < 2; ++h)
    for (int m = 0; m < 8; ++m)
      for (int k = 0; k < 8; ++k) {
        CHECK(c2(h, m, k) == c5(h, m, k));
        heads_differ = heads_differ || c2(0, m, k) != c2(1, m, k);
        seeds_differ = seeds_differ || c2(h, m, k) != cb(h, m, k);
        cos_sin_differ = cos_sin_differ || c2(h, m, k) != s2(h, m, k);
        const double noise = c5(h, m, k) - (m == k ? 1.0 : 0.0);
        sum += noise;
        sum2 += noise * noise;
        ++count;
      }
  CHECK(heads_differ);
  CHECK(seeds_differ);
  CHECK(cos_sin_differ);
  // The noise has roughly the requested spread (sigma 0.3 over 128 draws).
  const double sd = std::sqrt(sum2 / count - (sum / count) * (sum / count));
  CHECK(sd > 0.2);
  CHECK(sd < 0.4);
}

TEST_CASE("fope profile is head 0's all-ones score between a query at r and a key at 0") {
  const int n = 15, dh = 8, heads = 3;
  auto s = pe::make_scheme("fope", {{"train_len", "40"}, {"seed", "11"}});
  const auto t = s->table(n, dh, heads);
  const auto& prof = t.find("profile")->value;
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[i] = i;
  std::vector<float> q(static_cast<std::size_t>(heads) * n * dh, 1.0f), k = q;
  encode(*s, q, k, heads, n, dh, pos);
  for (int r = 0; r < n; ++r) CHECK(prof(0, r) == Approx(dot(q, k, n, dh, 0, r, 0)).margin(1e-4));
  // With noise the score is no longer a function of the distance alone.
  CHECK(std::fabs(dot(q, k, n, dh, 0, 5, 0) - dot(q, k, n, dh, 0, 10, 5)) > 1e-4);
}

TEST_CASE("fope rejects bad parameters and oversized work") {
  CHECK_THROWS_WITH(pe::make_scheme("fope", {{"train_len", "0"}}), Catch::Contains("train_len"));
  CHECK_THROWS_WITH(pe::make_scheme("fope", {{"sigma", "-1"}}), Catch::Contains("sigma"));
  CHECK_THROWS_WITH(pe::make_scheme("fope", {{"seed", "1.5"}}), Catch::Contains("seed"));
  CHECK_THROWS_WITH(pe::make_scheme("fope", {{"theta", "0"}}), Catch::Contains("theta"));
  CHECK_THROWS_WITH(pe::make_scheme("fope")->table(4, 9, 1), Catch::Contains("must be even"));
  CHECK_THROWS_WITH(pe::make_scheme("fope")->table(2048, 4096, 64), Catch::Contains("multiply-adds"));
  pe::LayerShape shape;
  shape.n = 4096;
  shape.d = 4096;
  shape.heads = 1;
  CHECK_THROWS_WITH(pe::make_scheme("fope")->prepare(shape), Catch::Contains("multiply-adds"));
}
