// Fourier basis (the article's FoPE): the table against the recipe with N = the length and
// with a given N, the hook against the table (shifted positions wrap with period N), the
// coincidences the formula implies, and that it is not the `fope` scheme.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "golden.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/fourier.hpp"

TEST_CASE("fourier table matches the recipe, N from the length or the setting") {
  auto a = pe::make_scheme("fourier")->table(10, 6, 1);
  const auto ga = golden::load("fourier_n10_d6.txt");
  const auto& pa = a.find("pe")->value;
  REQUIRE(pa.size() == ga.size());
  for (std::size_t c = 0; c < ga.size(); ++c) CHECK(pa.data()[c] == Approx(ga[c]).margin(1e-12));
  CHECK(a.find("period")->value() == 10);
  auto b = pe::make_scheme("fourier", {{"N", "7"}})->table(12, 5, 1);
  const auto gb = golden::load("fourier_n12_d5_N7.txt");
  const auto& pb = b.find("pe")->value;
  REQUIRE(pb.size() == gb.size());
  for (std::size_t c = 0; c < gb.size(); ++c) CHECK(pb.data()[c] == Approx(gb[c]).margin(1e-12));
  // profile = PE(0) . PE(r): d at r = 0 and at every multiple of N.
  const auto& prof = b.find("profile")->value;
  CHECK(prof(0, 0) == Approx(5.0));
  CHECK(prof(0, 7) == Approx(5.0));
}

TEST_CASE("fourier: period N, p and N - p coincide, component 0 is constant") {
  const int N = 9;
  for (int k = 0; k < 6; ++k)
    for (int p = 0; p < N; ++p) {
      CHECK(pe::fourier_value(p, k, N) == Approx(pe::fourier_value(p + 5 * N, k, N)).margin(1e-12));
      CHECK(pe::fourier_value(p, k, N) == Approx(pe::fourier_value(N - p, k, N)).margin(1e-12));
    }
  for (int p = 0; p < 20; ++p) CHECK(pe::fourier_value(p, 0, N) == 1.0);
  // Far positions stay exact: (k p) mod N is reduced in integers.
  CHECK(pe::fourier_value(1000000007LL * 9, 3, 9) == 1.0);
}

TEST_CASE("fourier hook adds the table in float32; N follows the encoded length") {
  auto s = pe::make_scheme("fourier");
  const int n = 6, d = 4;
  std::vector<int> pos = {0, 1, 2, 3, 4, 5}, shifted = {6, 7, 8, 9, 10, 11};
  std::vector<float> x(n * d, 0.5f), y(n * d, 0.5f);
  s->encode_input(x.data(), n, d, pos.data());
  s->encode_input(y.data(), n, d, shifted.data());
  const auto t = s->table(n, d, 1).find("pe")->value;
  for (int p = 0; p < n; ++p)
    for (int k = 0; k < d; ++k) {
      CHECK(x[p * d + k] == Approx(0.5 + t(p, k)).margin(1e-6));
      CHECK(y[p * d + k] == Approx(x[p * d + k]).margin(1e-6));  // a shift by N = n changes nothing
    }
  CHECK(pe::find_scheme("fourier").info->where == pe::Site::input);
  CHECK(pe::find_scheme("fope").info->where == pe::Site::query_key);
  CHECK(s->param_specs(pe::LayerShape{n, d, 1, false}).empty());
}
