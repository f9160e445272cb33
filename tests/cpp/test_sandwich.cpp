// Sandwich: the bias against the NeMo recipe at spread positions (two widths and head
// counts), by hand at r = 0 and for one head, the table against the hook, translation
// invariance, the `dim` setting and its refusals.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "bias_testing.hpp"
#include "golden.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/sandwich.hpp"

namespace {

using bias_testing::hook_bias;

}  // namespace

TEST_CASE("sandwich bias matches the NeMo recipe at spread positions") {
  const std::vector<int> pos = {0, 1, 2, 5, 9, 17, 40, 100};
  const int n = static_cast<int>(pos.size());
  struct Case { int dim, heads, d; const char* file; };
  // D = 8 from the head width (d = 32, H = 4); D = 64 from the setting (d = 12, H = 3).
  for (Case c : {Case{0, 4, 32, "sandwich_d8_h4.txt"}, Case{64, 3, 12, "sandwich_d64_h3.txt"}}) {
    INFO(c.file);
    auto s = pe::make_scheme("sandwich", {{"dim", std::to_string(c.dim)}});
    s->prepare(pe::LayerShape{n, c.d, c.heads, false});
    const auto g = golden::load(c.file);
    REQUIRE(g.size() == static_cast<std::size_t>(c.heads) * n * n);
    for (int h = 0; h < c.heads; ++h) {
      const auto a = hook_bias(*s, h, pos, false);
      for (int e = 0; e < n * n; ++e)
        CHECK(a[e] == Approx(g[static_cast<std::size_t>(h) * n * n + e]).epsilon(1e-6).margin(1e-5));
    }
  }
}

TEST_CASE("sandwich by hand: 0 on the diagonal, heads divided by 8h/H, bounded far away") {
  // D = 2: one pair, frequency 10000^-1; H = 1: divide by 8.
  CHECK(pe::sandwich_bias(2, 0, 1, 0) == 0.0);
  CHECK(pe::sandwich_bias(2, 0, 1, 3) == Approx((std::cos(3e-4) - 1) / 8));
  // H = 8: head h (0-based) divides by h + 1, so head 0 is the centred dot product itself.
  const double raw = pe::sandwich_bias(16, 0, 8, 5);
  for (int h = 0; h < 8; ++h) CHECK(pe::sandwich_bias(16, h, 8, 5) == Approx(raw / (h + 1)));
  // The cosine sum lies in [-D/2, D/2]: the bias stays in [-D, 0] however far the key.
  for (int r : {1, 10, 100, 1000, 100000, 10000000}) {
    INFO("r = " << r);
    CHECK(pe::sandwich_bias(64, 0, 8, r) <= 0.0);
    CHECK(pe::sandwich_bias(64, 0, 8, r) >= -64.0);
  }
}

TEST_CASE("sandwich table: inv_freq, scales, bias and profile agree with the hook") {
  auto s = pe::make_scheme("sandwich");
  const int n = 10, d = 24, heads = 3;  // D = dh = 8
  auto t = s->table(n, d, heads);
  REQUIRE(t.find("inv_freq")->value.size() == 4);
  CHECK(t.find("inv_freq")->value(0) == Approx(std::pow(10000.0, -0.25)));
  CHECK(t.find("inv_freq")->value(3) == Approx(1e-4));
  CHECK(t.find("scales")->value(0) == Approx(8.0 / 3));
  CHECK(t.find("scales")->value(2) == Approx(8.0));
  s->prepare(pe::LayerShape{n, d, heads, true});
  std::vector<int> pos(n), shifted(n);
  for (int i = 0; i < n; ++i) { pos[i] = i; shifted[i] = i + 4096; }
  const auto& bias = t.find("bias")->value;
  const auto& profile = t.find("profile")->value;
  for (int h = 0; h < heads; ++h) {
    const auto a = hook_bias(*s, h, pos, false);
    CHECK(a == hook_bias(*s, h, shifted, false));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) CHECK(a[i * n + j] == Approx(bias(h, i, j)).epsilon(1e-6).margin(1e-6));
    for (int r = 0; r < n; ++r) CHECK(profile(h, r) == bias(h, r, 0));
    CHECK(profile(h, 0) == 0.0);
  }
  const auto masked = hook_bias(*s, 0, pos, true);
  CHECK(masked[0 * n + 4] == 0.0f);  // j > i under the mask: untouched
  CHECK(masked[4 * n + 0] == Approx(bias(0, 4, 0)));
}

TEST_CASE("sandwich refuses an odd width, naming it") {
  CHECK_THROWS_WITH(pe::make_scheme("sandwich", {{"dim", "7"}})->prepare(pe::LayerShape{4, 16, 2, false}),
                    Catch::Contains("dim=7"));
  CHECK_THROWS_WITH(pe::make_scheme("sandwich")->prepare(pe::LayerShape{4, 15, 5, false}),
                    Catch::Contains("head width"));
  CHECK_THROWS_WITH(pe::make_scheme("sandwich")->table(4, 10, 3), Catch::Contains("not divisible"));
  CHECK_THROWS_WITH(pe::make_scheme("sandwich", {{"dim", "-2"}}), Catch::Contains("dim"));
}
