// JSON of training and lab results, shared by pe-cli and the WASM module:
//   train: {"config": {...}, "losses": [per step], "eval": {"<len>": {"loss", "accuracy",
//           "applicable", "reason"?}}, "tokens_per_second": z}
//   lab:   {"config": {...}, "lens": [...], "schemes": {"<scheme>": {"<len>": {"loss_mean",
//           "loss_min", "loss_max", "accuracy_mean", "applicable"}}},
//           "runs": [{"scheme", "seed", "losses", "eval", "tokens_per_second"}]}
// NaN (no answers, not applicable) is written as null.
#pragma once
#include <vector>

#include "pe/json.hpp"
#include "pe/lab.hpp"
#include "pe/train.hpp"

namespace pe {

void write_train_config_json(JsonWriter& w, const TrainConfig& c);
// A TrainConfig from JSON text (the WASM module's trainer options): keys scheme,
// settings {key: string or number}, task, text, text_level, layers, dim, heads, len,
// batch, steps, lr, min_lr_ratio, warmup, weight_decay, beta1, beta2, eps, clip, seed,
// eval_lens [..], eval_sequences. Missing keys keep their defaults; an unknown key, a
// wrong type or a fraction where a whole number belongs is a pe::Error naming the key.
TrainConfig train_config_from_json(const std::string& text);
// A batch {"tokens": [[ids]], "targets": [[ids or -1]]} (pe-cli loss --batch, the
// module's modelLoss); throws pe::Error naming what is malformed.
void batch_from_json(const std::string& text, std::vector<std::vector<int>>& tokens,
                     std::vector<std::vector<int>>& targets);
void write_eval_json(JsonWriter& w, const std::vector<EvalResult>& eval);  // {"<len>": {...}}
void write_train_json(JsonWriter& w, const Trainer& t, const std::vector<EvalResult>& eval);
void write_lab_json(JsonWriter& w, const LabConfig& c, const LabResult& r);

}  // namespace pe
