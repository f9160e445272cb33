#include "pe/schemes/rope.hpp"

#include "pe/kernels.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::string fmt(double v) {
  std::ostringstream o;
  o.precision(10);
  o << v;
  return o.str();
}

// theta^(2k/dr) exponent of NTK-style scalings: dr/(dr-2), undefined for dr = 2.
double ntk_exponent(const RopeConfig& c, int dr) {
  require(dr > 2, "rope: scaling=" + c.scaling + " needs a rotated width of at least 4 (its exponent is dr/(dr-2)); dr=" +
                      std::to_string(dr));
  return static_cast<double>(dr) / (dr - 2);
}

const std::vector<double>& longrope_ext(const RopeConfig& c, int dr, bool use_long, std::vector<double>& ones) {
  const std::string key = use_long ? "long_factor" : "short_factor";
  const std::vector<double>& ext = use_long ? c.long_factor : c.short_factor;
  if (ext.empty()) {
    ones.assign(static_cast<std::size_t>(dr / 2), 1.0);
    return ones;
  }
  require(static_cast<int>(ext.size()) == dr / 2,
          "rope: " + key + " has " + std::to_string(ext.size()) + " entries; it needs one per rotated pair (dr/2 = " +
              std::to_string(dr / 2) + ")");
  return ext;
}

}  // namespace

const SchemeInfo& RopeScheme::static_info() {
  static const SchemeInfo info{
      "rope", "Rotary position embedding (RoPE)", Site::query_key, "queries and keys (rotated in place)",
      "Rotates each pair of query and key dimensions by position times a frequency, so q.k depends only on the "
      "relative distance.",
      "Su et al. 2021, RoFormer: Enhanced Transformer with Rotary Position Embedding",
      "huggingface/transformers: src/transformers/modeling_rope_utils.py (scalings), "
      "src/transformers/models/llama/modeling_llama.py rotate_half (half layout)",
      {{"theta", ParamKind::number, "10000", 0.0, 1e12, {}, "frequency base: inv_freq[k] = theta^(-2k/dr)", true},
       {"layout", ParamKind::choice, "half", 0, 0, {"half", "interleaved"},
        "half: pair k is dims (k, k+dr/2) as GPT-NeoX/HF Llama; interleaved: (2k, 2k+1) as GPT-J/RoFormer", false},
       {"partial", ParamKind::number, "1", 0.0, 1.0, {},
        "rotary fraction: the first int(dh*partial) dims rotate (must be even), the rest pass through", true},
       {"scaling", ParamKind::choice, "none", 0, 0, {"none", "linear", "ntk", "dynamic", "yarn", "llama3", "longrope"},
        "context-extension scaling of the frequencies, as HF modeling_rope_utils.py", false},
       {"factor", ParamKind::number, "8", 1.0, 1024.0, {}, "scaling factor (linear, ntk, dynamic, yarn, llama3, longrope)",
        false},
       {"original_max", ParamKind::integer, "8192", 2.0, 1e9, {},
        "original (pre-training) context length L0 (yarn, llama3, longrope)", false},
       {"max_pos", ParamKind::integer, "8192", 1.0, 1e9, {}, "max_position_embeddings (dynamic)", false},
       {"seq_len", ParamKind::integer, "0", 0.0, 1e9, {},
        "current sequence length for dynamic and longrope; 0 = the length being encoded", false},
       {"beta_fast", ParamKind::number, "32", 0.0, 1e6, {},
        "yarn: rotations where the ramp starts (low dims); 0 = the default 32, as HF", false},
       {"beta_slow", ParamKind::number, "1", 0.0, 1e6, {},
        "yarn: rotations where the ramp ends (high dims); 0 = the default 1, as HF", false},
       {"low_freq_factor", ParamKind::number, "1", 0.0, 1e6, {}, "llama3: wavelengths above L0/low are divided by factor",
        true},
       {"high_freq_factor", ParamKind::number, "4", 0.0, 1e6, {}, "llama3: wavelengths below L0/high are kept", true},
       {"attention_factor", ParamKind::number, "0", 0.0, 100.0, {},
        "multiplies cos and sin (yarn, longrope); 0 = the scaling's default", false},
       {"long_factor", ParamKind::list, "", 0.0, 1e6, {},
        "longrope: per-pair rescale factors used when seq_len > original_max (dr/2 values; empty = all 1)", true},
       {"short_factor", ParamKind::list, "", 0.0, 1e6, {},
        "longrope: per-pair rescale factors used when seq_len <= original_max (dr/2 values; empty = all 1)", true},
       {"p", ParamKind::number, "1", 0.0, 1.0, {},
        "p-RoPE: keep the int(p dr / 2) highest frequencies, set the lower ones to 0 (1: RoPE, 0: no rotation)",
        false},
       {"mscale", ParamKind::number, "0", 0.0, 100.0, {},
        "yarn: DeepSeek's mscale; with mscale_all_dim, af = get_mscale(factor, mscale) / get_mscale(factor, "
        "mscale_all_dim) (0: unset)", false},
       {"mscale_all_dim", ParamKind::number, "0", 0.0, 100.0, {}, "yarn: DeepSeek's mscale_all_dim (0: unset)", false}},
      ShiftInvariance::invariant};
  return info;
}

RopeConfig rope_config(const Params& p) {
  RopeConfig c;
  c.theta = p.number("theta");
  c.layout = p.choice("layout") == "interleaved" ? RopeLayout::interleaved : RopeLayout::half;
  c.partial = p.number("partial");
  c.scaling = p.choice("scaling");
  c.factor = p.number("factor");
  c.original_max = p.integer("original_max");
  c.max_pos = p.integer("max_pos");
  c.seq_len = p.integer("seq_len");
  c.beta_fast = p.number("beta_fast");
  c.beta_slow = p.number("beta_slow");
  c.low_freq_factor = p.number("low_freq_factor");
  c.high_freq_factor = p.number("high_freq_factor");
  c.attention_factor = p.number("attention_factor");
  c.long_factor = p.list("long_factor");
  c.short_factor = p.list("short_factor");
  c.p = p.number("p");
  c.mscale = p.number("mscale");
  c.mscale_all_dim = p.number("mscale_all_dim");
  return c;
}

int rope_rotated_width(const std::string& scheme, int dh, double partial) {
  const int dr = static_cast<int>(dh * partial);  // Python int(): truncation, as HF
  if (dr > 0 && dr % 2 == 0) return dr;  // (called per forward: no message built unless it fails)
  throw Error(scheme + ": rotated width int(dh * partial) = int(" + std::to_string(dh) + " * " + fmt(partial) +
              ") = " + std::to_string(dr) + " must be even and > 0 (change partial or the head width)");
}

void rotary_check_head_width(const std::string& scheme, int dh) {
  if (dh > 0 && dh % 2 == 0) return;
  throw Error(scheme + ": head width " + std::to_string(dh) + " must be even and > 0 (dimensions rotate in pairs)");
}

std::vector<double> rope_default_inv_freq(int dr, double theta) {
  std::vector<double> inv(static_cast<std::size_t>(dr / 2));
  for (int k = 0; k < dr / 2; ++k) inv[k] = 1.0 / std::pow(theta, (2.0 * k) / dr);
  return inv;
}

void yarn_correction_range(double beta_fast, double beta_slow, int dr, double theta, int original_max,
                           double* low, double* high) {
  auto corr = [&](double rotations) {
    return dr * std::log(original_max / (rotations * 2.0 * kPi)) / (2.0 * std::log(theta));
  };
  *low = std::max(std::floor(corr(beta_fast)), 0.0);
  *high = std::min(std::ceil(corr(beta_slow)), static_cast<double>(dr - 1));
}

RopeFreqs rope_frequencies(const RopeConfig& c, int dr, int seq_len) {
  const int pairs = dr / 2;
  const int L = c.seq_len > 0 ? c.seq_len : seq_len;
  RopeFreqs f;
  f.inv_freq = rope_default_inv_freq(dr, c.theta);
  auto& inv = f.inv_freq;
  if (c.scaling == "none") {
  } else if (c.scaling == "linear") {
    for (auto& v : inv) v /= c.factor;
  } else if (c.scaling == "ntk") {
    inv = rope_default_inv_freq(dr, c.theta * std::pow(c.factor, ntk_exponent(c, dr)));
  } else if (c.scaling == "dynamic") {
    const double len = std::max(L, c.max_pos);
    const double base = c.theta * std::pow(c.factor * len / c.max_pos - (c.factor - 1.0), ntk_exponent(c, dr));
    inv = rope_default_inv_freq(dr, base);
  } else if (c.scaling == "yarn") {
    // HF reads `rope_scaling.get("beta_fast") or 32` and `... or 1`: 0 means the default.
    const double beta_fast = c.beta_fast > 0 ? c.beta_fast : 32.0;
    const double beta_slow = c.beta_slow > 0 ? c.beta_slow : 1.0;
    double low, high;
    yarn_correction_range(beta_fast, beta_slow, dr, c.theta, c.original_max, &low, &high);
    if (low == high) high += 0.001;  // HF linear_ramp_factor: prevents a singularity
    for (int k = 0; k < pairs; ++k) {
      const double ramp = std::clamp((k - low) / (high - low), 0.0, 1.0);
      inv[k] = inv[k] / c.factor * ramp + inv[k] * (1.0 - ramp);
    }
    // HF _compute_yarn_parameters: get_mscale(s, m) = 0.1 m ln(s) + 1 (1 when s <= 1)
    auto get_mscale = [&](double m) { return c.factor <= 1.0 ? 1.0 : 0.1 * m * std::log(c.factor) + 1.0; };
    f.attention_factor = c.attention_factor > 0                       ? c.attention_factor
                         : (c.mscale > 0 && c.mscale_all_dim > 0) ? get_mscale(c.mscale) / get_mscale(c.mscale_all_dim)
                                                                   : get_mscale(1.0);
  } else if (c.scaling == "llama3") {
    require(c.high_freq_factor > c.low_freq_factor,
            "rope: high_freq_factor=" + fmt(c.high_freq_factor) + " must be greater than low_freq_factor=" +
                fmt(c.low_freq_factor));
    const double L0 = c.original_max;
    const double low_wavelen = L0 / c.low_freq_factor, high_wavelen = L0 / c.high_freq_factor;
    for (auto& v : inv) {
      const double w = 2.0 * kPi / v;
      if (w < high_wavelen) continue;  // high frequencies: unchanged
      if (w > low_wavelen) {           // low frequencies: interpolated by factor
        v /= c.factor;
      } else {  // medium band: smooth blend
        const double s = (L0 / w - c.low_freq_factor) / (c.high_freq_factor - c.low_freq_factor);
        v = (1.0 - s) * v / c.factor + s * v;
      }
    }
  } else if (c.scaling == "longrope") {
    std::vector<double> ones;
    const auto& ext = longrope_ext(c, dr, L > c.original_max, ones);
    // Both lists are checked, so a wrong length fails whichever list is in use.
    std::vector<double> unused;
    longrope_ext(c, dr, !(L > c.original_max), unused);
    for (int k = 0; k < pairs; ++k) inv[k] = 1.0 / (ext[k] * std::pow(c.theta, (2.0 * k) / dr));
    f.attention_factor = c.attention_factor > 0 ? c.attention_factor
                         : c.factor <= 1.0
                             ? 1.0
                             : std::sqrt(1.0 + std::log(c.factor) / std::log(static_cast<double>(c.original_max)));
  } else {
    throw Error("rope: scaling='" + c.scaling + "' is not one of none|linear|ntk|dynamic|yarn|llama3|longrope");
  }
  // p-RoPE: the lowest frequencies carry no position (Python's int(p * dr // 2) kept).
  const int kept = static_cast<int>(std::floor(c.p * dr / 2.0));
  for (int k = std::max(kept, 0); k < pairs; ++k) inv[k] = 0.0;
  return f;
}

void rope_rotate_rows(float* x, int heads, int n, int dh, int dr, const float* cos, const float* sin,
                      std::size_t head_stride, RopeLayout layout) {
  const int pairs = dr / 2;
  for (int h = 0; h < heads; ++h) {
    float* xh = x + static_cast<std::size_t>(h) * n * dh;  // (n, dh)
    const float* ch = cos + h * head_stride;               // (n, pairs)
    const float* sh = sin + h * head_stride;
    if (layout == RopeLayout::half) rows_rotate_half(xh, dh, n, pairs, ch, sh, pairs);
    else rows_rotate_interleaved(xh, dh, n, pairs, ch, sh, pairs);
  }
}

RotaryPairs rope_pairs(RopeLayout layout, int dr, const std::vector<double>& inv_freq) {
  const int pairs = dr / 2;
  RotaryPairs r;
  r.inv_freq = inv_freq;
  for (int k = 0; k < pairs; ++k) {
    r.dim_a.push_back(layout == RopeLayout::half ? k : 2 * k);
    r.dim_b.push_back(layout == RopeLayout::half ? k + pairs : 2 * k + 1);
  }
  return r;
}

int rope_encoded_length(const int* pos, int n) {
  if (n <= 0) return 0;
  return *std::max_element(pos, pos + n) + 1;
}

xt::xarray<double> rope_angles_table(int n, const std::vector<double>& inv_freq) {
  const std::size_t pairs = inv_freq.size();
  xt::xarray<double> a = xt::zeros<double>({static_cast<std::size_t>(n), pairs});
  for (int p = 0; p < n; ++p)
    for (std::size_t k = 0; k < pairs; ++k) a(p, k) = p * inv_freq[k];
  return a;
}

Table RopeScheme::table(int n, int d, int heads) const {
  check_table_shape("rope", n, d, heads);
  const RopeConfig& c = config_;
  const int dr = rope_rotated_width("rope", d, c.partial);
  const RopeFreqs f = rope_frequencies(c, dr, n);
  const double af2 = f.attention_factor * f.attention_factor;
  xt::xarray<double> profile = xt::zeros<double>({std::size_t(1), static_cast<std::size_t>(n)});
  for (int r = 0; r < n; ++r) {
    double s = 0.0;
    for (double w : f.inv_freq) s += 2.0 * std::cos(r * w);
    profile(0, r) = af2 * s;
  }
  Table t;
  t.add("inv_freq", xt::adapt(f.inv_freq, {f.inv_freq.size()}));
  t.add("attention_factor", xt::xarray<double>(f.attention_factor));
  t.add("angles", rope_angles_table(n, f.inv_freq));
  t.add("profile", std::move(profile));
  return t;
}

void RopeScheme::prepare(const LayerShape& shape) {
  require(shape.heads >= 1 && shape.d % shape.heads == 0,
          "rope: model width " + std::to_string(shape.d) + " is not a multiple of heads " + std::to_string(shape.heads));
  prepared_dr_ = rope_rotated_width("rope", shape.dh(), config_.partial);
  freqs_ = rope_frequencies(config_, prepared_dr_, shape.n);
  // HF's dynamic_rope_update reads seq_len = max(position_ids) + 1, which is n only for
  // positions 0..n-1: with seq_len = 0 the length-dependent scalings are computed per
  // call from the positions actually encoded (dr/2 values, cheap).
  length_dependent_ =
      config_.seq_len == 0 && (config_.scaling == "dynamic" || config_.scaling == "longrope");
  prepared_dh_ = shape.dh();
}

void RopeScheme::rotate(float* q, float* k, int heads, int n, int dh, const int* pos, float sign) const {
  const RopeConfig& c = config_;
  const int dr = prepared_dr_;
  RopeFreqs local;
  const RopeFreqs* f = &freqs_;
  require(dh == prepared_dh_, "rope: encode_query_key for head width " + std::to_string(dh) + " was not prepared");
  if (length_dependent_) {
    local = rope_frequencies(c, dr, rope_encoded_length(pos, n));
    f = &local;
  }
  const int pairs = dr / 2;
  std::vector<float> cs(static_cast<std::size_t>(n) * pairs), sn(cs.size());  // (n, pairs)
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < pairs; ++j) {
      const double a = static_cast<double>(pos[i]) * f->inv_freq[j];
      cs[static_cast<std::size_t>(i) * pairs + j] = static_cast<float>(f->attention_factor * std::cos(a));
      sn[static_cast<std::size_t>(i) * pairs + j] = sign * static_cast<float>(f->attention_factor * std::sin(a));
    }
  rope_rotate_rows(q, heads, n, dh, dr, cs.data(), sn.data(), 0, c.layout);
  rope_rotate_rows(k, heads, n, dh, dr, cs.data(), sn.data(), 0, c.layout);
}

RotaryPairs RopeScheme::rotary_pairs(int dh, int n, const int* pos) const {
  require(dh == prepared_dh_, "rope: rotary_pairs for head width " + std::to_string(dh) + " was not prepared");
  const RopeFreqs f = length_dependent_ ? rope_frequencies(config_, prepared_dr_, rope_encoded_length(pos, n)) : freqs_;
  RotaryPairs r = rope_pairs(config_.layout, prepared_dr_, f.inv_freq);
  if (f.attention_factor != 1.0)
    r.note = "every pair is also scaled by attention_factor " + fmt(f.attention_factor) + " (logits by its square)";
  return r;
}

void RopeScheme::encode_query_key(float* q, float* k, int heads, int n, int dh, const int* pos) const {
  rotate(q, k, heads, n, dh, pos, 1.0f);
}

void RopeScheme::encode_query_key_backward(float* dq, float* dk, int heads, int n, int dh, const int* pos) const {
  rotate(dq, dk, heads, n, dh, pos, -1.0f);  // the transpose of a rotation: rotate back
}

}  // namespace pe
