// The order probe through a trained model (pe-cli probe --model, the page's "trained"
// switch): both sentences, tokenised as the probe does, are mapped to the model's
// vocabulary and run through the whole model.
//   sentence_distance   1 - cos(mean final-LayerNorm output of the sentence, of compare)
//   token_distance      per token, 1 - cos of the final-LayerNorm rows (k-th occurrence
//                       to k-th occurrence), NaN where compare has no such occurrence
//   shift_logit_change  max |logit(pos + K) - logit(pos)| of the chosen layer's attention
//                       (heads, i, j <= i), tokens unchanged; NaN when the scheme has no
//                       encoding past its table (learned)
//   attention           (heads, n, n) weights of the chosen layer, for both sentences
// Rounding-level values read 0 with the raw value kept, as in probe.hpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "pe/model.hpp"
#include "pe/probe.hpp"

namespace pe {

struct ModelProbeOptions {
  std::string sentence;
  std::string compare;  // empty: the sentence's tokens in reverse order
  int layer = 0;        // whose attention is returned and shifted
  int shift = 16;
};

// Throws pe::Error for a word outside the model's vocabulary (naming it), an empty
// sentence, or a layer that does not exist.
ProbeResult run_model_probe(Model& model, const std::vector<std::string>& vocab, const ModelProbeOptions& options);

// Sampling continuations of a prompt from a trained model: `count` tokens, each drawn
// from softmax(logits / temperature) of the last position (temperature 0: the argmax),
// from Rng(seed). The context is the prompt and what was drawn so far, cut to its last
// max_len tokens when the scheme has no encoding further (learned).
struct SampleOptions {
  std::string prompt;
  int count = 20;            // tokens to draw, [1, 512]
  double temperature = 0.8;  // [0, 10]
  std::uint64_t seed = 1;
};
// The drawn tokens' strings. Throws pe::Error for a word outside the vocabulary.
std::vector<std::string> sample_continuation(Model& model, const std::vector<std::string>& vocab,
                                             const SampleOptions& options);

// Token ids of a sentence in the model's vocabulary (the probe's tokenizer); throws
// pe::Error naming the first unknown word.
std::vector<int> vocab_ids(const std::vector<std::string>& vocab, const std::vector<std::string>& words);

}  // namespace pe
