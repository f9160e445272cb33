// RoPE: every scaling against golden numbers from tests/golden/recipe_rope.py (an
// independent numpy transcription of HF modeling_rope_utils.py), yarn's ramp edges,
// llama3's three bands, longrope's short/long switch, and the properties: relative
// logits, norm preservation, layout equivalence, pass-through dims; bad parameters.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "golden.hpp"
#include "pe/error.hpp"
#include "pe/kernels.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/rope.hpp"
#include "rotary_testing.hpp"

namespace {

const std::vector<int> kPos = {0, 1, 3, 7, 20, 150, 1000};  // recipe_rope.py POS
constexpr int kHeads = 2, kProfileN = 12;
constexpr double kPi = 3.14159265358979323846;

std::vector<float> to_float(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

using rotary_testing::dot;
using rotary_testing::encode;

// Deterministic test vectors: (count) values in [-1, 1].
std::vector<float> wave(int count, double phase) { return rotary_testing::wave(count, phase, 1.7, 0.31); }

struct GoldenCase {
  const char* name;
  int dh;
  pe::Settings settings;
};

// Mirrors recipe_rope.py CASES.
const std::vector<GoldenCase>& golden_cases() {
  static const std::vector<GoldenCase> cases = {
      {"none_half", 16, {}},
      {"prope_half", 16, {{"p", "0.25"}}},
      {"prope_yarn", 64, {{"scaling", "yarn"}, {"factor", "8"}, {"original_max", "2048"}, {"p", "0.75"},
                          {"layout", "interleaved"}}},
      {"yarn_mscale", 64, {{"scaling", "yarn"}, {"factor", "40"}, {"original_max", "4096"}, {"mscale", "1"},
                           {"mscale_all_dim", "0.707"}}},
      {"none_interleaved", 16, {{"layout", "interleaved"}}},
      {"partial_half", 16, {{"partial", "0.5"}, {"theta", "500"}}},
      {"partial_interleaved", 16, {{"partial", "0.75"}, {"layout", "interleaved"}}},
      {"linear", 16, {{"scaling", "linear"}, {"factor", "4"}}},
      {"ntk", 16, {{"scaling", "ntk"}, {"factor", "4"}}},
      {"dynamic_long", 16, {{"scaling", "dynamic"}, {"factor", "4"}, {"max_pos", "32"}, {"seq_len", "100"}}},
      {"dynamic_short", 16, {{"scaling", "dynamic"}, {"factor", "4"}, {"max_pos", "32"}, {"seq_len", "10"}}},
      {"yarn", 64, {{"scaling", "yarn"}, {"factor", "8"}, {"original_max", "2048"}}},
      {"yarn_af",
       64,
       {{"scaling", "yarn"},
        {"factor", "8"},
        {"original_max", "2048"},
        {"attention_factor", "1.5"},
        {"beta_fast", "16"},
        {"beta_slow", "2"}}},
      {"yarn_equal", 16, {{"scaling", "yarn"}, {"factor", "4"}, {"original_max", "4"}}},
      {"yarn_clamp", 16, {{"scaling", "yarn"}, {"factor", "4"}, {"original_max", "1000000000"}}},
      {"llama3",
       64,
       {{"scaling", "llama3"},
        {"theta", "500000"},
        {"factor", "8"},
        {"original_max", "8192"},
        {"low_freq_factor", "1"},
        {"high_freq_factor", "4"}}},
      {"longrope_short",
       16,
       {{"scaling", "longrope"},
        {"factor", "4"},
        {"original_max", "64"},
        {"seq_len", "64"},
        {"short_factor", "1,1.1,1.2,1.5,2,3,4,6"},
        {"long_factor", "1,2,3,4,5,6,8,16"}}},
      {"longrope_long",
       16,
       {{"scaling", "longrope"},
        {"factor", "4"},
        {"original_max", "64"},
        {"seq_len", "65"},
        {"short_factor", "1,1.1,1.2,1.5,2,3,4,6"},
        {"long_factor", "1,2,3,4,5,6,8,16"}}},
  };
  return cases;
}

std::vector<double> inv_freq_of(const pe::Settings& settings, int dh) {
  auto s = pe::make_scheme("rope", settings);
  const auto t = s->table(4, dh, 1);
  const auto& inv = t.find("inv_freq")->value;
  return std::vector<double>(inv.begin(), inv.end());
}

}  // namespace

TEST_CASE("rope matches the golden numbers for every layout and scaling") {
  for (const auto& gc : golden_cases()) {
    INFO("case " << gc.name);
    const auto g = golden::load(std::string("rope_") + gc.name + ".txt");
    auto s = pe::make_scheme("rope", gc.settings);
    const auto t = s->table(kProfileN, gc.dh, 1);
    const auto& inv = t.find("inv_freq")->value;
    const auto& prof = t.find("profile")->value;
    const std::size_t pairs = inv.size();
    const std::size_t rot = static_cast<std::size_t>(kHeads) * kPos.size() * gc.dh;
    REQUIRE(g.size() == 1 + pairs + kProfileN + rot);

    // The table uses seq_len = N when seq_len is 0; every golden case that reads
    // seq_len sets it, so the table and the encode path see the same frequencies.
    CHECK(t.find("attention_factor")->value() == Approx(g[0]).epsilon(1e-13));
    for (std::size_t j = 0; j < pairs; ++j) CHECK(inv(j) == Approx(g[1 + j]).epsilon(1e-13));
    REQUIRE(prof.shape()[0] == 1);
    for (int r = 0; r < kProfileN; ++r) CHECK(prof(0, r) == Approx(g[1 + pairs + r]).margin(1e-10));

    auto q = to_float(golden::load("rotary_q_h2_n7_d" + std::to_string(gc.dh) + ".txt"));
    auto k = q;
    encode(*s, q, k, kHeads, static_cast<int>(kPos.size()), gc.dh, kPos);
    const double* want = g.data() + 1 + pairs + kProfileN;
    for (std::size_t i = 0; i < rot; ++i) {
      CHECK(q[i] == Approx(want[i]).margin(2e-6));
      CHECK(k[i] == q[i]);
    }
  }
}

TEST_CASE("rope angles are position times inverse frequency, from the integer position") {
  auto s = pe::make_scheme("rope", {{"theta", "100"}, {"partial", "0.5"}});
  const auto t = s->table(50, 12, 1);
  const auto& inv = t.find("inv_freq")->value;
  const auto& ang = t.find("angles")->value;
  REQUIRE(inv.size() == 3);  // dr = 6
  REQUIRE(ang.shape()[0] == 50);
  REQUIRE(ang.shape()[1] == 3);
  for (int k = 0; k < 3; ++k) CHECK(inv(k) == Approx(std::pow(100.0, -2.0 * k / 6)).epsilon(1e-14));
  for (int p = 0; p < 50; ++p)
    for (int k = 0; k < 3; ++k) CHECK(ang(p, k) == p * inv(k));
}

TEST_CASE("yarn keeps frequencies below its ramp, divides those above, and blends between") {
  // dr = 64, theta 10000, L0 = 2048: corr(32) = 8.06 -> low 8, corr(1) = 20.1 -> high 21.
  double low = 0, high = 0;
  pe::yarn_correction_range(32, 1, 64, 10000, 2048, &low, &high);
  CHECK(low == 8);
  CHECK(high == 21);
  const pe::Settings yarn = {{"scaling", "yarn"}, {"factor", "8"}, {"original_max", "2048"}};
  const auto inv = inv_freq_of(yarn, 64);
  const auto base = pe::rope_default_inv_freq(64, 10000);
  for (int k = 0; k < 32; ++k) {
    INFO("pair " << k);
    if (k <= 8) CHECK(inv[k] == base[k]);  // ramp 0: extrapolation, unchanged
    else if (k >= 21) CHECK(inv[k] == Approx(base[k] / 8).epsilon(1e-14));  // ramp 1: interpolated
    else {
      const double ramp = (k - 8.0) / 13.0;
      CHECK(inv[k] == Approx(base[k] / 8 * ramp + base[k] * (1 - ramp)).epsilon(1e-14));
      CHECK(inv[k] < base[k]);
      CHECK(inv[k] > base[k] / 8);
    }
  }
  // Default attention factor 0.1 ln(factor) + 1; 1 when factor is 1.
  auto s = pe::make_scheme("rope", yarn);
  CHECK(s->table(4, 64, 1).find("attention_factor")->value() == Approx(0.1 * std::log(8.0) + 1).epsilon(1e-15));
  auto s1 = pe::make_scheme("rope", {{"scaling", "yarn"}, {"factor", "1"}});
  CHECK(s1->table(4, 64, 1).find("attention_factor")->value() == 1.0);

  // Edges: both corrections below zero (low == high == 0, the +0.001 guard makes a step),
  // and a correction past dr - 1 clamped.
  pe::yarn_correction_range(32, 1, 16, 10000, 4, &low, &high);
  CHECK(low == 0);
  CHECK(high == 0);
  const auto step = inv_freq_of({{"scaling", "yarn"}, {"factor", "4"}, {"original_max", "4"}}, 16);
  const auto base16 = pe::rope_default_inv_freq(16, 10000);
  CHECK(step[0] == base16[0]);
  for (int k = 1; k < 8; ++k) CHECK(step[k] == Approx(base16[k] / 4).epsilon(1e-14));
  pe::yarn_correction_range(32, 1, 16, 10000, 1000000000, &low, &high);
  CHECK(low == 13);
  CHECK(high == 15);
}

TEST_CASE("llama3 leaves high frequencies, divides low ones, and blends the medium band") {
  const double L0 = 8192, factor = 8, lo = 1, hi = 4;
  const auto inv = inv_freq_of({{"scaling", "llama3"}, {"theta", "500000"}, {"factor", "8"}, {"original_max", "8192"}}, 64);
  const auto base = pe::rope_default_inv_freq(64, 500000);
  int high_band = 0, low_band = 0, medium = 0;
  for (std::size_t k = 0; k < base.size(); ++k) {
    const double w = 2 * kPi / base[k];
    INFO("pair " << k << " wavelength " << w);
    if (w < L0 / hi) {
      ++high_band;
      CHECK(inv[k] == base[k]);
    } else if (w > L0 / lo) {
      ++low_band;
      CHECK(inv[k] == Approx(base[k] / factor).epsilon(1e-14));
    } else {
      ++medium;
      const double s = (L0 / w - lo) / (hi - lo);
      CHECK(s >= 0);
      CHECK(s <= 1);
      CHECK(inv[k] == Approx((1 - s) * base[k] / factor + s * base[k]).epsilon(1e-14));
    }
  }
  CHECK(high_band > 0);
  CHECK(low_band > 0);
  CHECK(medium > 0);
}

TEST_CASE("longrope switches from short to long factors past original_max") {
  const pe::Settings base = {{"scaling", "longrope"}, {"factor", "4"}, {"original_max", "64"},
                             {"short_factor", "1,1,1,1,2,2,2,2"}, {"long_factor", "4,4,4,4,8,8,8,8"}};
  const auto plain = pe::rope_default_inv_freq(16, 10000);
  auto with = [&](const char* seq_len) {
    auto s = base;
    s["seq_len"] = seq_len;
    return inv_freq_of(s, 16);
  };
  const auto at_l0 = with("64"), past = with("65");
  for (int k = 0; k < 8; ++k) {
    CHECK(at_l0[k] == Approx(plain[k] / (k < 4 ? 1 : 2)).epsilon(1e-14));
    CHECK(past[k] == Approx(plain[k] / (k < 4 ? 4 : 8)).epsilon(1e-14));
  }
  // seq_len = 0 takes the table length N.
  auto auto_len = pe::make_scheme("rope", base);
  CHECK(auto_len->table(64, 16, 1).find("inv_freq")->value(7) == Approx(plain[7] / 2).epsilon(1e-14));
  CHECK(auto_len->table(65, 16, 1).find("inv_freq")->value(7) == Approx(plain[7] / 8).epsilon(1e-14));
  // attention factor sqrt(1 + ln(factor)/ln(L0)), or as given.
  CHECK(auto_len->table(4, 16, 1).find("attention_factor")->value() ==
        Approx(std::sqrt(1 + std::log(4.0) / std::log(64.0))).epsilon(1e-15));
  auto given = base;
  given["attention_factor"] = "1.25";
  CHECK(pe::make_scheme("rope", given)->table(4, 16, 1).find("attention_factor")->value() == 1.25);
}

TEST_CASE("dynamic NTK only changes frequencies past max_pos") {
  const pe::Settings dyn = {{"scaling", "dynamic"}, {"factor", "4"}, {"max_pos", "32"}};
  auto s = pe::make_scheme("rope", dyn);
  const auto plain = pe::rope_default_inv_freq(16, 10000);
  const auto t32 = s->table(32, 16, 1), t64 = s->table(64, 16, 1);
  const auto& short_inv = t32.find("inv_freq")->value;  // seq_len = N = max_pos
  for (int k = 0; k < 8; ++k) CHECK(short_inv(k) == Approx(plain[k]).epsilon(1e-14));
  const auto& long_inv = t64.find("inv_freq")->value;  // L = 64: base * 5^(16/14)
  const auto want = pe::rope_default_inv_freq(16, 10000 * std::pow(4.0 * 64 / 32 - 3, 16.0 / 14));
  CHECK(long_inv(0) == 1.0);
  for (int k = 1; k < 8; ++k) {
    CHECK(long_inv(k) == Approx(want[k]).epsilon(1e-13));
    CHECK(long_inv(k) < plain[k]);
  }
}

TEST_CASE("rope logits depend only on the distance j - i") {
  const int heads = 2, n = 9, dh = 12;
  for (const pe::Settings& settings :
       std::vector<pe::Settings>{{{"layout", "half"}},
                                 {{"layout", "interleaved"}, {"partial", "0.5"}},
                                 {{"scaling", "yarn"}, {"factor", "4"}, {"original_max", "64"}},
                                 {{"scaling", "llama3"}, {"original_max", "64"}}}) {
    auto s = pe::make_scheme("rope", settings);
    const auto q0 = wave(heads * n * dh, 0.3), k0 = wave(heads * n * dh, 1.1);
    std::vector<int> pos(n), shifted(n);
    for (int i = 0; i < n; ++i) {
      pos[i] = 2 * i;
      shifted[i] = 2 * i + 517;
    }
    auto q1 = q0, k1 = k0, q2 = q0, k2 = k0;
    encode(*s, q1, k1, heads, n, dh, pos);
    encode(*s, q2, k2, heads, n, dh, shifted);
    bool changed = false;
    for (int h = 0; h < heads; ++h)
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
          const double a = dot(q1, k1, n, dh, h, i, j), b = dot(q2, k2, n, dh, h, i, j);
          CHECK(a == Approx(b).margin(2e-5));
          changed = changed || std::fabs(a - dot(q0, k0, n, dh, h, i, j)) > 1e-3;
        }
    CHECK(changed);  // the rotation did something
  }
}

TEST_CASE("rope rotation preserves norms (times the attention factor) and leaves unrotated dims alone") {
  const int heads = 1, n = 6, dh = 10;
  const std::vector<int> pos = {0, 5, 17, 99, 1234, 4095};
  for (const char* af : {"0", "1.5"}) {
    auto s = pe::make_scheme("rope", {{"scaling", "yarn"}, {"factor", "4"}, {"original_max", "64"},
                                      {"attention_factor", af}, {"partial", "0.8"}});
    const double scale = std::string(af) == "0" ? 0.1 * std::log(4.0) + 1 : 1.5;
    const auto x0 = wave(n * dh, 0.7);
    auto q = x0, k = x0;
    encode(*s, q, k, heads, n, dh, pos);
    for (int i = 0; i < n; ++i) {
      double before = 0, after = 0;
      for (int c = 0; c < 8; ++c) {
        before += x0[i * dh + c] * x0[i * dh + c];
        after += q[i * dh + c] * q[i * dh + c];
      }
      CHECK(std::sqrt(after) == Approx(scale * std::sqrt(before)).epsilon(1e-5));
      CHECK(q[i * dh + 8] == x0[i * dh + 8]);
      CHECK(q[i * dh + 9] == x0[i * dh + 9]);
    }
  }
}

TEST_CASE("half and interleaved layouts agree after the matching permutation of dimensions") {
  // Interleaved dim 2k <-> half dim k, interleaved 2k+1 <-> half k + dr/2; the pass-through
  // dims (dr..dh-1) stay where they are.
  const int heads = 2, n = 5, dh = 14, dr = 10;
  const std::vector<int> pos = {0, 2, 9, 40, 333};
  std::vector<int> perm(dh);  // interleaved index -> half index
  for (int c = 0; c < dh; ++c) perm[c] = c >= dr ? c : (c % 2 == 0 ? c / 2 : c / 2 + dr / 2);
  const auto q_int = wave(heads * n * dh, 0.2), k_int = wave(heads * n * dh, 2.5);
  auto q_half = q_int, k_half = k_int;
  for (int r = 0; r < heads * n; ++r)
    for (int c = 0; c < dh; ++c) {
      q_half[r * dh + perm[c]] = q_int[r * dh + c];
      k_half[r * dh + perm[c]] = k_int[r * dh + c];
    }
  auto qi = q_int, ki = k_int, qh = q_half, kh = k_half;
  auto si = pe::make_scheme("rope", {{"layout", "interleaved"}, {"partial", "0.7142857142857143"}});
  auto sh = pe::make_scheme("rope", {{"layout", "half"}, {"partial", "0.7142857142857143"}});
  encode(*si, qi, ki, heads, n, dh, pos);
  encode(*sh, qh, kh, heads, n, dh, pos);
  for (int r = 0; r < heads * n; ++r)
    for (int c = 0; c < dh; ++c) CHECK(qi[r * dh + c] == qh[r * dh + perm[c]]);
  for (int h = 0; h < heads; ++h)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) CHECK(dot(qi, ki, n, dh, h, i, j) == Approx(dot(qh, kh, n, dh, h, i, j)).margin(1e-6));
  // Without the permutation the two layouts disagree.
  auto qw = q_int, kw = k_int;
  encode(*sh, qw, kw, heads, n, dh, pos);
  CHECK_FALSE(dot(qw, kw, n, dh, 0, 4, 1) == Approx(dot(qi, ki, n, dh, 0, 4, 1)).margin(1e-3));
}

TEST_CASE("rope profile is the all-ones score between a query at r and a key at 0") {
  const int dh = 8, n = 20;
  auto s = pe::make_scheme("rope", {{"scaling", "yarn"}, {"factor", "4"}, {"original_max", "16"}, {"theta", "50"}});
  const auto t = s->table(n, dh, 1);
  const auto& prof = t.find("profile")->value;
  REQUIRE(prof.shape()[1] == n);
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[i] = i;
  std::vector<float> q(static_cast<std::size_t>(n) * dh, 1.0f), k = q;
  encode(*s, q, k, 1, n, dh, pos);
  for (int r = 0; r < n; ++r) CHECK(prof(0, r) == Approx(dot(q, k, n, dh, 0, r, 0)).margin(2e-5));
  CHECK(prof(0, 0) == Approx(dh * std::pow(0.1 * std::log(4.0) + 1, 2)).epsilon(1e-12));
}

TEST_CASE("the rotation kernels rotate each pair of their layout and nothing else") {
  const float cs[2] = {0.6f, 0.0f}, sn[2] = {0.8f, 1.0f};
  float half[5] = {1, 2, 3, 4, 9};  // pairs (0,2), (1,3); dim 4 untouched
  pe::rows_rotate_half(half, 5, 1, 2, cs, sn, 2);
  CHECK(half[0] == Approx(1 * 0.6 - 3 * 0.8));
  CHECK(half[2] == Approx(3 * 0.6 + 1 * 0.8));
  CHECK(half[1] == Approx(-4.0));
  CHECK(half[3] == Approx(2.0));
  CHECK(half[4] == 9);
  float inter[5] = {1, 2, 3, 4, 9};  // pairs (0,1), (2,3)
  pe::rows_rotate_interleaved_ref(inter, 5, 1, 2, cs, sn, 2);
  CHECK(inter[0] == Approx(1 * 0.6 - 2 * 0.8));
  CHECK(inter[1] == Approx(2 * 0.6 + 1 * 0.8));
  CHECK(inter[2] == Approx(-4.0));
  CHECK(inter[3] == Approx(3.0));
  CHECK(inter[4] == 9);
}

TEST_CASE("rope rejects bad parameters with one line naming the key") {
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"theta", "0"}}), Catch::Contains("theta=0 is out of range"));
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"theta", "-5"}}), Catch::Contains("theta"));
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"scaling", "magic"}}), Catch::Contains("scaling='magic'"));
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"layout", "zigzag"}}), Catch::Contains("layout"));
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"partial", "0"}}), Catch::Contains("partial"));

  // Odd rotated width: in table() and in prepare().
  auto odd = pe::make_scheme("rope", {{"partial", "0.5"}});
  CHECK_THROWS_WITH(odd->table(8, 10, 1), Catch::Contains("partial") && Catch::Contains("= 5 must be even"));
  pe::LayerShape shape;
  shape.n = 4;
  shape.d = 20;
  shape.heads = 2;
  CHECK_THROWS_WITH(odd->prepare(shape), Catch::Contains("partial"));
  CHECK_THROWS_AS(pe::make_scheme("rope")->table(8, 7, 1), pe::Error);
  CHECK_NOTHROW(pe::make_scheme("rope")->table(8, 2, 1));

  // ntk/dynamic exponent dr/(dr-2) needs dr >= 4; longrope lists need dr/2 entries.
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"scaling", "ntk"}})->table(8, 2, 1), Catch::Contains("scaling=ntk"));
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"scaling", "longrope"}, {"long_factor", "1,2,3"}})->table(8, 16, 1),
                    Catch::Contains("long_factor has 3 entries"));
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"scaling", "longrope"}, {"short_factor", "1,0"}}),
                    Catch::Contains("short_factor"));
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"scaling", "llama3"}, {"low_freq_factor", "4"}})->table(8, 16, 1),
                    Catch::Contains("high_freq_factor"));
  CHECK_THROWS_WITH(pe::make_scheme("rope", {{"factor", "0.5"}}), Catch::Contains("factor=0.5 is out of range"));
  CHECK_THROWS_AS(pe::make_scheme("rope")->table(0, 8, 1), pe::Error);
}

namespace {

// Rotates (heads, n, dh) rows half-split with the given frequencies, attention factor 1.
std::vector<float> rotated_with(const std::vector<float>& x, int heads, int n, int dh, const std::vector<int>& pos,
                                const std::vector<double>& inv) {
  auto out = x;
  const int pairs = static_cast<int>(inv.size());
  std::vector<float> cs(pairs), sn(pairs);
  for (int h = 0; h < heads; ++h)
    for (int i = 0; i < n; ++i) {
      for (int m = 0; m < pairs; ++m) {
        cs[m] = static_cast<float>(std::cos(pos[i] * inv[m]));
        sn[m] = static_cast<float>(std::sin(pos[i] * inv[m]));
      }
      pe::rows_rotate_half_ref(out.data() + (static_cast<std::size_t>(h) * n + i) * dh, dh, 1, pairs, cs.data(),
                               sn.data(), pairs);
    }
  return out;
}

std::vector<int> positions_from(int start, int n) {
  std::vector<int> pos(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) pos[i] = start + i;
  return pos;
}

}  // namespace

TEST_CASE("dynamic takes seq_len = max(position) + 1 of the encoded positions, as HF dynamic_rope_update") {
  const int heads = 2, n = 10, dh = 16;
  auto s = pe::make_scheme("rope", {{"scaling", "dynamic"}, {"factor", "4"}, {"max_pos", "32"}});
  const auto x0 = wave(heads * n * dh, 0.3);
  // positions 100..109: HF's seq_len is 110, past max_pos 32, so the base grows.
  const auto shifted = positions_from(100, n);
  auto q = x0, k = x0;
  encode(*s, q, k, heads, n, dh, shifted);
  const auto hf = pe::rope_default_inv_freq(16, 10000 * std::pow(4.0 * 110 / 32 - 3, 16.0 / 14));
  const auto want = rotated_with(x0, heads, n, dh, shifted, hf);
  for (std::size_t i = 0; i < q.size(); ++i) {
    CHECK(q[i] == Approx(want[i]).margin(1e-6));
    CHECK(k[i] == q[i]);
  }
  // positions 0..9: seq_len 10 <= max_pos, plain frequencies.
  const auto from0 = positions_from(0, n);
  q = x0;
  k = x0;
  encode(*s, q, k, heads, n, dh, from0);
  const auto plain = rotated_with(x0, heads, n, dh, from0, pe::rope_default_inv_freq(16, 10000));
  for (std::size_t i = 0; i < q.size(); ++i) CHECK(q[i] == Approx(plain[i]).margin(1e-6));
  // an explicit seq_len still wins over the positions.
  auto fixed = pe::make_scheme("rope", {{"scaling", "dynamic"}, {"factor", "4"}, {"max_pos", "32"}, {"seq_len", "10"}});
  q = x0;
  k = x0;
  encode(*fixed, q, k, heads, n, dh, shifted);
  const auto fixed_want = rotated_with(x0, heads, n, dh, shifted, pe::rope_default_inv_freq(16, 10000));
  for (std::size_t i = 0; i < q.size(); ++i) CHECK(q[i] == Approx(fixed_want[i]).margin(1e-6));
}

TEST_CASE("longrope switches to long factors when max(position) + 1 passes original_max") {
  const int heads = 1, n = 10, dh = 16;
  const pe::Settings base = {{"scaling", "longrope"}, {"factor", "1"}, {"original_max", "64"},
                             {"short_factor", "1,1,1,1,2,2,2,2"}, {"long_factor", "4,4,4,4,8,8,8,8"}};
  auto s = pe::make_scheme("rope", base);
  const auto plain = pe::rope_default_inv_freq(16, 10000);
  std::vector<double> short_inv(8), long_inv(8);
  for (int m = 0; m < 8; ++m) {
    short_inv[m] = plain[m] / (m < 4 ? 1 : 2);
    long_inv[m] = plain[m] / (m < 4 ? 4 : 8);
  }
  const auto x0 = wave(heads * n * dh, 1.1);
  struct Case {
    int start;
    const std::vector<double>* inv;
  };
  // 54..63: seq_len 64 = original_max, short; 55..64: 65, long; 60..69: 70, long (n is 10 throughout).
  for (const Case& c : {Case{54, &short_inv}, Case{55, &long_inv}, Case{60, &long_inv}, Case{0, &short_inv}}) {
    INFO("positions from " << c.start);
    const auto pos = positions_from(c.start, n);
    auto q = x0, k = x0;
    encode(*s, q, k, heads, n, dh, pos);
    const auto want = rotated_with(x0, heads, n, dh, pos, *c.inv);
    for (std::size_t i = 0; i < q.size(); ++i) CHECK(q[i] == Approx(want[i]).margin(1e-6));
  }
}

TEST_CASE("yarn beta_fast = 0 and beta_slow = 0 mean HF's defaults 32 and 1") {
  const pe::Settings yarn = {{"scaling", "yarn"}, {"factor", "8"}, {"original_max", "2048"}};
  const auto def = inv_freq_of(yarn, 64);
  for (const char* key : {"beta_fast", "beta_slow"}) {
    INFO(key << " = 0");
    auto s = yarn;
    s[key] = "0";
    const auto got = inv_freq_of(s, 64);
    REQUIRE(got.size() == def.size());
    for (std::size_t k = 0; k < def.size(); ++k) {
      CHECK(std::isfinite(got[k]));
      CHECK(got[k] == def[k]);
    }
  }
  auto both = yarn;
  both["beta_fast"] = "0";
  both["beta_slow"] = "0";
  CHECK(inv_freq_of(both, 64) == def);
  // and a non-default beta still changes the ramp
  auto other = yarn;
  other["beta_fast"] = "8";
  CHECK(inv_freq_of(other, 64) != def);
}

TEST_CASE("p-RoPE zeroes the lowest frequencies: those pairs pass through unrotated") {
  auto s = pe::make_scheme("rope", {{"p", "0.5"}});
  const auto inv = s->table(4, 16, 1).find("inv_freq")->value;  // 8 pairs, 4 kept
  for (int k = 0; k < 8; ++k) {
    INFO("pair " << k);
    if (k < 4) CHECK(inv(k) > 0);
    else CHECK(inv(k) == 0);
  }
  pe::LayerShape shape;
  shape.n = 3;
  shape.d = 16;
  shape.heads = 1;
  s->prepare(shape);
  std::vector<float> q(3 * 16), k(3 * 16);
  for (std::size_t i = 0; i < q.size(); ++i) q[i] = k[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
  const std::vector<float> q0 = q;
  const int pos[3] = {0, 5, 900};
  s->encode_query_key(q.data(), k.data(), 1, 3, 16, pos);
  for (int i = 0; i < 3; ++i)
    for (int t : {4, 5, 6, 7, 12, 13, 14, 15}) CHECK(q[i * 16 + t] == q0[i * 16 + t]);  // half layout: pairs (t, t+8)
  CHECK(q[16 * 1 + 0] != q0[16 * 1 + 0]);  // a kept pair does rotate
}

TEST_CASE("yarn mscale: DeepSeek's ratio, and 1 when both are equal") {
  auto af = [](const pe::Settings& st) {
    return pe::make_scheme("rope", st)->table(4, 64, 1).find("attention_factor")->value();
  };
  const pe::Settings base{{"scaling", "yarn"}, {"factor", "40"}, {"original_max", "4096"}};
  auto with = [&](const char* m, const char* a) {
    pe::Settings st = base;
    st["mscale"] = m;
    st["mscale_all_dim"] = a;
    return st;
  };
  CHECK(af(with("0.707", "0.707")) == Approx(1.0));
  CHECK(af(with("1", "0.707")) == Approx((0.1 * std::log(40.0) + 1) / (0.0707 * std::log(40.0) + 1)));
  CHECK(af(base) == Approx(0.1 * std::log(40.0) + 1));  // unset: the plain yarn default
}
