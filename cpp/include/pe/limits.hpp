// Documented limits on input sizes. Past them the CLI and the module refuse with a
// clear pe::Error instead of allocating without bound.
#pragma once
#include <cstddef>

namespace pe::limits {

constexpr int max_table_len = 8192;          // positions in `pe-cli table`
constexpr int max_dim = 4096;                // model width d
constexpr int max_heads = 64;                // heads H
constexpr std::size_t max_table_cells = 1u << 24;  // H*N*N or N*D values in one table
constexpr int max_tokens = 4096;             // tokens in one sentence for the probe (with weights)
constexpr int max_stream_tokens = 65536;     // tokens in streaming mode (no weights returned)
constexpr std::size_t max_sentence_bytes = 1u << 20;  // 1 MiB of text
constexpr int max_shift = 1 << 20;           // K of the shift probe
// Work budget of one probe (pe/probe.hpp probe_work), in multiply-adds: about 5 s natively
// (some 5e10 multiply-adds a second), longer in WASM. Each scheme runs three layer passes
// (sentence, compare, shifted logits): projections 4 n d^2, logits and p.v 2 n^2 d, and its
// own per-query terms n P H for P trainable table values (Shaw's aK/aV, CoPE's positions).
// Seeded draws (Wq..Wo's 4 d^2, each scheme's tables) count probe_work_per_draw each.
// Past it the probe refuses (65,536 tokens, Shaw max_relative=4096 or CoPE npos=8192 at
// dim 4096, dim 4096 itself) instead of running for a minute.
constexpr double max_probe_work = 2.5e11;
constexpr double probe_work_per_draw = 4000;  // one seeded normal: ~92 ns vs ~0.02 ns per multiply-add

// Training (train.hpp, model.hpp).
constexpr int max_layers = 16;
constexpr int max_train_dim = 1024;
constexpr int max_train_len = 2048;          // training length L
constexpr int max_eval_len = max_tokens;     // evaluation length (full attention)
constexpr int max_batch = 4096;              // sequences per step, and eval sequences
constexpr int max_steps = 1000000;

}  // namespace pe::limits
