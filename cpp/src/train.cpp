// Training loop, schedule and evaluation (train.hpp).
#include "pe/train.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/registry.hpp"
#include "pe/train_kernels.hpp"

namespace pe {

namespace {

constexpr std::uint64_t kDataStream = 0xda7a;
constexpr std::uint64_t kEvalStream = 0xe7a1;
constexpr std::uint64_t kPositionStream = 0x90d5;      // a position draw per training sequence
constexpr std::uint64_t kEvalPositionStream = 0x90e5;  // a position draw per evaluated sequence
constexpr double kPi = 3.14159265358979323846;

void check_int(const char* field, long long v, long long lo, long long hi) {
  require(v >= lo && v <= hi, std::string(field) + " " + std::to_string(v) + " is out of range [" + std::to_string(lo) +
                                  ", " + std::to_string(hi) + "]");
}
void check_real(const char* field, double v, double lo, double hi) {
  require(std::isfinite(v) && v >= lo && v <= hi, std::string(field) + " " + std::to_string(v) +
                                                      " is out of range [" + std::to_string(lo) + ", " +
                                                      std::to_string(hi) + "]");
}

}  // namespace

void check_train_config(const TrainConfig& c) {
  check_int("steps", c.steps, 1, limits::max_steps);
  check_int("len", c.len, 2, limits::max_train_len);
  check_int("batch", c.batch, 1, limits::max_batch);
  check_real("lr", c.lr, 0.0, 10.0);
  check_real("min_lr_ratio", c.min_lr_ratio, 0.0, 1.0);
  check_int("warmup", c.warmup, -1, limits::max_steps);
  check_real("weight_decay", c.weight_decay, 0.0, 10.0);
  check_real("beta1", c.beta1, 0.0, 0.999999);
  check_real("beta2", c.beta2, 0.0, 0.999999);
  check_real("eps", c.eps, 1e-30, 1.0);
  check_real("clip", c.clip, 0.0, 1e6);
  check_int("eval_sequences", c.eval_sequences, 1, limits::max_batch);
  for (int l : c.eval_lens) check_int("eval length", l, 2, limits::max_eval_len);
  check_int("layers", c.layers, 1, limits::max_layers);
  check_int("dim", c.dim, 2, limits::max_train_dim);
  check_int("heads", c.heads, 1, limits::max_heads);
  find_scheme(c.scheme);  // unknown scheme: the registry's message, before any work
}

std::vector<int> eval_lengths(const TrainConfig& c) {
  if (!c.eval_lens.empty()) return c.eval_lens;
  return {c.len, 2 * c.len, 4 * c.len, 8 * c.len};
}

int warmup_steps(const TrainConfig& c) { return c.warmup >= 0 ? c.warmup : std::min(30, c.steps / 10); }

ModelConfig model_config_of(const TrainConfig& c, int vocab) {
  ModelConfig m;
  m.scheme = c.scheme;
  m.settings = c.settings;
  m.layers = c.layers;
  m.dim = c.dim;
  m.heads = c.heads;
  m.vocab = vocab;
  m.max_len = c.len;
  m.seed = c.seed;
  return m;
}

Trainer::Trainer(const TrainConfig& config) : config_(config), data_(0) {
  check_train_config(config_);
  task_ = make_task(config_.task, config_.task_options);
  require(config_.len >= task_->min_len(), "len " + std::to_string(config_.len) + " is too short for task " +
                                               config_.task + " (at least " + std::to_string(task_->min_len()) + ")");
  model_ = std::make_unique<Model>(model_config_of(config_, static_cast<int>(task_->vocab().size())));
  data_ = Rng(seed_mix(config_.seed, kDataStream));
}

Trainer::Trainer(const TrainConfig& config, std::unique_ptr<Model> model)
    : config_(config), model_(std::move(model)), data_(seed_mix(config.seed, kDataStream)) {
  check_train_config(config_);
  task_ = make_task(config_.task, config_.task_options);
  require(static_cast<int>(task_->vocab().size()) == model_->config().vocab,
          "the model's vocabulary (" + std::to_string(model_->config().vocab) + ") does not match task " +
              config_.task + " (" + std::to_string(task_->vocab().size()) + ")");
}

double Trainer::lr_at(int s) const {
  const double lr = config_.lr;
  const int warmup = warmup_steps(config_);
  if (s < warmup) return lr * (s + 1) / warmup;
  const int decay_steps = std::max(1, config_.steps - warmup);
  const double t = std::min(1.0, static_cast<double>(s - warmup) / decay_steps);
  const double lo = lr * config_.min_lr_ratio;
  return lo + 0.5 * (lr - lo) * (1.0 + std::cos(kPi * t));
}

double batch_loss(Model& model, const std::vector<std::vector<int>>& tokens,
                  const std::vector<std::vector<int>>& targets, bool with_grads) {
  require(tokens.size() == targets.size() && !tokens.empty(), "the batch needs as many target rows as token rows (>= 1)");
  long long scored = 0;
  for (std::size_t b = 0; b < tokens.size(); ++b) {
    require(!tokens[b].empty() && tokens[b].size() == targets[b].size(),
            "batch row " + std::to_string(b) + ": tokens and targets need the same, non-zero length");
    for (int t : targets[b]) scored += t >= 0;
  }
  require(scored > 0, "the batch has no scored target (every target is -1)");
  if (with_grads) model.zero_grad();
  ModelCache cache;
  double sum = 0;
  for (std::size_t b = 0; b < tokens.size(); ++b) {
    const int n = static_cast<int>(tokens[b].size());
    sum += model.forward(tokens[b].data(), targets[b].data(), n, cache);  // draw 0: the same every call
    if (with_grads) model.backward(static_cast<float>(1.0 / scored), cache);
  }
  return sum / scored;
}

double Trainer::step() {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<TaskSequence> seqs;
  seqs.reserve(static_cast<std::size_t>(config_.batch));
  long long scored = 0;
  for (int b = 0; b < config_.batch; ++b) {
    seqs.push_back(task_->sample(data_, config_.len));
    for (int t : seqs.back().targets) scored += t >= 0;
  }
  ParamBlock& P = model_->params();
  model_->zero_grad();
  double sum = 0;
  if (scored > 0) {
    const float scale = static_cast<float>(1.0 / scored);
    // Each sequence its own position draw (only randomized reads it).
    const std::uint64_t draws = seed_mix(config_.seed, kPositionStream);
    for (std::size_t b = 0; b < seqs.size(); ++b) {
      const std::uint64_t draw =
          seed_mix(draws, static_cast<std::uint64_t>(step_) * static_cast<std::uint64_t>(config_.batch) + b);
      sum += model_->forward(seqs[b].tokens.data(), seqs[b].targets.data(), config_.len, cache_, 0, draw);
      model_->backward(scale, cache_);
    }
  }
  const double loss = scored > 0 ? sum / scored : 0.0;
  grad_norm_ = std::sqrt(vec_sum_squares(P.grad.data(), P.grad.size()));
  require(std::isfinite(loss) && std::isfinite(grad_norm_),
          "training diverged at step " + std::to_string(step_ + 1) + " (loss " + std::to_string(loss) +
              ", gradient norm " + std::to_string(grad_norm_) + "): lower lr");
  if (config_.clip > 0 && grad_norm_ > config_.clip) {
    const float k = static_cast<float>(config_.clip / grad_norm_);
    for (auto& g : P.grad) g *= k;
  }
  const float lr = static_cast<float>(lr_at(step_));
  for (const auto& t : P.tensors)
    adamw_update(P.value.data() + t.offset, P.grad.data() + t.offset, P.m.data() + t.offset, P.v.data() + t.offset,
                 t.size, lr, static_cast<float>(config_.beta1), static_cast<float>(config_.beta2),
                 static_cast<float>(config_.eps), t.decay ? static_cast<float>(config_.weight_decay) : 0.0f,
                 step_ + 1);
  ++step_;
  losses_.push_back(loss);
  tokens_ += static_cast<long long>(config_.batch) * config_.len;
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return loss;
}

double Trainer::tokens_per_second() const { return seconds_ > 0 ? tokens_ / seconds_ : 0.0; }

EvalResult Trainer::evaluate(int len) const {
  EvalResult r;
  r.len = len;
  check_int("eval length", len, 2, limits::max_eval_len);
  require(len >= task_->min_len(), "eval length " + std::to_string(len) + " is too short for task " + config_.task +
                                       " (at least " + std::to_string(task_->min_len()) + ")");
  const int limit = model_->position_limit();
  if (limit > 0 && len > limit) {
    r.applicable = false;
    r.reason = limit == model_->config().max_len
                   ? config_.scheme + " has no encoding past position " + std::to_string(limit - 1) +
                         " (trained at length " + std::to_string(limit) + ")"
                   : config_.scheme + " places at most " + std::to_string(limit) + " tokens (its positions come from [0, " +
                         std::to_string(limit) + "))";
    r.loss = r.accuracy = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  Rng rng(seed_mix(seed_mix(config_.seed, kEvalStream), static_cast<std::uint64_t>(len)));
  // Randomized draws at evaluation too, as the reference: one seeded draw per sequence.
  const std::uint64_t draws = seed_mix(seed_mix(config_.seed, kEvalPositionStream), static_cast<std::uint64_t>(len));
  double sum = 0;
  long long answers = 0, correct = 0;
  for (int s = 0; s < config_.eval_sequences; ++s) {
    const TaskSequence seq = task_->sample(rng, len);
    sum += model_->forward(seq.tokens.data(), seq.targets.data(), len, cache_, 0,
                           seed_mix(draws, static_cast<std::uint64_t>(s)));
    for (int i = 0; i < len; ++i) {
      if (seq.targets[static_cast<std::size_t>(i)] >= 0) ++r.scored;
      if (seq.answer[static_cast<std::size_t>(i)] && seq.targets[static_cast<std::size_t>(i)] >= 0) {
        ++answers;
        correct += cache_.predicted[static_cast<std::size_t>(i)] == seq.targets[static_cast<std::size_t>(i)];
      }
    }
  }
  r.loss = r.scored > 0 ? sum / r.scored : std::numeric_limits<double>::quiet_NaN();
  r.accuracy = answers > 0 ? static_cast<double>(correct) / answers : std::numeric_limits<double>::quiet_NaN();
  return r;
}

}  // namespace pe
