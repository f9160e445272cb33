#include "pe/schemes/fope.hpp"

#include <algorithm>
#include <cmath>
#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/rng.hpp"
#include "pe/schemes/rope.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {

constexpr double kPi = 3.14159265358979323846;

// 64-bit even under WASM: heads, n, pairs are each below 2^17, so the product fits.
void check_work(std::uint64_t heads, std::uint64_t n, std::uint64_t pairs, const std::string& what) {
  const std::uint64_t work = heads * n * pairs * pairs;
  require(work <= fope_max_work, "fope: " + what + " needs " + std::to_string(work) +
                                     " multiply-adds ((dh/2)^2 per position and head), past the limit " +
                                     std::to_string(fope_max_work) + " (use fewer positions, heads or a narrower head)");
}

}  // namespace

FopeScheme::FopeScheme(Params p)
    : Scheme(std::move(p)),
      theta_(params_.number("theta")),
      sigma_(params_.number("sigma")),
      train_len_(params_.integer("train_len")),
      init_(params_.choice("init") == "eye_norm" ? FopeInit::eye_norm : FopeInit::eye_xavier_norm),
      ignore_zero_(params_.flag("ignore_zero")),
      seed_(static_cast<std::uint64_t>(params_.number("seed"))) {}

const SchemeInfo& FopeScheme::static_info() {
  static const SchemeInfo info{
      "fope", "Fourier position embedding (FoPE)", Site::query_key, "queries and keys (mixed and rotated in place)",
      "RoPE whose under-trained low frequencies are dropped and whose dimensions mix several frequencies through "
      "fixed per-head coefficients.",
      "Hua et al. 2024, Fourier Position Embedding, arXiv 2412.17739",
      "authors' OLMo fork: olmo/model.py FourierEmbedding (defaults of olmo/config.py: fourier_init=eye_xavier_norm, "
      "gain 0.3, fourier_ignore_zero, separate basis and heads)",
      {{"theta", ParamKind::number, "10000", 0.0, 1e12, {}, "frequency base: w_m = theta^(-2m/dh)", true},
       {"train_len", ParamKind::integer, "512", 1.0, 1e9, {},
        "training length: frequencies below 2 pi / train_len are set to 0", false},
       {"init", ParamKind::choice, "eye_xavier_norm", 0, 0, {"eye_xavier_norm", "eye_norm"},
        "coefficient noise: eye_xavier_norm (the fork's default) std = sigma*sqrt(2/(out*(in+heads))), "
        "torch xavier_normal_ of the (heads, in, out) tensor; eye_norm std = sigma",
        false},
       {"sigma", ParamKind::number, "0.3", 0.0, 10.0, {},
        "noise gain (the fork's fourier_init_norm_gain): xavier gain for eye_xavier_norm, the std itself for eye_norm",
        false},
       {"ignore_zero", ParamKind::boolean, "true", 0, 0, {},
        "drop the zeroed frequencies (the fork's default): out = min(#nonzero, dh/4) mixed pairs, the rest padded "
        "with cos = sin = 1; false keeps them as inputs with out = dh/2",
        false},
       {"seed", ParamKind::integer, "0", 0.0, 4294967295.0, {}, "seed of the coefficient matrices", false}},
      ShiftInvariance::variant};
  return info;
}

std::vector<double> fope_inv_freq(int dh, double theta, int train_len) {
  auto inv = rope_default_inv_freq(dh, theta);
  const double floor_freq = 2.0 * kPi / train_len;
  for (auto& w : inv)
    if (w < floor_freq) w = 0.0;
  return inv;
}

std::vector<double> fope_kept_freq(const std::vector<double>& inv_freq, bool ignore_zero) {
  if (!ignore_zero) return inv_freq;
  std::vector<double> kept;
  for (double w : inv_freq)
    if (w != 0.0) kept.push_back(w);
  return kept;
}

int fope_output_dim(int dh, int in, bool ignore_zero) { return ignore_zero ? std::min(in, dh / 4) : dh / 2; }

double fope_noise_std(FopeInit init, double sigma, int heads, int in, int out) {
  if (init == FopeInit::eye_norm) return sigma;
  if (out == 0) return 0.0;  // an empty tensor: nothing is drawn
  // torch _calculate_fan_in_and_fan_out of (heads, in, out): fan_in = in*out, fan_out = heads*out.
  const double fan_in = static_cast<double>(in) * out, fan_out = static_cast<double>(heads) * out;
  return sigma * std::sqrt(2.0 / (fan_in + fan_out));
}

void fope_coefficients(std::uint64_t seed, int h, int in, int out, double noise_std, std::vector<double>& cos_coef,
                       std::vector<double>& sin_coef) {
  const std::size_t size = static_cast<std::size_t>(in) * out;
  const int step = out > 0 ? (in + out - 1) / out : 1;  // the fork's get_step_eye: ceil(in / out)
  cos_coef.assign(size, 0.0);
  sin_coef.assign(size, 0.0);
  for (int which = 0; which < 2; ++which) {
    auto& c = which == 0 ? cos_coef : sin_coef;
    Rng rng(seed_mix(seed, 2 * static_cast<std::uint64_t>(h) + which));
    for (int m = 0; m < in; ++m)
      for (int k = 0; k < out; ++k)
        c[static_cast<std::size_t>(m) * out + k] = (m == k * step ? 1.0 : 0.0) + noise_std * rng.normal();
  }
}

void fope_mix_basis(const double* cs, const double* sn, int in, const double* cos_coef, const double* sin_coef,
                    int out, int pairs, double* fc, double* fs) {
  const std::size_t o = static_cast<std::size_t>(out);
  for (std::size_t k = 0; k < o; ++k) fc[k] = fs[k] = 0.0;
  for (std::size_t k = o; k < static_cast<std::size_t>(pairs); ++k) fc[k] = fs[k] = 1.0;  // the fork's pad value 1
  for (std::size_t m = 0; m < static_cast<std::size_t>(in); ++m) {
    const double c = cs[m], s = sn[m];
    const double* cr = cos_coef + m * o;
    const double* sr = sin_coef + m * o;
    for (std::size_t k = 0; k < o; ++k) {
      fc[k] += c * cr[k];
      fs[k] += s * sr[k];
    }
  }
}

void fope_mix(double p, const std::vector<double>& freq, const std::vector<double>& cos_coef,
              const std::vector<double>& sin_coef, int out, int pairs, double* fc, double* fs) {
  std::vector<double> cs(freq.size()), sn(freq.size());
  for (std::size_t m = 0; m < freq.size(); ++m) {
    cs[m] = std::cos(p * freq[m]);
    sn[m] = std::sin(p * freq[m]);
  }
  fope_mix_basis(cs.data(), sn.data(), static_cast<int>(freq.size()), cos_coef.data(), sin_coef.data(), out, pairs,
                 fc, fs);
}

Table FopeScheme::table(int n, int d, int heads) const {
  check_table_shape("fope", n, d, heads);
  rotary_check_head_width("fope", d);
  const int dr = d;
  const std::size_t pairs = static_cast<std::size_t>(dr / 2);
  // Coefficients for every head, then head 0's mixing at N + 1 positions.
  check_work(1, static_cast<std::uint64_t>(heads) + n + 1, pairs, "this table");
  require(static_cast<std::uint64_t>(heads) * pairs * pairs <= limits::max_table_cells,
          "fope: coefficient tables of " + std::to_string(heads) + " x " + std::to_string(pairs) + " x " +
              std::to_string(pairs) + " values are too large");
  const auto inv = fope_inv_freq(dr, theta_, train_len_);
  const auto freq = fope_kept_freq(inv, ignore_zero_);
  const int in = static_cast<int>(freq.size()), out = fope_output_dim(dr, in, ignore_zero_);
  const std::size_t cells = static_cast<std::size_t>(in) * out;
  const auto seed = seed_;
  const double noise_std = fope_noise_std(init_, sigma_, heads, in, out);

  const auto H = static_cast<std::size_t>(heads);
  xt::xarray<double> cos_all = xt::zeros<double>({H, static_cast<std::size_t>(in), static_cast<std::size_t>(out)});
  xt::xarray<double> sin_all = xt::zeros<double>({H, static_cast<std::size_t>(in), static_cast<std::size_t>(out)});
  std::vector<double> cc, sc, cc0, sc0;
  for (int h = 0; h < heads; ++h) {
    fope_coefficients(seed, h, in, out, noise_std, cc, sc);
    std::copy(cc.begin(), cc.end(), cos_all.data() + h * cells);
    std::copy(sc.begin(), sc.end(), sin_all.data() + h * cells);
    if (h == 0) {
      cc0 = cc;
      sc0 = sc;
    }
  }
  // profile: head 0, key at position 0, query at r.
  std::vector<double> fc0(pairs), fs0(pairs), fc(pairs), fs(pairs);
  fope_mix(0.0, freq, cc0, sc0, out, dr / 2, fc0.data(), fs0.data());
  xt::xarray<double> profile = xt::zeros<double>({std::size_t(1), static_cast<std::size_t>(n)});
  for (int r = 0; r < n; ++r) {
    fope_mix(r, freq, cc0, sc0, out, dr / 2, fc.data(), fs.data());
    double s = 0.0;
    for (std::size_t k = 0; k < pairs; ++k) s += 2.0 * (fc[k] * fc0[k] + fs[k] * fs0[k]);
    profile(0, r) = s;
  }
  Table t;
  t.add("inv_freq", xt::adapt(inv, {inv.size()}));
  t.add("attention_factor", xt::xarray<double>(1.0));
  t.add("angles", rope_angles_table(n, inv));
  t.add("floor_freq", xt::xarray<double>(2.0 * kPi / train_len_));
  t.add("noise_std", xt::xarray<double>(noise_std));
  t.add("cos_coef", std::move(cos_all));
  t.add("sin_coef", std::move(sin_all));
  t.add("profile", std::move(profile));
  return t;
}

void FopeScheme::prepare(const LayerShape& shape) {
  require(shape.heads >= 1 && shape.d % shape.heads == 0,
          "fope: model width " + std::to_string(shape.d) + " is not a multiple of heads " + std::to_string(shape.heads));
  rotary_check_head_width("fope", shape.dh());
  const int dr = shape.dh();
  const std::size_t pairs = static_cast<std::size_t>(dr / 2);
  check_work(shape.heads, std::max(shape.n, 1), pairs, "this layer");
  freq_ = fope_kept_freq(fope_inv_freq(dr, theta_, train_len_), ignore_zero_);
  const int in = static_cast<int>(freq_.size());
  out_ = fope_output_dim(dr, in, ignore_zero_);
  const std::size_t cells = static_cast<std::size_t>(in) * out_;
  const double noise_std = fope_noise_std(init_, sigma_, shape.heads, in, out_);
  cos_coef_.assign(shape.heads * cells, 0.0);
  sin_coef_.assign(cos_coef_.size(), 0.0);
  std::vector<double> cc, sc;
  for (int h = 0; h < shape.heads; ++h) {
    fope_coefficients(seed_, h, in, out_, noise_std, cc, sc);
    std::copy(cc.begin(), cc.end(), cos_coef_.begin() + h * cells);
    std::copy(sc.begin(), sc.end(), sin_coef_.begin() + h * cells);
  }
  prepared_dh_ = shape.dh();
  prepared_heads_ = shape.heads;
}

void FopeScheme::apply(float* q, float* k, int heads, int n, int dh, const int* pos, float sign) const {
  require(dh == prepared_dh_ && heads <= prepared_heads_,
          "fope: encode_query_key for head width " + std::to_string(dh) + " and " + std::to_string(heads) +
              " heads was not prepared");
  const std::size_t pairs = static_cast<std::size_t>(dh / 2);
  const int in = static_cast<int>(freq_.size());
  const std::size_t cells = freq_.size() * static_cast<std::size_t>(out_);
  // (n, in) cos(p u_m) and sin(p u_m), shared by every head.
  std::vector<double> basis_c(static_cast<std::size_t>(n) * freq_.size()), basis_s(basis_c.size());
  for (int i = 0; i < n; ++i)
    for (int m = 0; m < in; ++m) {
      const double a = static_cast<double>(pos[i]) * freq_[m];
      basis_c[static_cast<std::size_t>(i) * in + m] = std::cos(a);
      basis_s[static_cast<std::size_t>(i) * in + m] = std::sin(a);
    }
  // (heads, n, pairs) mixed cos/sin, shared by queries and keys.
  std::vector<float> fc_all(static_cast<std::size_t>(heads) * n * pairs), fs_all(fc_all.size());
  std::vector<double> fc(pairs), fs(pairs);
  for (int h = 0; h < heads; ++h) {
    const double* cc = cos_coef_.data() + h * cells;  // (in, out)
    const double* sc = sin_coef_.data() + h * cells;
    for (int i = 0; i < n; ++i) {
      const std::size_t b = static_cast<std::size_t>(i) * in;
      fope_mix_basis(basis_c.data() + b, basis_s.data() + b, in, cc, sc, out_, dh / 2, fc.data(), fs.data());
      const std::size_t t = (static_cast<std::size_t>(h) * n + i) * pairs;
      for (std::size_t j = 0; j < pairs; ++j) {
        fc_all[t + j] = static_cast<float>(fc[j]);
        fs_all[t + j] = sign * static_cast<float>(fs[j]);
      }
    }
  }
  const std::size_t stride = static_cast<std::size_t>(n) * pairs;
  rope_rotate_rows(q, heads, n, dh, dh, fc_all.data(), fs_all.data(), stride, RopeLayout::half);
  rope_rotate_rows(k, heads, n, dh, dh, fc_all.data(), fs_all.data(), stride, RopeLayout::half);
}

RotaryPairs FopeScheme::rotary_pairs(int dh, int n, const int* pos) const {
  (void)n; (void)pos;
  require(dh == prepared_dh_, "fope: rotary_pairs for head width " + std::to_string(dh) + " was not prepared");
  // Pair k < out mixes every kept frequency; the step eye puts its weight on u_{k step}.
  const int in = static_cast<int>(freq_.size());
  const int step = out_ > 0 ? (in + out_ - 1) / out_ : 1;
  std::vector<double> freq(static_cast<std::size_t>(dh / 2), 0.0);
  for (int k = 0; k < out_ && k * step < in; ++k) freq[k] = freq_[k * step];
  RotaryPairs r = rope_pairs(RopeLayout::half, dh, freq);
  r.note = "each of the first " + std::to_string(out_) +
           " pairs mixes every kept frequency by fixed noisy per-head coefficients; inv_freq is the frequency on "
           "its diagonal (the step eye), 0 for the " + std::to_string(dh / 2 - out_) +
           " padded pairs, which turn by a fixed position-free map";
  return r;
}

void FopeScheme::encode_query_key(float* q, float* k, int heads, int n, int dh, const int* pos) const {
  apply(q, k, heads, n, dh, pos, 1.0f);
}

void FopeScheme::encode_query_key_backward(float* dq, float* dk, int heads, int n, int dh, const int* pos) const {
  apply(dq, dk, heads, n, dh, pos, -1.0f);  // the transpose: the same map with Fs negated
}

}  // namespace pe
