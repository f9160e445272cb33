// Integer positions: p and p / N against the recipe, encode_input, the profile, the flag.
#include <catch2/catch.hpp>
#include <vector>

#include "golden.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"

TEST_CASE("integer table matches the recipe, raw and normalised") {
  auto g = golden::load("integer_n7_d3.txt");
  auto pe = pe::make_scheme("integer")->table(7, 3, 1).find("pe")->value;
  REQUIRE(pe.size() == g.size());
  for (std::size_t c = 0; c < g.size(); ++c) CHECK(pe.data()[c] == g[c]);
  auto gn = golden::load("integer_normalised_n7_d3.txt");
  auto pn = pe::make_scheme("integer", {{"normalise", "true"}})->table(7, 3, 1).find("pe")->value;
  for (std::size_t c = 0; c < gn.size(); ++c) CHECK(pn.data()[c] == Approx(gn[c]).epsilon(1e-15));
  CHECK(pn(6, 2) == Approx(6.0 / 7.0));
}

TEST_CASE("integer normalised: the same position means different things at different lengths") {
  auto s = pe::make_scheme("integer", {{"normalise", "true"}});
  CHECK(s->table(4, 1, 1).find("pe")->value(2, 0) == 0.5);
  CHECK(s->table(8, 1, 1).find("pe")->value(2, 0) == 0.25);
  std::vector<float> x(3 * 2, 0.0f);
  const std::vector<int> pos = {0, 1, 5};  // shifted positions may pass 1
  s->encode_input(x.data(), 3, 2, pos.data());
  CHECK(x[1 * 2 + 1] == Approx(1.0 / 3));
  CHECK(x[2 * 2 + 0] == Approx(5.0 / 3));
}

TEST_CASE("integer encode_input adds p to every component; profile is -d r^2") {
  auto s = pe::make_scheme("integer");
  std::vector<float> x = {1, 2, 3, 4, 5, 6};
  const std::vector<int> pos = {10, 20};
  s->encode_input(x.data(), 2, 3, pos.data());
  CHECK(x == std::vector<float>{11, 12, 13, 24, 25, 26});
  auto profile = s->table(5, 3, 1).find("profile")->value;
  for (int r = 0; r < 5; ++r) CHECK(profile(0, r) == -3.0 * r * r);
}

TEST_CASE("integer refuses bad parameters") {
  CHECK_THROWS_WITH(pe::make_scheme("integer", {{"normalise", "sometimes"}}),
                    Catch::Contains("normalise='sometimes' is not true or false"));
  CHECK_THROWS_WITH(pe::make_scheme("integer", {{"normalize", "true"}}), Catch::Contains("unknown parameter 'normalize'"));
}
