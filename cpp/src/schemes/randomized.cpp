#include "pe/schemes/randomized.hpp"

#include <cmath>
#include <cstdio>
#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>

#include "pe/error.hpp"
#include "pe/registry.hpp"
#include "pe/rng.hpp"
#include "pe/schemes/learned.hpp"
#include "pe/schemes/sinusoidal.hpp"
#include "pe/table_checks.hpp"

namespace pe {

namespace {
constexpr std::uint64_t kDrawStream = 0x7a4d;  // randomized position draws

std::string fmt_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// The inner scheme's settings: the reference's choices (randomized.hpp).
Settings inner_settings(const std::string& inner, int L, std::uint64_t seed, double theta) {
  if (inner == "sinusoidal") return {{"base", fmt_number(theta)}, {"layout", "interleaved"}};
  if (inner == "learned") return {{"max_len", std::to_string(L)}, {"seed", std::to_string(seed)}};
  return {{"theta", fmt_number(theta)}, {"layout", "interleaved"}};  // rope
}
}  // namespace

void randomized_draw(int n, int L, std::uint64_t seed, std::uint64_t draw, int* out) {
  require(n >= 0 && n <= L, "randomized: a sequence of " + std::to_string(n) + " tokens needs " + std::to_string(n) +
                                " distinct positions, but noise_max_length=" + std::to_string(L) + " offers only " +
                                std::to_string(L) + " (raise noise_max_length to at least " + std::to_string(n) + ")");
  Rng rng(seed_mix(seed_mix(seed, kDrawStream), draw));
  std::vector<char> taken(static_cast<std::size_t>(L), 0);  // (L) 1: in the sample
  for (int j = L - n; j < L; ++j) {  // Floyd: every n-subset equally likely
    int t = static_cast<int>(rng.next_u64() % static_cast<std::uint64_t>(j + 1));
    if (taken[static_cast<std::size_t>(t)]) t = j;
    taken[static_cast<std::size_t>(t)] = 1;
  }
  int i = 0;
  for (int p = 0; p < L && i < n; ++p)
    if (taken[static_cast<std::size_t>(p)]) out[i++] = p;
}

const SchemeInfo& RandomizedScheme::static_info() {
  static const SchemeInfo info{
      "randomized", "Randomized positional encodings", Site::input,
      "wherever its inner scheme acts (sinusoidal, learned: token embeddings; rope: queries and keys)",
      "Each sequence gets a sorted random subset of the positions 0..L-1 instead of 0..n-1, fed to an inner "
      "sinusoidal, learned or rotary encoding, so long test sequences use positions already seen in training.",
      "Ruoss et al. 2023, Randomized Positional Encodings Boost Length Generalization of Transformers (ACL)",
      "google-deepmind/randomized_positional_encodings: models/positional_encodings.py "
      "noisy_fixed_positional_encodings, models/transformer.py (NOISY_SIN_COS, NOISY_LEARNT, NOISY_ROTARY)",
      {{"inner", ParamKind::choice, "sinusoidal", 0, 0, {"sinusoidal", "learned", "rope"},
        "the encoding run at the drawn positions (reference NOISY_SIN_COS, NOISY_LEARNT, NOISY_ROTARY)", false},
       {"noise_max_length", ParamKind::integer, "2048", 1, 65536, {},
        "L: positions are drawn from 0..L-1 (at least the longest sequence; the reference's example uses 2048)",
        false},
       {"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the position draws (and of a learned table)",
        false},
       {"theta", ParamKind::number, "10000", 1.0, 1e9, {},
        "wavelength base of sinusoidal and rope (the reference's max_time)", false}},
      ShiftInvariance::variant};
  return info;
}

RandomizedScheme::RandomizedScheme(Params p)
    : Scheme(std::move(p)),
      inner_name_(params_.choice("inner")),
      max_length_(params_.integer("noise_max_length")),
      seed_(static_cast<std::uint64_t>(params_.number("seed"))) {
  inner_ = make_scheme(inner_name_, inner_settings(inner_name_, max_length_, seed_, params_.number("theta")));
}

const Scheme& RandomizedScheme::inner() const {
  const ParamViews& mine = param_views();
  const ParamViews& theirs = inner_->param_views();
  if (mine.value != theirs.value || mine.grad != theirs.grad) inner_->bind_params(mine);
  return *inner_;
}

void RandomizedScheme::positions(int n, int first, std::uint64_t draw, int* pos_out) const {
  randomized_draw(n, max_length_, seed_, draw, pos_out);
  for (int i = 0; i < n; ++i) pos_out[i] += first;
}

void RandomizedScheme::check_table_rows(int n, const int* pos) const {
  if (inner_name_ != "learned") return;
  for (int i = 0; i < n; ++i)
    require(pos[i] >= 0 && pos[i] < max_length_,
            "randomized: position " + std::to_string(pos[i]) + " is past the learned table's " +
                std::to_string(max_length_) + " rows (noise_max_length); a shift moves the drawn positions past it");
}

Table RandomizedScheme::table(int n, int d, int heads) const {
  check_table_shape("randomized", n, d, heads);
  std::vector<int> pos(static_cast<std::size_t>(n));
  positions(n, 0, 0, pos.data());
  xt::xarray<double> positions_arr = xt::zeros<double>({static_cast<std::size_t>(n)});
  for (int i = 0; i < n; ++i) positions_arr(i) = pos[static_cast<std::size_t>(i)];
  Table t;
  t.add("positions", std::move(positions_arr), true);
  const std::size_t N = static_cast<std::size_t>(n), D = static_cast<std::size_t>(d);
  if (inner_name_ == "rope") {
    const Table base = inner_->table(1, d, heads);  // inv_freq and attention_factor do not depend on n here
    const xt::xarray<double> inv = base.find("inv_freq")->value;
    const double af = base.find("attention_factor")->value.data()[0];
    const std::size_t pairs = inv.size();
    xt::xarray<double> angles = xt::zeros<double>({N, pairs});
    xt::xarray<double> profile = xt::zeros<double>({std::size_t{1}, N});
    for (std::size_t i = 0; i < N; ++i) {
      for (std::size_t k = 0; k < pairs; ++k) {
        angles(i, k) = pos[i] * inv(k);
        profile(0, i) += 2.0 * std::cos((pos[i] - pos[0]) * inv(k));
      }
      profile(0, i) *= af * af;
    }
    t.add("inv_freq", inv);
    t.add("attention_factor", xt::xarray<double>(af));
    t.add("angles", std::move(angles));
    t.add("profile", std::move(profile));
    return t;
  }
  xt::xarray<double> pe = xt::zeros<double>({N, D});
  if (inner_name_ == "sinusoidal") {
    const auto inv = sinusoidal_inv_freq(d, params_.number("theta"), false);
    for (std::size_t i = 0; i < N; ++i) sinusoidal_row(pos[i], d, inv, false, pe.data() + i * D);
    xt::xarray<double> pe_profile = pe_dot_profile(pe);
    t.add("pe", std::move(pe));
    xt::xarray<double> inv_arr = xt::adapt(inv, {inv.size()});
    t.add("inv_freq", std::move(inv_arr));
    t.add("profile", std::move(pe_profile));
    return t;
  }
  const double std = inner_->params().number("std");  // learned
  for (std::size_t i = 0; i < N; ++i) learned_row(seed_, std, pos[i], d, pe.data() + i * D);
  xt::xarray<double> pe_profile = pe_dot_profile(pe);
  t.add("pe", std::move(pe));
  t.add("profile", std::move(pe_profile));
  return t;
}

void RandomizedScheme::prepare(const LayerShape& shape) { inner_->prepare(shape); }

void RandomizedScheme::encode_input(float* x, int n, int d, const int* pos) const {
  check_table_rows(n, pos);
  inner().encode_input(x, n, d, pos);
}

void RandomizedScheme::encode_query_key(float* q, float* k, int heads, int n, int dh, const int* pos) const {
  inner().encode_query_key(q, k, heads, n, dh, pos);
}

float RandomizedScheme::logit_scale(int dh) const { return inner().logit_scale(dh); }

RotaryPairs RandomizedScheme::rotary_pairs(int dh, int n, const int* pos) const {
  return inner().rotary_pairs(dh, n, pos);
}

void RandomizedScheme::add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b, float* out,
                                      int ld) const {
  inner().add_logit_bias(h, hv, pos, causal, b, out, ld);
}

void RandomizedScheme::add_value_terms(int h, const int* pos, Block b, const float* p, int ld_p, float* acc,
                                       int dh) const {
  inner().add_value_terms(h, pos, b, p, ld_p, acc, dh);
}

bool RandomizedScheme::has_value_terms() const { return inner_->has_value_terms(); }

std::vector<ParamTensorSpec> RandomizedScheme::param_specs(const LayerShape& shape) const {
  return inner_->param_specs(shape);
}

void RandomizedScheme::init_params(const LayerShape& shape, std::uint64_t seed,
                                   const std::vector<float*>& values) const {
  inner_->init_params(shape, seed, values);
}

void RandomizedScheme::encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const {
  check_table_rows(n, pos);
  inner().encode_input_backward(x_in, dx, n, d, pos);
}

void RandomizedScheme::encode_query_key_backward(float* dq, float* dk, int heads, int n, int dh,
                                                 const int* pos) const {
  inner().encode_query_key_backward(dq, dk, heads, n, dh, pos);
}

void RandomizedScheme::add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                               const float* dlogits, int ld, HeadGrad hg) const {
  inner().add_logit_bias_backward(h, hv, pos, causal, b, dlogits, ld, hg);
}

void RandomizedScheme::add_value_terms_backward(int h, const int* pos, Block b, const float* p, int ld_p,
                                                const float* dacc, int dh, float* dp, int ld_dp) const {
  inner().add_value_terms_backward(h, pos, b, p, ld_p, dacc, dh, dp, ld_dp);
}

}  // namespace pe
