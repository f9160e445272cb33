// JSON descriptions shared by the CLI and the WASM module, so both say the same thing:
// the scheme list with parameters and ranges, and the probe's result.
#pragma once
#include "pe/json.hpp"
#include "pe/probe.hpp"

namespace pe {

// [{"name", "title", "where", "acts_on", "summary", "paper", "source",
//   "params": [{"key", "kind", "default", "min"/"max"/"min_exclusive" | "choices", "help"}]}]
void write_schemes_json(JsonWriter& w);

// {"tokens", "tokens_compare", "dim", "heads", "seed", "causal", "shift",
//  "schemes": {name: {"sentence_distance", "token_distance", "shift_logit_change",
//                     "attention"?, "attention_compare"?}}}
void write_probe_json(JsonWriter& w, const ProbeOptions& o, const ProbeResult& r);

}  // namespace pe
