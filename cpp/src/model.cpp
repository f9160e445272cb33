// The tiny decoder and its backward pass (model.hpp has the definition).
#include "pe/model.hpp"

#include <algorithm>
#include <cmath>

#include "pe/error.hpp"
#include "pe/kernels.hpp"
#include "pe/limits.hpp"
#include "pe/rng.hpp"
#include "pe/train_kernels.hpp"

namespace pe {

namespace {

constexpr float kLnEps = 1e-5f;
constexpr std::uint64_t kInputSchemeStream = 0x9e00;
constexpr std::uint64_t kLayerDrawStream = 0xd4a0;  // + l: layer l's position draw

std::size_t sz(long long x) { return static_cast<std::size_t>(x); }

void check_range(const char* field, long long v, long long lo, long long hi) {
  require(v >= lo && v <= hi, std::string(field) + " " + std::to_string(v) + " is out of range [" + std::to_string(lo) +
                                  ", " + std::to_string(hi) + "]");
}

}  // namespace

void check_model_config(const ModelConfig& c) {
  check_range("layers", c.layers, 1, limits::max_layers);
  check_range("dim", c.dim, 2, limits::max_train_dim);
  check_range("heads", c.heads, 1, limits::max_heads);
  require(c.dim % c.heads == 0, "dim " + std::to_string(c.dim) + " is not divisible by heads " +
                                    std::to_string(c.heads) + " (each head needs a whole width)");
  check_range("vocab", c.vocab, 2, 1 << 20);
  check_range("max_len", c.max_len, 1, limits::max_tokens);
  find_scheme(c.scheme);  // unknown scheme: the registry's message
}

const ParamTensor* ParamBlock::find(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

float* ParamBlock::value_of(const std::string& name) {
  const ParamTensor* t = find(name);
  require(t != nullptr, "the model has no parameter '" + name + "'");
  return value.data() + t->offset;
}

void Model::add_tensor(const std::string& name, std::vector<int> shape, bool decay) {
  ParamTensor t;
  t.name = name;
  t.size = 1;
  for (int e : shape) t.size *= sz(e);
  t.shape = std::move(shape);
  t.offset = params_.tensors.empty() ? 0 : params_.tensors.back().offset + params_.tensors.back().size;
  t.decay = decay;
  params_.tensors.push_back(std::move(t));
}

std::size_t Model::offset(const std::string& name) const {
  const ParamTensor* t = params_.find(name);
  require(t != nullptr, "the model has no parameter '" + name + "'");
  return t->offset;
}

LayerShape Model::layer_shape(int n) const {
  LayerShape s;
  s.n = n;
  s.d = config_.dim;
  s.heads = config_.heads;
  s.causal = true;
  return s;
}

void Model::bind_scheme(Scheme& s, ParamScope scope, const std::string& prefix, const LayerShape& shape) {
  ParamViews views;
  for (const auto& spec : s.param_specs(shape)) {
    if (spec.scope != scope) {
      views.value.push_back(nullptr);
      views.grad.push_back(nullptr);
      continue;
    }
    const std::size_t o = offset(prefix + spec.name);
    views.value.push_back(params_.value.data() + o);
    views.grad.push_back(params_.grad.data() + o);
  }
  s.bind_params(std::move(views));
}

Model::Model(const ModelConfig& config) : config_(config) {
  check_model_config(config_);
  const SchemeEntry& entry = find_scheme(config_.scheme);
  for (const auto& spec : entry.info->params)  // learned: the table has one row per training position
    if (spec.key == "max_len") config_.settings["max_len"] = std::to_string(config_.max_len);
  input_scheme_ = make_scheme(config_.scheme, config_.settings);
  for (int l = 0; l < config_.layers; ++l) layer_schemes_.push_back(make_scheme(config_.scheme, config_.settings));

  const int d = config_.dim, V = config_.vocab;
  const LayerShape shape = layer_shape(config_.max_len);
  input_scheme_->prepare(shape);
  add_tensor("tok_emb", {V, d}, true);
  for (const auto& spec : input_scheme_->param_specs(shape))
    if (spec.scope == ParamScope::input) add_tensor("pos." + spec.name, spec.shape, spec.decay);
  for (int l = 0; l < config_.layers; ++l) {
    const std::string p = "layers." + std::to_string(l) + ".";
    add_tensor(p + "ln1.weight", {d}, false);
    add_tensor(p + "ln1.bias", {d}, false);
    for (const char* w : {"wq", "wk", "wv", "wo"}) add_tensor(p + "attn." + w, {d, d}, true);
    add_tensor(p + "ln2.weight", {d}, false);
    add_tensor(p + "ln2.bias", {d}, false);
    add_tensor(p + "mlp.w1", {4 * d, d}, true);
    add_tensor(p + "mlp.b1", {4 * d}, false);
    add_tensor(p + "mlp.w2", {d, 4 * d}, true);
    add_tensor(p + "mlp.b2", {d}, false);
    layer_schemes_[l]->prepare(shape);
    for (const auto& spec : layer_schemes_[l]->param_specs(shape))
      if (spec.scope == ParamScope::layer) add_tensor(p + "pos." + spec.name, spec.shape, spec.decay);
  }
  add_tensor("ln_f.weight", {d}, false);
  add_tensor("ln_f.bias", {d}, false);
  const std::size_t total = params_.tensors.back().offset + params_.tensors.back().size;
  params_.value.assign(total, 0.0f);
  params_.grad.assign(total, 0.0f);
  params_.m.assign(total, 0.0f);
  params_.v.assign(total, 0.0f);

  tok_emb_ = offset("tok_emb");
  lnf_w_ = offset("ln_f.weight");
  lnf_b_ = offset("ln_f.bias");
  for (int l = 0; l < config_.layers; ++l) {
    const std::string p = "layers." + std::to_string(l) + ".";
    layer_offsets_.push_back({offset(p + "ln1.weight"), offset(p + "ln1.bias"), offset(p + "attn.wq"),
                              offset(p + "attn.wk"), offset(p + "attn.wv"), offset(p + "attn.wo"),
                              offset(p + "ln2.weight"), offset(p + "ln2.bias"), offset(p + "mlp.w1"),
                              offset(p + "mlp.b1"), offset(p + "mlp.w2"), offset(p + "mlp.b2")});
  }

  // GPT-2 init; scheme tensors are filled by their schemes below.
  const double residual_std = 0.02 / std::sqrt(2.0 * config_.layers);
  for (const auto& t : params_.tensors) {
    float* v = params_.value.data() + t.offset;
    const bool is_ln_weight = t.name.size() > 7 && t.name.compare(t.name.size() - 7, 7, ".weight") == 0;
    if (t.name.find(".pos.") != std::string::npos || t.name.rfind("pos.", 0) == 0) continue;
    if (is_ln_weight) {
      std::fill(v, v + t.size, 1.0f);
    } else if (t.decay) {  // matrices
      const bool residual = t.name.find("attn.wo") != std::string::npos || t.name.find("mlp.w2") != std::string::npos;
      Rng rng(seed_mix(config_.seed, fnv1a64(t.name)));
      const double std = residual ? residual_std : 0.02;
      for (std::size_t i = 0; i < t.size; ++i) v[i] = static_cast<float>(rng.normal(0.0, std));
    }  // biases stay 0
  }
  bind_scheme(*input_scheme_, ParamScope::input, "pos.", shape);
  input_scheme_->init_params(shape, seed_mix(config_.seed, kInputSchemeStream), input_scheme_->param_views().value);
  for (int l = 0; l < config_.layers; ++l) {
    bind_scheme(*layer_schemes_[l], ParamScope::layer, "layers." + std::to_string(l) + ".pos.", shape);
    layer_schemes_[l]->init_params(shape, seed_mix(config_.seed, kInputSchemeStream + 1 + sz(l)),
                                   layer_schemes_[l]->param_views().value);
  }
}

Scheme& Model::layer_scheme(int l) {
  require(l >= 0 && l < config_.layers, "layer " + std::to_string(l) + " does not exist");
  return *layer_schemes_[sz(l)];
}
Scheme& Model::input_scheme() { return *input_scheme_; }

int Model::position_limit() const {
  for (const auto& spec : input_scheme_->info().params)
    if (spec.key == "max_len") return config_.max_len;
  return input_scheme_->sequence_limit();
}

void Model::zero_grad() { std::fill(params_.grad.begin(), params_.grad.end(), 0.0f); }

double Model::forward(const int* tokens, const int* targets, int n, ModelCache& c, int first_position,
                      std::uint64_t draw) {
  const int d = config_.dim, V = config_.vocab, L = config_.layers, d4 = 4 * d;
  const LayerShape shape = layer_shape(n);
  check_layer_shape(shape, true);
  for (int i = 0; i < n; ++i) {
    require(tokens[i] >= 0 && tokens[i] < V, "token id " + std::to_string(tokens[i]) + " at position " +
                                                 std::to_string(i) + " is outside the vocabulary of " +
                                                 std::to_string(V));
    if (targets)
      require(targets[i] >= -1 && targets[i] < V, "target id " + std::to_string(targets[i]) + " at position " +
                                                      std::to_string(i) + " is outside the vocabulary of " +
                                                      std::to_string(V) + " (-1: not scored)");
  }
  const float* P = params_.value.data();
  c.n = n;
  c.tokens.assign(tokens, tokens + n);
  c.pos.resize(sz(n));
  require(first_position >= 0 && first_position <= (1 << 24) - n, "first position " + std::to_string(first_position) +
                                                                     " is out of range [0, 2^24 - n]");
  input_scheme_->positions(n, first_position, draw, c.pos.data());  // 0..n-1 for all but randomized
  c.has_targets = targets != nullptr;

  // x = tok_emb[token] + the input scheme
  c.emb.resize(sz(n) * sz(d));
  for (int i = 0; i < n; ++i) std::copy_n(P + tok_emb_ + sz(tokens[i]) * sz(d), d, c.emb.data() + sz(i) * sz(d));
  input_scheme_->prepare(shape);
  c.x0 = c.emb;
  input_scheme_->encode_input(c.x0.data(), n, d, c.pos.data());

  c.blocks.resize(sz(L));
  const std::vector<float>* x = &c.x0;
  for (int l = 0; l < L; ++l) {
    BlockCache& b = c.blocks[sz(l)];
    const LayerOffsets& o = layer_offsets_[sz(l)];
    Scheme& scheme = *layer_schemes_[sz(l)];
    b.x_in = *x;
    // x_mid = x_in + attn(LN1(x_in))
    AttentionCache& a = b.attn;
    a.shape = shape;
    a.pos.resize(sz(n));  // layer l's own draw (randomized rope: each layer draws, as the reference)
    scheme.positions(n, first_position, seed_mix(draw, kLayerDrawStream + sz(l)), a.pos.data());
    a.x.resize(sz(n) * sz(d));
    b.ln1_mean.resize(sz(n));
    b.ln1_rstd.resize(sz(n));
    layernorm_forward(a.x.data(), b.ln1_mean.data(), b.ln1_rstd.data(), b.x_in.data(), P + o.ln1_w, P + o.ln1_b, n, d,
                      kLnEps);
    scheme.prepare(shape);
    const LayerWeightsView w(d, P + o.wq, P + o.wk, P + o.wv, P + o.wo);
    attention_project(scheme, w, a);
    attention_mix_full(scheme, a);
    attention_output(w, a);
    b.x_mid = b.x_in;
    vec_axpy(b.x_mid.data(), a.out.data(), 1.0f, b.x_mid.size());
    // x_out = x_mid + W2 GELU(W1 LN2(x_mid) + b1) + b2
    b.ln2.resize(sz(n) * sz(d));
    b.ln2_mean.resize(sz(n));
    b.ln2_rstd.resize(sz(n));
    layernorm_forward(b.ln2.data(), b.ln2_mean.data(), b.ln2_rstd.data(), b.x_mid.data(), P + o.ln2_w, P + o.ln2_b, n,
                      d, kLnEps);
    b.h1.resize(sz(n) * sz(d4));
    matmul_abt(b.h1.data(), d4, b.ln2.data(), d, P + o.w1, d, n, d4, d, 1.0f, false);
    rows_add_vector(b.h1.data(), d4, n, d4, P + o.b1);
    b.g1.resize(b.h1.size());
    gelu_forward(b.g1.data(), b.h1.data(), b.h1.size());
    std::vector<float>& out = (l + 1 < L) ? c.blocks[sz(l + 1)].x_in : c.x_final;
    out = b.x_mid;
    matmul_abt(out.data(), d, b.g1.data(), d4, P + o.w2, d4, n, d, d4, 1.0f, true);
    rows_add_vector(out.data(), d, n, d, P + o.b2);
    x = &out;
  }
  if (L == 0) c.x_final = c.x0;
  // logits = LN_f(x) tok_emb^T
  c.lnf.resize(sz(n) * sz(d));
  c.lnf_mean.resize(sz(n));
  c.lnf_rstd.resize(sz(n));
  layernorm_forward(c.lnf.data(), c.lnf_mean.data(), c.lnf_rstd.data(), c.x_final.data(), P + lnf_w_, P + lnf_b_, n, d,
                    kLnEps);
  c.logits.resize(sz(n) * sz(V));
  matmul_abt(c.logits.data(), V, c.lnf.data(), d, P + tok_emb_, d, n, V, d, 1.0f, false);
  c.predicted.resize(sz(n));
  for (int i = 0; i < n; ++i) {
    const float* row = c.logits.data() + sz(i) * sz(V);
    c.predicted[sz(i)] = static_cast<int>(std::max_element(row, row + V) - row);
  }
  c.token_loss.assign(sz(n), 0.0);
  if (!targets) return 0.0;
  cross_entropy_rows(c.logits.data(), V, n, V, targets, 1.0f, c.token_loss.data());
  double sum = 0;
  for (double v : c.token_loss) sum += v;
  return sum;
}

void Model::backward(float loss_scale, ModelCache& c) {
  require(c.has_targets, "backward needs a forward with targets");
  const int n = c.n, d = config_.dim, V = config_.vocab, L = config_.layers, d4 = 4 * d;
  const float* P = params_.value.data();
  float* G = params_.grad.data();
  for (auto& g : c.logits) g *= loss_scale;  // d loss / d logits
  // logits = lnf tok_emb^T
  c.dtmp.resize(sz(n) * sz(d));
  matmul_ab(c.dtmp.data(), d, c.logits.data(), V, P + tok_emb_, d, n, d, V, false);
  matmul_atb(G + tok_emb_, d, c.logits.data(), V, c.lnf.data(), d, V, d, n, true);
  c.dx.assign(sz(n) * sz(d), 0.0f);
  layernorm_backward(c.dx.data(), G + lnf_w_, G + lnf_b_, c.dtmp.data(), c.x_final.data(), c.lnf_mean.data(),
                     c.lnf_rstd.data(), P + lnf_w_, n, d);
  for (int l = L - 1; l >= 0; --l) {
    BlockCache& b = c.blocks[sz(l)];
    const LayerOffsets& o = layer_offsets_[sz(l)];
    // x_out = x_mid + W2 g1 + b2: dx flows to x_mid unchanged, plus through the MLP
    rows_sum_accumulate(G + o.b2, c.dx.data(), d, n, d);
    matmul_atb(G + o.w2, d4, c.dx.data(), d, b.g1.data(), d4, d, d4, n, true);
    c.dwide.resize(sz(n) * sz(d4));
    matmul_ab(c.dwide.data(), d4, c.dx.data(), d, P + o.w2, d4, n, d4, d, false);
    gelu_backward(c.dwide.data(), b.h1.data(), c.dwide.data(), c.dwide.size());
    rows_sum_accumulate(G + o.b1, c.dwide.data(), d4, n, d4);
    matmul_atb(G + o.w1, d, c.dwide.data(), d4, b.ln2.data(), d, d4, d, n, true);
    matmul_ab(c.dtmp.data(), d, c.dwide.data(), d4, P + o.w1, d, n, d, d4, false);
    layernorm_backward(c.dx.data(), G + o.ln2_w, G + o.ln2_b, c.dtmp.data(), b.x_mid.data(), b.ln2_mean.data(),
                       b.ln2_rstd.data(), P + o.ln2_w, n, d);
    // x_mid = x_in + attn(LN1(x_in))
    std::fill(c.dtmp.begin(), c.dtmp.end(), 0.0f);
    const LayerWeightsView w(d, P + o.wq, P + o.wk, P + o.wv, P + o.wo);
    attention_backward(*layer_schemes_[sz(l)], w, b.attn, c.dx.data(), c.dtmp.data(),
                       LayerWeightGrads{G + o.wq, G + o.wk, G + o.wv, G + o.wo}, c.attn_grad);
    layernorm_backward(c.dx.data(), G + o.ln1_w, G + o.ln1_b, c.dtmp.data(), b.x_in.data(), b.ln1_mean.data(),
                       b.ln1_rstd.data(), P + o.ln1_w, n, d);
  }
  // x0 = encode_input(emb): back to the token embeddings, then into their rows
  input_scheme_->encode_input_backward(c.emb.data(), c.dx.data(), n, d, c.pos.data());
  for (int i = 0; i < n; ++i)
    vec_axpy(G + tok_emb_ + sz(c.tokens[sz(i)]) * sz(d), c.dx.data() + sz(i) * sz(d), 1.0f, sz(d));
}

}  // namespace pe
