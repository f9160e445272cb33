#include "pe/schemes/sandwich.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/table_checks.hpp"

namespace pe {

double sandwich_bias(int dim, int h, int heads, double r) {
  double dot = 0;
  for (int k = 1; k <= dim / 2; ++k) dot += std::cos(r * std::pow(10000.0, -2.0 * k / dim));
  return (dot - dim / 2) / (8.0 * (h + 1) / heads);
}

int SandwichScheme::width(int dh) const {
  const int D = dim_ > 0 ? dim_ : dh;
  require(D >= 2 && D % 2 == 0, "sandwich: dim=" + std::to_string(D) + (dim_ > 0 ? "" : " (the head width)") +
                                    " must be even and at least 2");
  return D;
}

Table SandwichScheme::table(int n, int d, int heads) const {
  check_table_shape("sandwich", n, d, heads);
  require(d % heads == 0, "sandwich: width " + std::to_string(d) + " is not divisible by heads " +
                              std::to_string(heads));
  check_bias_cells("sandwich", heads, n);
  const int D = width(d / heads);
  const auto H = static_cast<std::size_t>(heads), N = static_cast<std::size_t>(n);
  xt::xarray<double> inv_freq = xt::zeros<double>({static_cast<std::size_t>(D / 2)});
  xt::xarray<double> scales = xt::zeros<double>({H});
  xt::xarray<double> bias = xt::zeros<double>({H, N, N});
  xt::xarray<double> profile = xt::zeros<double>({H, N});
  for (int k = 1; k <= D / 2; ++k) inv_freq(k - 1) = std::pow(10000.0, -2.0 * k / D);
  for (int h = 0; h < heads; ++h) {
    scales(h) = 8.0 * (h + 1) / heads;
    for (int r = 0; r < n; ++r) profile(h, r) = sandwich_bias(D, h, heads, r);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) bias(h, i, j) = profile(h, static_cast<std::size_t>(std::abs(i - j)));
  }
  Table t;
  t.add("inv_freq", std::move(inv_freq));
  t.add("scales", std::move(scales));
  t.add("bias", std::move(bias));
  t.add("profile", std::move(profile));
  return t;
}

void SandwichScheme::prepare(const LayerShape& shape) {
  require(shape.heads >= 1 && shape.n >= 1, "sandwich: needs at least one head and one token");
  width_ = width(shape.dh());
  heads_ = shape.heads;
  profile_.assign(static_cast<std::size_t>(heads_) * shape.n, 0.0f);
  for (int h = 0; h < heads_; ++h)
    for (int r = 0; r < shape.n; ++r)
      profile_[static_cast<std::size_t>(h) * shape.n + r] = static_cast<float>(sandwich_bias(width_, h, heads_, r));
}

void SandwichScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                                    int ld) const {
  (void)hv;
  require(h >= 0 && h < heads_, "sandwich: head " + std::to_string(h) + " was not prepared");
  const int n = static_cast<int>(profile_.size()) / heads_;
  const float* prof = profile_.data() + static_cast<std::size_t>(h) * n;  // (n)
  for (int i = b.i0; i < b.i1; ++i) {
    float* row = out + static_cast<std::size_t>(i - b.i0) * ld;
    const int j_end = causal ? std::min(b.j1, i + 1) : b.j1;
    for (int j = b.j0; j < j_end; ++j) {
      const int r = std::abs(pos[j] - pos[i]);  // distances past n - 1 (spread positions): computed here
      row[j - b.j0] += r < n ? prof[r] : static_cast<float>(sandwich_bias(width_, h, heads_, r));
    }
  }
}

void SandwichScheme::add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                             const float* dlogits, int ld, HeadGrad hg) const {
  // A constant of the positions: no tensor, no q or k gradient.
  (void)h; (void)hv; (void)pos; (void)causal; (void)b; (void)dlogits; (void)ld; (void)hg;
}

}  // namespace pe
