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

// Training (train.hpp, model.hpp).
constexpr int max_layers = 16;
constexpr int max_train_dim = 1024;
constexpr int max_train_len = 2048;          // training length L
constexpr int max_eval_len = max_tokens;     // evaluation length (full attention)
constexpr int max_batch = 4096;              // sequences per step, and eval sequences
constexpr int max_steps = 1000000;

}  // namespace pe::limits
