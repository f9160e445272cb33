// Training and evaluation of the tiny decoder (model.hpp) on a seeded task (tasks.hpp),
// shared by `pe-cli train|lab`, the WASM module and the page's lab.
//
// One step: draw `batch` sequences of `len` tokens from the data stream, forward and
// backward each (one sequence at a time, gradients accumulated, so the result does not
// depend on threads or batching), loss = mean over the batch's scored targets, global
// gradient-norm clipping, then AdamW with linear warm-up and cosine decay to
// min_lr_ratio * lr. Deterministic: the same config gives the same losses, bit for bit.
//
// The data stream comes from seed_mix(seed, data stream) alone and the shared weights
// from the seed by name, so every scheme trained with one seed sees the same sequences
// from the same initial token embeddings, LayerNorms and projections (the lab's fair
// comparison). Evaluation draws fresh sequences from another stream of the seed.
// Positions: each training sequence gets its own position draw, seed_mix(seed_mix(seed,
// 0x90d5), step * batch + row), and each evaluated sequence one from another stream; only
// randomized reads them (Scheme::positions), every other scheme places tokens at 0..n-1.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pe/model.hpp"
#include "pe/tasks.hpp"

namespace pe {

struct TrainConfig {
  std::string scheme = "none";
  Settings settings;
  std::string task = "copy";
  TaskOptions task_options;
  int layers = 2, dim = 64, heads = 4;
  int len = 64;        // training length L (tokens per sequence)
  int batch = 16;      // sequences per step
  int steps = 300;
  double lr = 3e-3;
  double min_lr_ratio = 0.1;  // cosine decay ends at lr * min_lr_ratio
  int warmup = -1;            // linear warm-up steps; -1: min(30, steps / 10)
  double weight_decay = 0.1;  // matrices only
  double beta1 = 0.9, beta2 = 0.95, eps = 1e-8;
  double clip = 1.0;          // max global gradient norm (0: no clipping)
  std::uint64_t seed = 1;
  std::vector<int> eval_lens;  // empty: 1x, 2x, 4x, 8x len
  int eval_sequences = 16;     // fresh sequences per eval length
};

// Throws pe::Error naming the field for a config that cannot train.
void check_train_config(const TrainConfig& c);
std::vector<int> eval_lengths(const TrainConfig& c);  // the given ones or 1x, 2x, 4x, 8x len
int warmup_steps(const TrainConfig& c);               // the given warmup or min(30, steps / 10)

struct EvalResult {
  int len = 0;
  bool applicable = true;    // false: the scheme has no encoding at this length (learned past max_len)
  std::string reason;        // why not applicable
  double loss = 0;           // mean loss per scored target
  double accuracy = 0;       // argmax accuracy over answer positions; NaN when the task marks none
  long long scored = 0;      // scored targets
};

class Trainer {
 public:
  explicit Trainer(const TrainConfig& config);  // throws pe::Error
  // Wraps a model built elsewhere (a loaded checkpoint) for evaluation or more steps.
  Trainer(const TrainConfig& config, std::unique_ptr<Model> model);

  double step();                  // one optimisation step; returns its mean loss
  int steps_done() const { return step_; }
  const std::vector<double>& losses() const { return losses_; }
  double lr_at(int step) const;   // learning rate of step (0-based)
  double last_grad_norm() const { return grad_norm_; }
  double tokens_per_second() const;  // training tokens over the time spent in step()

  EvalResult evaluate(int len) const;  // eval_sequences fresh sequences of len tokens

  Model& model() { return *model_; }
  const Model& model() const { return *model_; }
  const Task& task() const { return *task_; }
  const TrainConfig& config() const { return config_; }

 private:
  TrainConfig config_;
  std::unique_ptr<Task> task_;
  std::unique_ptr<Model> model_;
  mutable ModelCache cache_;
  Rng data_;
  std::vector<double> losses_;
  int step_ = 0;
  double grad_norm_ = 0;
  double seconds_ = 0;
  long long tokens_ = 0;
};

ModelConfig model_config_of(const TrainConfig& c, int vocab);

// Mean loss of a given batch over its scored targets (rows of any lengths, positions
// 0..T-1 per row; randomized: its draw 0 for every row); with_grads leaves exactly its gradients in the model's block. Throws
// pe::Error for ragged rows, no scored target, or ids outside the vocabulary.
double batch_loss(Model& model, const std::vector<std::vector<int>>& tokens,
                  const std::vector<std::vector<int>>& targets, bool with_grads);

}  // namespace pe
