// FoPE: against golden numbers (tests/golden/recipe_fope.py, with pe::Rng transcribed
// in pe_rng.py) for the fork's default configuration and the eye_norm / zeros-kept one,
// the defaults, ignore_zero's dropping and padding, exactly-zero clipped frequencies,
// the sigma = 0 reduction to clipped RoPE, seeding and the xavier scale, the profile
// definition, and bad parameters.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "golden.hpp"
#include "pe/error.hpp"
#include "pe/kernels.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/fope.hpp"
#include "pe/schemes/rope.hpp"
#include "rotary_testing.hpp"

namespace {

const std::vector<int> kPos = {0, 1, 3, 7, 20, 150, 1000};  // recipe_fope.py POS
constexpr double kPi = 3.14159265358979323846;

using rotary_testing::dot;
using rotary_testing::encode;

// Deterministic test vectors: (count) values in [-1, 1].
std::vector<float> wave(int count, double phase) { return rotary_testing::wave(count, phase, 0.9, 0.23); }

}  // namespace

TEST_CASE("fope matches the golden numbers (frequencies, coefficients, profile, rotated rows)") {
  struct Case {
    const char* name;
    int in, out;  // coefficient matrix shape
    pe::Settings settings;
  };
  const int heads = 2, dh = 16, pairs = 8, profile_n = 12;
  const std::vector<Case> cases = {
      // the eye_norm, zeros-kept reading (square dh/2 matrices)
      {"tl64_s7", 8, 8,
       {{"train_len", "64"}, {"init", "eye_norm"}, {"ignore_zero", "false"}, {"sigma", "0.3"}, {"seed", "7"}}},
      {"tl1000_s0_sigma0", 8, 8,
       {{"train_len", "1000"}, {"init", "eye_norm"}, {"ignore_zero", "false"}, {"sigma", "0"}, {"seed", "0"}}},
      // the fork's defaults: eye_xavier_norm, gain 0.3, ignore_zero
      {"default_tl64_s7", 3, 3, {{"train_len", "64"}, {"seed", "7"}}},
      {"default_tl1000_s5", 5, 4, {{"train_len", "1000"}, {"seed", "5"}}},
      {"eyenorm_ignore_tl1000_s2", 5, 4, {{"train_len", "1000"}, {"init", "eye_norm"}, {"seed", "2"}}},
      {"xavier_keepzero_tl64_s3", 8, 8, {{"train_len", "64"}, {"ignore_zero", "false"}, {"sigma", "0.5"}, {"seed", "3"}}},
  };
  for (const Case& c : cases) {
    INFO("case " << c.name);
    const auto g = golden::load(std::string("fope_") + c.name + ".txt");
    const std::size_t mat = static_cast<std::size_t>(heads) * c.in * c.out;
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
    REQUIRE(cc.shape()[1] == static_cast<std::size_t>(c.in));
    REQUIRE(cc.shape()[2] == static_cast<std::size_t>(c.out));
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

TEST_CASE("fope defaults are the fork's: eye_xavier_norm, gain 0.3, ignore_zero") {
  const auto& info = pe::FopeScheme::static_info();
  std::map<std::string, std::string> def;
  for (const auto& p : info.params) def[p.key] = p.def;
  CHECK(def["init"] == "eye_xavier_norm");
  CHECK(def["sigma"] == "0.3");
  CHECK(def["ignore_zero"] == "true");
  // dh 64, train_len 512 (defaults), 8 heads: 16 nonzero frequencies, out = min(16, 64/4) = 16,
  // xavier std = 0.3 sqrt(2 / (fan_in + fan_out)), fan_in = 16*16, fan_out = 8*16.
  const auto t = pe::make_scheme("fope")->table(4, 64, 8);
  const auto& cc = t.find("cos_coef")->value;
  CHECK(cc.shape()[1] == 16);
  CHECK(cc.shape()[2] == 16);
  CHECK(t.find("noise_std")->value() == Approx(0.3 * std::sqrt(2.0 / (16 * 16 + 8 * 16))).epsilon(1e-15));
  CHECK(pe::make_scheme("fope", {{"init", "eye_norm"}})->table(4, 64, 8).find("noise_std")->value() == 0.3);
}

TEST_CASE("fope ignore_zero drops zero frequencies, mixes min(#nonzero, dh/4) pairs and pads the rest with 1") {
  const int heads = 1, n = 5, dh = 16, pairs = 8;
  const std::vector<int> pos = {0, 2, 9, 40, 333};
  // train_len 1000: w_0..w_4 nonzero (in = 5), out = min(5, 4) = 4, step eye ceil(5/4) = 2.
  auto f = pe::make_scheme("fope", {{"train_len", "1000"}, {"sigma", "0"}});
  const auto t = f->table(4, dh, heads);
  const auto& cc = t.find("cos_coef")->value;
  REQUIRE(cc.shape()[1] == 5);
  REQUIRE(cc.shape()[2] == 4);
  for (int m = 0; m < 5; ++m)
    for (int k = 0; k < 4; ++k) CHECK(cc(0, m, k) == (m == 2 * k ? 1.0 : 0.0));
  const auto& inv = t.find("inv_freq")->value;
  const auto x0 = wave(heads * n * dh, 0.2);
  auto q = x0, k = x0;
  encode(*f, q, k, heads, n, dh, pos);
  for (int i = 0; i < n; ++i) {
    const float* x = x0.data() + i * dh;
    const float* y = q.data() + i * dh;
    // mixed pairs with sigma 0: output k is a rotation by the kept frequency 2k
    for (int kk = 0; kk < 3; ++kk) {
      const double a = pos[i] * inv(2 * kk);
      CHECK(y[kk] == Approx(x[kk] * std::cos(a) - x[kk + pairs] * std::sin(a)).margin(1e-6));
      CHECK(y[kk + pairs] == Approx(x[kk + pairs] * std::cos(a) + x[kk] * std::sin(a)).margin(1e-6));
    }
    // output 3 would read kept row 6, which does not exist: an all-zero column, Fc = Fs = 0
    CHECK(y[3] == 0.0f);
    CHECK(y[3 + pairs] == 0.0f);
    // padded pairs 4..7: Fc = Fs = 1, so (x_a, x_b) -> (x_a - x_b, x_a + x_b), at every position
    for (int kk = 4; kk < pairs; ++kk) {
      CHECK(y[kk] == x[kk] - x[kk + pairs]);
      CHECK(y[kk + pairs] == x[kk + pairs] + x[kk]);
    }
  }
  // ignore_zero = false keeps the clipped pairs as (cos 1, sin 0) inputs: they pass through
  auto keep = pe::make_scheme("fope", {{"train_len", "1000"}, {"sigma", "0"}, {"ignore_zero", "false"}});
  CHECK(keep->table(4, dh, heads).find("cos_coef")->value.shape()[1] == pairs);
  q = x0;
  k = x0;
  encode(*keep, q, k, heads, n, dh, pos);
  for (int i = 0; i < n; ++i)
    for (int kk = 5; kk < pairs; ++kk) CHECK(q[i * dh + kk] == x0[i * dh + kk]);
  // train_len below 2 pi clips every frequency: nothing is mixed, every pair is padded
  auto none = pe::make_scheme("fope", {{"train_len", "6"}});
  const auto tn = none->table(3, dh, 2);
  CHECK(tn.find("cos_coef")->value.size() == 0);
  CHECK(tn.find("noise_std")->value() == 0.0);
  q = x0;
  encode(*none, q, k, heads, n, dh, pos);
  for (int i = 0; i < n; ++i)
    for (int kk = 0; kk < pairs; ++kk) CHECK(q[i * dh + kk] == x0[i * dh + kk] - x0[i * dh + kk + pairs]);
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

TEST_CASE("fope with eye_norm, ignore_zero = false, sigma = 0 is half-split RoPE with the clipped pairs passing through") {
  const int heads = 2, n = 6, dh = 12;
  const std::vector<int> pos = {0, 4, 9, 31, 200, 777};
  auto f = pe::make_scheme(
      "fope", {{"sigma", "0"}, {"train_len", "100"}, {"theta", "1000"}, {"init", "eye_norm"}, {"ignore_zero", "false"}});
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
      pe::rows_rotate_half_ref(want.data() + (h * n + i) * dh, dh, 1, dh / 2, cs.data(), sn.data(), dh / 2);
    }
  for (std::size_t i = 0; i < q.size(); ++i) CHECK(q[i] == Approx(want[i]).margin(1e-6));
  // a clipped pair (m = 5: 1000^(-10/12) = 0.0032 < 2 pi/100) is untouched
  for (int i = 0; i < n; ++i) {
    CHECK(q[i * dh + 5] == x0[i * dh + 5]);
    CHECK(q[i * dh + 11] == x0[i * dh + 11]);
  }
}

TEST_CASE("fope coefficients are seeded, per head, and their draws independent of the head count") {
  // eye_norm, zeros kept: square matrices, identity + N(0, 0.3^2), exactly independent of heads.
  const pe::Settings eye = {{"init", "eye_norm"}, {"ignore_zero", "false"}};
  auto with_seed = [&](const char* seed) {
    auto s = eye;
    s["seed"] = seed;
    return pe::make_scheme("fope", s);
  };
  auto a = with_seed("3");
  auto b = with_seed("4");
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

  // eye_xavier_norm: the same draws, scaled by std = sigma sqrt(2/(out (in + heads))), which
  // depends on the head count as torch's xavier_normal_ of the (heads, in, out) tensor does.
  auto x = pe::make_scheme("fope", {{"ignore_zero", "false"}, {"seed", "3"}});
  const auto x2 = x->table(4, 16, 2), x5 = x->table(4, 16, 5);
  const double std2 = x2.find("noise_std")->value(), std5 = x5.find("noise_std")->value();
  CHECK(std2 == Approx(0.3 * std::sqrt(2.0 / (8 * (8 + 2)))).epsilon(1e-15));
  CHECK(std5 == Approx(0.3 * std::sqrt(2.0 / (8 * (8 + 5)))).epsilon(1e-15));
  const auto& xc2 = x2.find("cos_coef")->value;
  const auto& xc5 = x5.find("cos_coef")->value;
  for (int h = 0; h < 2; ++h)
    for (int m = 0; m < 8; ++m)
      for (int k = 0; k < 8; ++k) {
        const double eye_mk = m == k ? 1.0 : 0.0;
        CHECK((xc2(h, m, k) - eye_mk) / std2 == Approx((c2(h, m, k) - eye_mk) / 0.3).margin(1e-12));
        CHECK((xc5(h, m, k) - eye_mk) / std5 == Approx((c2(h, m, k) - eye_mk) / 0.3).margin(1e-12));
      }
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
  CHECK_THROWS_WITH(pe::make_scheme("fope", {{"init", "xavier_norm"}}), Catch::Contains("init"));
  CHECK_THROWS_WITH(pe::make_scheme("fope", {{"ignore_zero", "maybe"}}), Catch::Contains("ignore_zero"));
  CHECK_THROWS_WITH(pe::make_scheme("fope", {{"theta", "0"}}), Catch::Contains("theta"));
  CHECK_THROWS_WITH(pe::make_scheme("fope")->table(4, 9, 1), Catch::Contains("must be even"));
  CHECK_THROWS_WITH(pe::make_scheme("fope")->table(2048, 4096, 64), Catch::Contains("multiply-adds"));
  pe::LayerShape shape;
  shape.n = 4096;
  shape.d = 4096;
  shape.heads = 1;
  CHECK_THROWS_WITH(pe::make_scheme("fope")->prepare(shape), Catch::Contains("multiply-adds"));
}
