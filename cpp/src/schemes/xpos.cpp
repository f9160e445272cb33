#include "pe/schemes/xpos.hpp"

#include <algorithm>
#include <cmath>
#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/table_checks.hpp"

namespace pe {

const SchemeInfo& XposScheme::static_info() {
  static const SchemeInfo info{
      "xpos", "Extrapolatable position embedding (xPos)", Site::query_key,
      "queries and keys (rotated and scaled in place)",
      "RoPE plus a per-pair exponential scale: queries grow and keys shrink with position, so logits decay "
      "with distance.",
      "Sun et al. 2022, A Length-Extrapolatable Transformer",
      "microsoft/torchscale: torchscale/component/xpos_relative_position.py",
      {{"theta", ParamKind::number, "10000", 0.0, 1e12, {}, "frequency base: inv_freq[k] = theta^(-2k/dh)", true},
       {"layout", ParamKind::choice, "interleaved", 0, 0, {"interleaved", "half"},
        "interleaved pairs (2k, 2k+1) as torchscale, or half-split (k, k+dh/2)", false},
       {"scale_base", ParamKind::number, "512", 0.0, 1e9, {},
        "decay scale: logits carry zeta^((i-j)/scale_base)", true}},
      ShiftInvariance::invariant};
  return info;
}

XposScheme::XposScheme(Params p)
    : Scheme(std::move(p)),
      theta_(params_.number("theta")),
      scale_base_(params_.number("scale_base")),
      layout_(params_.choice("layout") == "half" ? RopeLayout::half : RopeLayout::interleaved) {}

std::vector<double> xpos_scale(int dr) {
  std::vector<double> z(static_cast<std::size_t>(dr / 2));
  for (int k = 0; k < dr / 2; ++k) z[k] = (2.0 * k + 0.4 * dr) / (1.4 * dr);
  return z;
}

int xpos_centred(int p, int total_len) {
  const int half_up = total_len >= 0 ? (total_len + 1) / 2 : -((-total_len) / 2);  // ceil(T / 2)
  return p - half_up;
}

Table XposScheme::table(int n, int d, int heads) const {
  check_table_shape("xpos", n, d, heads);
  rotary_check_head_width("xpos", d);
  const int dr = d;
  const auto inv = rope_default_inv_freq(dr, theta_);
  const auto zeta = xpos_scale(dr);
  const double sb = scale_base_;
  xt::xarray<double> profile = xt::zeros<double>({std::size_t(1), static_cast<std::size_t>(n)});
  for (int r = 0; r < n; ++r) {
    double s = 0.0;
    for (std::size_t k = 0; k < inv.size(); ++k) s += 2.0 * std::cos(r * inv[k]) * std::pow(zeta[k], r / sb);
    profile(0, r) = s;
  }
  Table t;
  t.add("inv_freq", xt::adapt(inv, {inv.size()}));
  t.add("attention_factor", xt::xarray<double>(1.0));
  t.add("angles", rope_angles_table(n, inv));
  t.add("scale", xt::adapt(zeta, {zeta.size()}));
  t.add("profile", std::move(profile));
  return t;
}

void XposScheme::prepare(const LayerShape& shape) {
  require(shape.heads >= 1 && shape.d % shape.heads == 0,
          "xpos: model width " + std::to_string(shape.d) + " is not a multiple of heads " + std::to_string(shape.heads));
  rotary_check_head_width("xpos", shape.dh());
  inv_freq_ = rope_default_inv_freq(shape.dh(), theta_);
  zeta_ = xpos_scale(shape.dh());
  prepared_dh_ = shape.dh();
}

void XposScheme::apply(float* q, float* k, int heads, int n, int dh, const int* pos, float sign) const {
  if (n <= 0) return;
  require(dh == prepared_dh_, "xpos: encode_query_key for head width " + std::to_string(dh) + " was not prepared");
  const int dr = dh;
  const int pairs = dr / 2;
  const int total = *std::max_element(pos, pos + n) + 1;  // torchscale's length + offset
  // (n, pairs) cos/sin with the query scale and with the key scale folded in.
  std::vector<float> qc(static_cast<std::size_t>(n) * pairs), qs(qc.size()), kc(qc.size()), ks(qc.size());
  for (int i = 0; i < n; ++i) {
    const double s = xpos_centred(pos[i], total) / scale_base_;
    for (int j = 0; j < pairs; ++j) {
      const double a = static_cast<double>(pos[i]) * inv_freq_[j];
      const double up = std::pow(zeta_[j], s), down = std::pow(zeta_[j], -s);
      const std::size_t t = static_cast<std::size_t>(i) * pairs + j;
      qc[t] = static_cast<float>(up * std::cos(a));
      qs[t] = sign * static_cast<float>(up * std::sin(a));
      kc[t] = static_cast<float>(down * std::cos(a));
      ks[t] = sign * static_cast<float>(down * std::sin(a));
    }
  }
  rope_rotate_rows(q, heads, n, dh, dr, qc.data(), qs.data(), 0, layout_);
  rope_rotate_rows(k, heads, n, dh, dr, kc.data(), ks.data(), 0, layout_);
}

RotaryPairs XposScheme::rotary_pairs(int dh, int n, const int* pos) const {
  (void)n; (void)pos;
  require(dh == prepared_dh_, "xpos: rotary_pairs for head width " + std::to_string(dh) + " was not prepared");
  RotaryPairs r = rope_pairs(layout_, dh, inv_freq_);
  r.note = "pair k also decays as zeta_k^((i - j) / scale_base), zeta_k from 0.29 (k = 0, the highest frequency) toward 1 (the lowest)";
  return r;
}

void XposScheme::encode_query_key(float* q, float* k, int heads, int n, int dh, const int* pos) const {
  apply(q, k, heads, n, dh, pos, 1.0f);
}

void XposScheme::encode_query_key_backward(float* dq, float* dk, int heads, int n, int dh, const int* pos) const {
  apply(dq, dk, heads, n, dh, pos, -1.0f);  // each with its own factor, rotated back
}

}  // namespace pe
