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

}  // namespace pe::limits
