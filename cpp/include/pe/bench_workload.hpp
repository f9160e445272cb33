// The workload of `npm run bench` (scripts/bench.sh), shared by the native benchmark
// (cpp/bench/) and the WASM modules (cpp/wasm/bench_bindings.cpp), so that every build
// times the same C++ code path.
//
// Setup (not timed): a scheme from the registry, weights and N(0, 1) embeddings from the
// seed, positions 0..n-1, then the layer's own stages attention_inputs and
// attention_project, so q, k, v (heads, n, dh) are prepared exactly as in a real layer.
// Timed: run(), the attention core softmax(q k^T * scale + bias) v for every head, through
// attention_mix_streaming (online softmax over 64 x 64 blocks, memory O(n)) or
// attention_mix_full (weights kept, what the page draws). Not timed: the projections.
//
// FLOP count: 4 heads n^2 dh (2 n^2 dh for q k^T and 2 n^2 dh for p v per head); the
// softmax, the bias and the rescaling are not counted, so GFLOP/s is a throughput of the
// two matrix products with everything else as overhead.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "pe/attention.hpp"
#include "pe/scheme.hpp"

namespace pe {

struct BenchSetup {
  std::string scheme = "rope";  // any registered name
  int n = 512;                  // tokens
  int heads = 8;
  int head_dim = 64;            // dh; model width d = heads * head_dim
  bool streaming = true;        // false: full softmax with the weights kept
  bool causal = false;
  std::uint64_t seed = 1;
};

class AttentionBench {
 public:
  // Builds and prepares the workload. Throws pe::Error for an unknown scheme or a shape
  // the layer refuses (check_layer_shape; full mode is limited to limits::max_tokens).
  explicit AttentionBench(const BenchSetup& setup);

  // The timed core: softmax and p v for every head into cache().head_out.
  void run();
  // The last stage of the layer (out = concat(head_out) Wo^T), so that run() + output()
  // after construction is the whole of attention_forward (for the memory figures).
  void output();

  // Sum of head_out (heads, n, dh): compares builds and keeps the work observable.
  double checksum() const;
  // 4 heads n^2 dh.
  double flops() const;
  // Bytes held by the cache's arrays (capacities): what the layer keeps for this n.
  std::size_t cache_bytes() const;

  const BenchSetup& setup() const { return setup_; }
  const AttentionCache& cache() const { return cache_; }

 private:
  BenchSetup setup_;
  std::unique_ptr<Scheme> scheme_;
  LayerWeights weights_;
  AttentionCache cache_;
};

// True when `name` is in the registry (the bench falls back to the schemes that are).
bool bench_scheme_registered(const std::string& name);

}  // namespace pe
