// A tiny GPT-2-style decoder with any positional scheme, and its backward pass, as
// llm.c's train_gpt2.c lays it out: explicit *_forward / *_backward stages over plain
// float buffers, one parameter block (values, gradients and AdamW's moments laid out
// alike), no autograd tape. PyTorch rebuilds the same model from a checkpoint
// (tests/golden/train/make_train_golden.py) and the golden gradients say we agree.
//
//   x = tok_emb[token]                                  (n, d), no scaling
//   x = input_scheme.encode_input(x, pos)               learned, sinusoidal, ..., CPE (once)
//   for each layer l:
//     x += attn_l(LN1_l(x))                             Wq, Wk, Wv, Wo (d, d) as (out, in),
//                                                       no biases, causal mask, the scheme's
//                                                       own instance of layer l at its hooks
//     x += W2_l GELU(W1_l LN2_l(x) + b1_l) + b2_l       W1 (4d, d), W2 (d, 4d), GELU tanh
//   logits = LN_f(x) tok_emb^T                          LM head tied to tok_emb, (n, V)
//   loss = mean over the batch's scored targets (!= -1) of -log softmax(logits)[target]
//
// LayerNorm: weight and bias, eps 1e-5, biased variance. Positions come from the scheme
// (Scheme::positions): 0..n-1 for every scheme but randomized, which draws them; the
// input scheme gets draw `draw`, layer l seed_mix(draw, 0xd4a0 + l) (its own draw).
// Init (GPT-2): every matrix N(0, 0.02), Wo and W2 N(0, 0.02 / sqrt(2 L)), LayerNorm
// weight 1 and bias 0, b1 = b2 = 0, each tensor from its own stream
// seed_mix(seed, fnv1a64(name)); scheme tensors from the scheme's init_params with
// seed_mix(seed, 0x9e00) (input scope) and seed_mix(seed, 0x9e01 + l) (layer l).
//
// Parameter names (checkpoints, pe-cli loss --grads):
//   tok_emb (V, d); pos.<name> (a scheme tensor of input scope: learned pos.wpe
//   (max_len, d), CPE pos.kernel (d, 3) and pos.bias (d));
//   layers.{l}.ln1.weight|bias (d); layers.{l}.attn.wq|wk|wv|wo (d, d);
//   layers.{l}.ln2.weight|bias (d); layers.{l}.mlp.w1 (4d, d), .b1 (4d), .w2 (d, 4d),
//   .b2 (d); layers.{l}.pos.<name> (scheme tensors of layer scope: T5 rel_bias
//   (num_buckets, heads), Shaw key_table and value_table (2k+1, dh), CoPE pos_emb
//   (npos, dh)); ln_f.weight|bias (d).
// For the learned scheme the model's max_len sets the table's rows (its max_len
// setting), so positions past the training length have no row.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pe/attention.hpp"
#include "pe/registry.hpp"

namespace pe {

struct ModelConfig {
  std::string scheme = "none";
  Settings settings;        // the scheme's KEY=VALUE settings
  int layers = 2;
  int dim = 64;
  int heads = 4;
  int vocab = 0;            // V
  int max_len = 64;         // the training length; the learned table's rows
  std::uint64_t seed = 1;
};

// Throws pe::Error naming the field for a config the model cannot build.
void check_model_config(const ModelConfig& c);

// The parameter block: every trainable tensor, laid out one after the other, with its
// gradient and AdamW moments at the same offsets.
struct ParamTensor {
  std::string name;
  std::vector<int> shape;
  std::size_t offset = 0, size = 0;
  bool decay = false;  // AdamW weight decay (matrices: yes; LayerNorm, biases, scheme tables: no)
};
struct ParamBlock {
  std::vector<ParamTensor> tensors;
  std::vector<float> value, grad, m, v;
  const ParamTensor* find(const std::string& name) const;
  float* value_of(const std::string& name);  // throws pe::Error when missing
};

// One sequence's activations, kept for the backward pass.
struct BlockCache {
  std::vector<float> x_in;          // (n, d) residual stream entering the block
  std::vector<float> ln1_mean, ln1_rstd;  // (n) each; LN1(x_in) itself is attn.x
  AttentionCache attn;              // attention over LN1(x_in): x, q, k, v, weights, head_out, out
  std::vector<float> x_mid;         // (n, d) after the attention residual
  std::vector<float> ln2, ln2_mean, ln2_rstd;
  std::vector<float> h1;            // (n, 4d) W1 ln2 + b1, before GELU
  std::vector<float> g1;            // (n, 4d) GELU(h1)
};
struct ModelCache {
  int n = 0;
  std::vector<int> tokens, pos;     // (n)
  std::vector<float> emb;           // (n, d) token embeddings before the input scheme
  std::vector<float> x0;            // (n, d) after the input scheme
  std::vector<BlockCache> blocks;
  std::vector<float> x_final;       // (n, d) residual stream after the last block
  std::vector<float> lnf, lnf_mean, lnf_rstd;
  std::vector<float> logits;        // (n, V); with targets, overwritten by d(summed loss)/d logits
  std::vector<int> predicted;       // (n) argmax of each row of logits
  std::vector<double> token_loss;   // (n), 0 where the target is -1
  bool has_targets = false;
  // backward scratch
  std::vector<float> dx, dtmp, dwide;  // (n, d), (n, d), (n, 4d)
  AttentionGradScratch attn_grad;
};

class Model {
 public:
  explicit Model(const ModelConfig& config);  // seeded init
  Model(const Model&) = delete;               // schemes hold pointers into the block
  Model& operator=(const Model&) = delete;
  const ModelConfig& config() const { return config_; }
  ParamBlock& params() { return params_; }
  const ParamBlock& params() const { return params_; }

  // Forward one sequence (n tokens at positions first_position .. first_position + n - 1,
  // or, for randomized, its draw `draw` from [0, L) plus first_position; training and
  // evaluation use first_position 0 and a draw per sequence, the probe and batch_loss
  // draw 0) into cache; returns the summed
  // loss over its scored targets (targets may be null: logits and predictions only).
  // Throws pe::Error for a token or target outside the vocabulary or a length the
  // scheme refuses (learned past max_len, randomized past noise_max_length).
  double forward(const int* tokens, const int* targets, int n, ModelCache& cache, int first_position = 0,
                 std::uint64_t draw = 0);
  // Backward of the last forward of cache: accumulates into params().grad the gradient
  // of loss_scale * (summed loss).
  void backward(float loss_scale, ModelCache& cache);
  void zero_grad();

  // Positions the scheme has an encoding for: max_len for a learned table, 0 for no limit;
  // for randomized, the most tokens it can place (noise_max_length, Scheme::sequence_limit).
  int position_limit() const;

  // The attention layer of block l (for the order probe through a trained model).
  Scheme& layer_scheme(int l);
  Scheme& input_scheme();

 private:
  struct LayerOffsets {
    std::size_t ln1_w, ln1_b, wq, wk, wv, wo, ln2_w, ln2_b, w1, b1, w2, b2;
  };
  void add_tensor(const std::string& name, std::vector<int> shape, bool decay);
  std::size_t offset(const std::string& name) const;
  void bind_scheme(Scheme& s, ParamScope scope, const std::string& prefix, const LayerShape& shape);
  LayerShape layer_shape(int n) const;
  ModelConfig config_;
  std::vector<LayerOffsets> layer_offsets_;
  std::size_t tok_emb_ = 0, lnf_w_ = 0, lnf_b_ = 0;
  ParamBlock params_;
  std::unique_ptr<Scheme> input_scheme_;            // encode_input only
  std::vector<std::unique_ptr<Scheme>> layer_schemes_;  // one per layer, query/key and logit hooks
};

}  // namespace pe
