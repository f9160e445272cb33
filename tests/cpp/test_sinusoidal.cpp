// Sinusoidal: both layouts against the published formulas, odd widths, and the
// golden numbers made by tests/golden/make_golden.py.
#include <catch2/catch.hpp>
#include <cmath>

#include "golden.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"


TEST_CASE("sinusoidal interleaved follows the paper's formula") {
  auto s = pe::make_scheme("sinusoidal", {{"layout", "interleaved"}});
  const int n = 9, d = 7;  // odd width: the last dim is a sin
  auto t = s->table(n, d, 1);
  const auto& pe = t.find("pe")->value;
  REQUIRE(pe.shape()[0] == n);
  REQUIRE(pe.shape()[1] == d);
  for (int p = 0; p < n; ++p)
    for (int c = 0; c < d; ++c) {
      int k = c / 2;
      double a = p / std::pow(10000.0, 2.0 * k / d);
      CHECK(pe(p, c) == Approx(c % 2 == 0 ? std::sin(a) : std::cos(a)).margin(1e-12));
    }
}

TEST_CASE("sinusoidal concat reaches exactly 1/base and pads odd widths with zero") {
  auto s = pe::make_scheme("sinusoidal", {{"layout", "concat"}, {"base", "500"}});
  auto t = s->table(4, 9, 1);
  const auto& inv = t.find("inv_freq")->value;
  REQUIRE(inv.size() == 4);
  CHECK(inv(0) == Approx(1.0));
  CHECK(inv(3) == Approx(1.0 / 500.0).epsilon(1e-12));
  const auto& pe = t.find("pe")->value;
  for (int p = 0; p < 4; ++p) {
    CHECK(pe(p, 8) == 0.0);
    CHECK(pe(p, 1) == Approx(std::sin(p * inv(1))).margin(1e-12));
    CHECK(pe(p, 5) == Approx(std::cos(p * inv(1))).margin(1e-12));
  }
}

TEST_CASE("sinusoidal matches golden numbers") {
  for (const char* layout : {"interleaved", "concat"}) {
    auto g = golden::load(std::string("sinusoidal_") + layout + "_n16_d10.txt");
    auto s = pe::make_scheme("sinusoidal", {{"layout", layout}});
    auto pe = s->table(16, 10, 1).find("pe")->value;
    REQUIRE(pe.size() == g.size());
    for (std::size_t i = 0; i < g.size(); ++i) CHECK(pe.data()[i] == Approx(g[i]).margin(1e-9));
  }
}

TEST_CASE("sinusoidal rejects bad parameters with one clear message") {
  CHECK_THROWS_WITH(pe::make_scheme("sinusoidal", {{"base", "0"}}),
                    Catch::Contains("base=0 is out of range"));
  CHECK_THROWS_WITH(pe::make_scheme("sinusoidal", {{"layout", "zigzag"}}),
                    Catch::Contains("not one of interleaved|concat"));
  CHECK_THROWS_WITH(pe::make_scheme("sinusoidal", {{"bogus", "1"}}),
                    Catch::Contains("unknown parameter 'bogus'"));
  auto s = pe::make_scheme("sinusoidal");
  CHECK_THROWS_AS(s->table(0, 8, 1), pe::Error);
}

TEST_CASE("sinusoidal profile is PE(0).PE(r) = sum_k cos(r inv_k), the same from any start") {
  for (const char* layout : {"interleaved", "concat"}) {
    auto t = pe::make_scheme("sinusoidal", {{"layout", layout}})->table(40, 16, 1);
    const auto& profile = t.find("profile")->value;
    const auto& inv = t.find("inv_freq")->value;
    const auto& pe = t.find("pe")->value;
    REQUIRE(profile.shape()[0] == 1);
    REQUIRE(profile.shape()[1] == 40);
    for (int r = 0; r < 40; ++r) {
      double want = 0;
      for (std::size_t k = 0; k < inv.size(); ++k) want += std::cos(r * inv(k));
      CHECK(profile(0, r) == Approx(want).margin(1e-9));
      double from7 = 0;  // PE(7).PE(7 + r): sinusoids depend on r alone
      if (7 + r < 40)
        for (int c = 0; c < 16; ++c) from7 += pe(7, c) * pe(7 + r, c);
      if (7 + r < 40) CHECK(from7 == Approx(want).margin(1e-9));
    }
  }
}
