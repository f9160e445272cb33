// A model as a safetensors checkpoint (safetensors.hpp) and back.
//
// Tensors: every parameter under its model.hpp name, float32. __metadata__:
//   "config": {"format": "pe-playground/1", "scheme": "rope", "settings": {"theta": "10000"},
//              "layers": 2, "dim": 64, "heads": 4, "vocab": 40, "max_len": 64,
//              "seed": 1, "task": "copy"}      (a JSON object written as a string)
//   "vocab":  ["<pad>", "a", ...]             (token strings by id, a JSON list as a string)
// Loading checks the format tag, the config (as the model does), the vocabulary's length,
// and that the file holds exactly the model's tensors with their shapes; anything else is
// a pe::Error naming the tensor or field.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "pe/model.hpp"
#include "pe/safetensors.hpp"

namespace pe {

struct Checkpoint {
  std::unique_ptr<Model> model;
  std::vector<std::string> vocab;  // (V)
  std::string task;                // the task it was trained on ("" if unknown)
};

StFile checkpoint_encode(const Model& model, const std::vector<std::string>& vocab, const std::string& task);
Checkpoint checkpoint_decode(const StFile& file);
// The gradients in the block, under the parameters' names (pe-cli loss --grads).
StFile gradients_encode(const Model& model);

}  // namespace pe
