// CPE: kernel and residual convolution against the recipe, zero padding at the edges
// (the only absolute signal), independence from the position values, refusals.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "golden.hpp"
#include "param_testing.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"

namespace {

std::vector<float> example_input(int n, int d) {  // as recipe_cpe.example_input
  std::vector<float> x(static_cast<std::size_t>(n) * d);
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < d; ++c) x[i * d + c] = static_cast<float>(std::sin(0.7 * i + 1.3 * c + 0.2));
  return x;
}

}  // namespace

TEST_CASE("cpe kernel, bias and output match the recipe") {
  auto s = pe::make_scheme("cpe");
  auto t = s->table(6, 5, 1);
  auto gk = golden::load("cpe_kernel_d5_seed0.txt"), gb = golden::load("cpe_bias_d5_seed0.txt");
  const auto& k = t.find("kernel")->value;
  const auto& b = t.find("conv_bias")->value;
  REQUIRE(k.size() == gk.size());
  REQUIRE(b.size() == gb.size());
  for (std::size_t c = 0; c < gk.size(); ++c) CHECK(k.data()[c] == Approx(gk[c]).epsilon(1e-12));
  for (std::size_t c = 0; c < gb.size(); ++c) CHECK(b.data()[c] == Approx(gb[c]).epsilon(1e-12));
  for (double w : k) CHECK(std::abs(w) <= 1.0 / std::sqrt(3.0));

  s->prepare(pe::LayerShape{6, 5, 1, false});
  s->ensure_params(pe::LayerShape{6, 5, 1, false});
  auto x = example_input(6, 5);
  const std::vector<int> pos = {0, 1, 2, 3, 4, 5};
  s->encode_input(x.data(), 6, 5, pos.data());
  auto g = golden::load("cpe_output_n6_d5_seed0.txt");
  for (std::size_t c = 0; c < g.size(); ++c) CHECK(x[c] == Approx(g[c]).margin(1e-6));
}

TEST_CASE("cpe: zero padding marks the edges; elsewhere identical tokens stay identical") {
  auto s = pe::make_scheme("cpe", {{"seed", "9"}});
  const int n = 6, d = 4;
  auto k = s->table(n, d, 1).find("kernel")->value;
  auto b = s->table(n, d, 1).find("conv_bias")->value;
  s->prepare(pe::LayerShape{n, d, 1, false});
  s->ensure_params(pe::LayerShape{n, d, 1, false});
  std::vector<float> x(n * d, 1.0f);  // the same token everywhere
  const std::vector<int> pos = {0, 1, 2, 3, 4, 5};
  s->encode_input(x.data(), n, d, pos.data());
  for (int c = 0; c < d; ++c) {
    const double mid = 1 + k(c, 0) + k(c, 1) + k(c, 2) + b(c);
    CHECK(x[0 * d + c] == Approx(mid - k(c, 0)).margin(1e-6));        // no left neighbour
    CHECK(x[(n - 1) * d + c] == Approx(mid - k(c, 2)).margin(1e-6));  // no right neighbour
    for (int i = 1; i < n - 1; ++i) CHECK(x[i * d + c] == Approx(mid).margin(1e-6));
  }
}

TEST_CASE("cpe ignores position values, reads neighbours from the input, not its own output") {
  auto s = pe::make_scheme("cpe");
  s->prepare(pe::LayerShape{5, 3, 1, false});
  s->ensure_params(pe::LayerShape{5, 3, 1, false});
  auto a = example_input(5, 3), b = a;
  const std::vector<int> pos = {0, 1, 2, 3, 4}, shifted = {100, 101, 102, 103, 104};
  s->encode_input(a.data(), 5, 3, pos.data());
  s->encode_input(b.data(), 5, 3, shifted.data());
  CHECK(a == b);
  // Token 2 alone changed: only outputs 1, 2, 3 move.
  auto c = example_input(5, 3);
  c[2 * 3 + 1] += 1.0f;
  s->encode_input(c.data(), 5, 3, pos.data());
  CHECK(c[0 * 3 + 1] == a[0 * 3 + 1]);
  CHECK(c[4 * 3 + 1] == a[4 * 3 + 1]);
  CHECK(c[1 * 3 + 1] != a[1 * 3 + 1]);
  CHECK(c[3 * 3 + 1] != a[3 * 3 + 1]);
  CHECK(c[2 * 3 + 0] == a[2 * 3 + 0]);  // depthwise: other channels untouched
}

TEST_CASE("cpe refuses bad input") {
  CHECK_THROWS_WITH(pe::make_scheme("cpe", {{"seed", "0.5"}}), Catch::Contains("seed=0.5 is not a whole number"));
  CHECK_THROWS_WITH(pe::make_scheme("cpe", {{"width", "3"}}), Catch::Contains("unknown parameter 'width'"));
  auto s = pe::make_scheme("cpe");
  s->prepare(pe::LayerShape{2, 4, 1, false});
  std::vector<float> x(2 * 5, 0.0f);
  const std::vector<int> pos = {0, 1};
  CHECK_THROWS_WITH(s->encode_input(x.data(), 2, 5, pos.data()), Catch::Contains("width 5 was not prepared"));
}

TEST_CASE("cpe kernel and bias tensors: the table's weights in float32") {
  auto s = pe::make_scheme("cpe", {{"seed", "8"}});
  const pe::LayerShape shape{4, 6, 2, false};
  const auto specs = s->param_specs(shape);
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].name == "kernel");
  CHECK(specs[1].name == "bias");
  const auto t = param_testing::init(*s, shape, 8);
  const auto table = s->table(4, 6, 2);
  const auto& k = table.find("kernel")->value;
  const auto& b = table.find("conv_bias")->value;
  REQUIRE(t[0].size() == 6u * 3);
  REQUIRE(t[1].size() == 6u);
  for (int c = 0; c < 6; ++c) {
    for (int w = 0; w < 3; ++w) CHECK(t[0][c * 3 + w] == static_cast<float>(k(c, w)));
    CHECK(t[1][c] == static_cast<float>(b(c)));
  }
}
