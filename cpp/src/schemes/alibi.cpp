#include "pe/schemes/alibi.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {

// get_slopes_power_of_2(n): start = 2^(-2^-(log2(n) - 3)), slopes start * start^i.
void slopes_power_of_2(int n, std::vector<double>& out) {
  const double start = std::pow(2.0, -std::pow(2.0, -(std::log2(static_cast<double>(n)) - 3.0)));
  const double ratio = start;
  for (int i = 0; i < n; ++i) out.push_back(start * std::pow(ratio, static_cast<double>(i)));
}

bool is_power_of_2(int n) { return n > 0 && (n & (n - 1)) == 0; }

}  // namespace

std::vector<double> alibi_slopes(int heads) {
  require(heads >= 1, "alibi: needs at least one head (got " + std::to_string(heads) + ")");
  std::vector<double> out;
  if (is_power_of_2(heads)) {
    slopes_power_of_2(heads, out);
    return out;
  }
  int closest = 1;
  while (closest * 2 < heads) closest *= 2;  // largest power of two below heads
  slopes_power_of_2(closest, out);
  std::vector<double> twice;
  slopes_power_of_2(2 * closest, twice);
  for (int i = 0; static_cast<int>(out.size()) < heads; i += 2) out.push_back(twice[i]);
  return out;
}

Table AlibiScheme::table(int n, int d, int heads) const {
  check_table_shape("alibi", n, d, heads);
  check_bias_cells("alibi", heads, n);
  const auto m = alibi_slopes(heads);
  const auto H = static_cast<std::size_t>(heads), N = static_cast<std::size_t>(n);
  xt::xarray<double> slopes = xt::zeros<double>({H});
  xt::xarray<double> bias = xt::zeros<double>({H, N, N});
  xt::xarray<double> profile = xt::zeros<double>({H, N});
  const double masked = std::numeric_limits<double>::quiet_NaN();
  for (int h = 0; h < heads; ++h) {
    slopes(h) = m[h];
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        bias(h, i, j) = (causal_ && j > i) ? masked : 0.0 - m[h] * std::abs(i - j);  // 0.0 - x: no -0 in the JSON
    for (int r = 0; r < n; ++r) profile(h, r) = 0.0 - m[h] * r;
  }
  Table t;
  t.add("slopes", std::move(slopes));
  t.add("bias", std::move(bias));
  t.add("profile", std::move(profile));
  return t;
}

void AlibiScheme::prepare(const LayerShape& shape) {
  require(!causal_ || shape.causal,
          "alibi: causal=true defines no bias for keys after the query; use a causal mask or causal=false");
  slopes_ = alibi_slopes(shape.heads);
}

void AlibiScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                                 int ld) const {
  (void)hv;
  const double m = slopes_.at(static_cast<std::size_t>(h));
  for (int i = b.i0; i < b.i1; ++i) {
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j) row[j - b.j0] += static_cast<float>(-m * std::abs(pos[j] - pos[i]));
  }
}

void AlibiScheme::add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                          const float* dlogits, int ld, HeadGrad hg) const {
  // -m_h |pos_j - pos_i| is a constant: no tensor to accumulate, no q or k gradient.
  (void)h; (void)hv; (void)pos; (void)causal; (void)b; (void)dlogits; (void)ld; (void)hg;
}

}  // namespace pe
