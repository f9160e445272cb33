// JSON descriptions shared by the CLI and the WASM module, so both say the same thing:
// the scheme list with parameters and ranges, and the probe's result.
#pragma once
#include "pe/json.hpp"
#include "pe/probe.hpp"

namespace pe {

// [{"name", "title", "where", "acts_on", "summary", "paper", "source",
//   "params": [{"key", "kind", "default", "min"/"max"/"min_exclusive" | "choices", "help"}]}]
void write_schemes_json(JsonWriter& w);

// The input limits of limits.hpp, so the page reads them instead of copying them:
// {"max_tokens", "max_stream_tokens", "max_sentence_bytes", "max_shift", "max_dim",
//  "max_heads", "max_table_len", "max_table_cells", "max_probe_work"}
void write_limits_json(JsonWriter& w);

// {"tokens", "tokens_compare", "token_match", "dim", "heads", "seed", "causal", "shift",
//  "schemes": {name: {"sentence_distance", "token_distance", "shift_logit_change",
//                     "attention"?, "attention_compare"?}}}
void write_probe_json(JsonWriter& w, const ProbeOptions& o, const ProbeResult& r);

}  // namespace pe
