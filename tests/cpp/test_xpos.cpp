// xPos: against golden numbers transcribed from torchscale's XPOS (tests/golden/recipe_xpos.py),
// the per-pair decay zeta^((i-j)/scale_base) in the logits, translation invariance despite
// the centring, the table's scale and profile, and bad parameters.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "golden.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/rope.hpp"
#include "pe/schemes/xpos.hpp"
#include "rotary_testing.hpp"

namespace {

using rotary_testing::dot;
using rotary_testing::encode;

// Deterministic test vectors: (count) values in [-1, 1].
std::vector<float> wave(int count, double phase) { return rotary_testing::wave(count, phase, 1.3, 0.17); }

}  // namespace

TEST_CASE("xpos matches torchscale's XPOS, including its centring and offset") {
  struct Case {
    const char* name;
    const char* scale_base;
    int offset, length;
  };
  const int heads = 2, dh = 16;
  const auto input = golden::load("rotary_q_h2_n7_d16.txt");  // (2, 7, 16)
  for (const Case& c : {Case{"sb512_offset0", "512", 0, 7}, Case{"sb8_offset0", "8", 0, 7},
                        Case{"sb8_offset5", "8", 5, 6}}) {
    INFO("case " << c.name);
    const auto g = golden::load(std::string("xpos_") + c.name + ".txt");
    const std::size_t size = static_cast<std::size_t>(heads) * c.length * dh;
    REQUIRE(g.size() == 2 * size);
    std::vector<float> q(size);
    for (int h = 0; h < heads; ++h)
      for (int i = 0; i < c.length; ++i)
        for (int d = 0; d < dh; ++d)
          q[(static_cast<std::size_t>(h) * c.length + i) * dh + d] = static_cast<float>(input[(h * 7 + i) * dh + d]);
    auto k = q;
    std::vector<int> pos(c.length);
    for (int i = 0; i < c.length; ++i) pos[i] = c.offset + i;
    auto s = pe::make_scheme("xpos", {{"scale_base", c.scale_base}});
    encode(*s, q, k, heads, c.length, dh, pos);
    for (std::size_t i = 0; i < size; ++i) {
      CHECK(q[i] == Approx(g[i]).margin(1e-5));
      CHECK(k[i] == Approx(g[size + i]).margin(1e-5));
    }
  }
}

TEST_CASE("xpos centres positions as torchscale: s = p - ceil(T/2)") {
  CHECK(pe::xpos_centred(0, 7) == -4);  // arange(-(7)//2, ...) = arange(-4, 3)
  CHECK(pe::xpos_centred(6, 7) == 2);
  CHECK(pe::xpos_centred(0, 6) == -3);
  CHECK(pe::xpos_centred(5, 6) == 2);
  CHECK(pe::xpos_centred(10, 11) == 4);
  // The query at the centre is only rotated: its norm is unchanged.
  const int n = 7, dh = 8;
  std::vector<int> pos = {0, 1, 2, 3, 4, 5, 6};
  const auto x0 = wave(n * dh, 0.4);
  auto q = x0, k = x0;
  auto s = pe::make_scheme("xpos", {{"scale_base", "4"}});
  encode(*s, q, k, 1, n, dh, pos);
  double before = 0, after = 0, before5 = 0, after5 = 0;
  for (int c = 0; c < dh; ++c) {
    before += x0[4 * dh + c] * x0[4 * dh + c];  // p = 4: s = 0
    after += q[4 * dh + c] * q[4 * dh + c];
    before5 += x0[6 * dh + c] * x0[6 * dh + c];  // p = 6: s = 2, every zeta^(2/4) < 1
    after5 += q[6 * dh + c] * q[6 * dh + c];
  }
  CHECK(after == Approx(before).epsilon(1e-5));
  CHECK(after5 < 0.99 * before5);
}

TEST_CASE("xpos logits carry zeta_k^((i-j)/scale_base) on each pair") {
  const int n = 6, dh = 12, pairs = 6;
  const double sb = 16;
  const std::vector<int> pos = {0, 3, 4, 10, 11, 30};
  const auto zeta = pe::xpos_scale(dh);
  for (const char* layout : {"interleaved", "half"}) {
    auto xs = pe::make_scheme("xpos", {{"scale_base", "16"}, {"layout", layout}});
    auto rs = pe::make_scheme("rope", {{"layout", layout}});
    for (int pair = 0; pair < pairs; ++pair) {
      INFO(layout << " pair " << pair);
      // q and k nonzero on one pair only: the xPos logit is the RoPE logit times zeta^((i-j)/sb).
      const int a = std::string(layout) == "half" ? pair : 2 * pair;
      const int b = std::string(layout) == "half" ? pair + pairs : 2 * pair + 1;
      std::vector<float> q(static_cast<std::size_t>(n) * dh, 0.0f), k(q.size(), 0.0f);
      for (int i = 0; i < n; ++i) {
        q[i * dh + a] = 0.5f + 0.1f * i;
        q[i * dh + b] = -0.3f + 0.2f * i;
        k[i * dh + a] = 0.9f - 0.1f * i;
        k[i * dh + b] = 0.4f;
      }
      auto qx = q, kx = k, qr = q, kr = k;
      encode(*xs, qx, kx, 1, n, dh, pos);
      encode(*rs, qr, kr, 1, n, dh, pos);
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
          const double decay = std::pow(zeta[pair], (pos[i] - pos[j]) / sb);
          CHECK(dot(qx, kx, n, dh, 0, i, j) == Approx(decay * dot(qr, kr, n, dh, 0, i, j)).margin(1e-5));
        }
    }
  }
}

TEST_CASE("xpos logits depend only on j - i although the centre moves") {
  const int heads = 2, n = 8, dh = 16;
  auto s = pe::make_scheme("xpos", {{"scale_base", "32"}});
  const auto q0 = wave(heads * n * dh, 0.1), k0 = wave(heads * n * dh, 0.9);
  std::vector<int> pos(n), shifted(n);
  for (int i = 0; i < n; ++i) {
    pos[i] = i;
    shifted[i] = i + 37;  // T goes from 8 to 45: the centre moves by 18.5 -> 19 (not by 37)
  }
  auto q1 = q0, k1 = k0, q2 = q0, k2 = k0;
  encode(*s, q1, k1, heads, n, dh, pos);
  encode(*s, q2, k2, heads, n, dh, shifted);
  for (int h = 0; h < heads; ++h)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) CHECK(dot(q1, k1, n, dh, h, i, j) == Approx(dot(q2, k2, n, dh, h, i, j)).margin(1e-5));
  // The rows themselves do change with the centre (the scale is not relative).
  bool differs = false;
  for (std::size_t i = 0; i < q1.size(); ++i) differs = differs || std::fabs(q1[i] - q2[i]) > 1e-3;
  CHECK(differs);
}

TEST_CASE("xpos table gives zeta per pair and a decaying profile") {
  auto s = pe::make_scheme("xpos", {{"scale_base", "8"}});
  const int n = 40, dh = 10;
  const auto t = s->table(n, dh, 1);
  const auto& scale = t.find("scale")->value;
  const auto& inv = t.find("inv_freq")->value;
  const auto& prof = t.find("profile")->value;
  REQUIRE(scale.size() == 5);
  REQUIRE(inv.size() == 5);
  REQUIRE(t.find("angles")->value.shape()[0] == n);
  CHECK(t.find("attention_factor")->value() == 1.0);
  for (int k = 0; k < 5; ++k) {
    CHECK(scale(k) == Approx((2.0 * k + 4.0) / 14.0).epsilon(1e-15));
    CHECK(inv(k) == Approx(std::pow(10000.0, -2.0 * k / dh)).epsilon(1e-14));
  }
  CHECK(prof(0, 0) == Approx(dh).epsilon(1e-14));
  for (int r = 0; r < n; ++r) {
    double want = 0, rope = 0;
    for (int k = 0; k < 5; ++k) {
      want += 2 * std::cos(r * inv(k)) * std::pow(scale(k), r / 8.0);
      rope += 2 * std::cos(r * inv(k));
    }
    CHECK(prof(0, r) == Approx(want).margin(1e-12));
    if (r > 0) CHECK(std::fabs(prof(0, r) - rope) > 1e-6);  // the decay is really in it
  }
  // The profile equals the score of all-ones rows: query at r, key at 0.
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[i] = i;
  std::vector<float> q(static_cast<std::size_t>(n) * dh, 1.0f), k = q;
  encode(*s, q, k, 1, n, dh, pos);
  for (int r = 0; r < n; ++r) CHECK(prof(0, r) == Approx(dot(q, k, n, dh, 0, r, 0)).margin(1e-4));
}

TEST_CASE("xpos rejects bad parameters") {
  CHECK_THROWS_WITH(pe::make_scheme("xpos", {{"scale_base", "0"}}), Catch::Contains("scale_base"));
  CHECK_THROWS_WITH(pe::make_scheme("xpos", {{"theta", "0"}}), Catch::Contains("theta"));
  CHECK_THROWS_WITH(pe::make_scheme("xpos")->table(4, 7, 1), Catch::Contains("must be even"));
  pe::LayerShape shape;
  shape.n = 3;
  shape.d = 14;
  shape.heads = 2;  // dh = 7
  CHECK_THROWS_AS(pe::make_scheme("xpos")->prepare(shape), pe::Error);
}
