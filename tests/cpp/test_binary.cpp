// Binary positions: bits against the recipe, wrap-around past 2^d, jumps, encode_input.
#include <catch2/catch.hpp>
#include <vector>

#include "golden.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"

TEST_CASE("binary table matches the recipe") {
  for (int d : {6, 4}) {
    auto g = golden::load("binary_n20_d" + std::to_string(d) + ".txt");
    auto pe = pe::make_scheme("binary")->table(20, d, 1).find("pe")->value;
    REQUIRE(pe.size() == g.size());
    for (std::size_t c = 0; c < g.size(); ++c) CHECK(pe.data()[c] == g[c]);
  }
}

TEST_CASE("binary: least significant bit first, unique below 2^d, discontinuous") {
  auto pe = pe::make_scheme("binary")->table(20, 4, 1).find("pe")->value;
  // 6 = 0b0110 -> components (0, 1, 1, 0)
  CHECK(pe(6, 0) == 0);
  CHECK(pe(6, 1) == 1);
  CHECK(pe(6, 2) == 1);
  CHECK(pe(6, 3) == 0);
  int flips = 0;
  for (int k = 0; k < 4; ++k) flips += pe(7, k) != pe(8, k);
  CHECK(flips == 4);
  for (int k = 0; k < 4; ++k) CHECK(pe(17, k) == pe(1, k));  // 4 bits cannot tell 17 from 1
  auto profile = pe::make_scheme("binary")->table(20, 4, 1).find("profile")->value;
  CHECK(profile(0, 0) == 0);
  CHECK(profile(0, 7) == -3);
  CHECK(profile(0, 8) == -1);
}

TEST_CASE("binary encode_input adds the bits; wide widths stay zero past bit 30") {
  auto s = pe::make_scheme("binary");
  const int d = 40;
  std::vector<float> x(2 * d, 0.5f);
  const std::vector<int> pos = {5, 1 << 30};
  s->encode_input(x.data(), 2, d, pos.data());
  CHECK(x[0] == 1.5f);
  CHECK(x[1] == 0.5f);
  CHECK(x[2] == 1.5f);
  CHECK(x[d + 30] == 1.5f);
  CHECK(x[d + 29] == 0.5f);
  CHECK(x[d + 39] == 0.5f);
  const std::vector<int> negative = {-2, 0};
  CHECK_THROWS_WITH(s->encode_input(x.data(), 2, d, negative.data()), Catch::Contains("position -2 is negative"));
  CHECK_THROWS_WITH(pe::make_scheme("binary", {{"bits", "8"}}), Catch::Contains("it takes none"));
}
