// The benchmark workload (contract in bench_workload.hpp).
#include "pe/bench_workload.hpp"

#include <vector>

#include "pe/registry.hpp"
#include "pe/rng.hpp"

namespace pe {

AttentionBench::AttentionBench(const BenchSetup& setup) : setup_(setup) {
  LayerShape shape;
  shape.n = setup.n;
  shape.heads = setup.heads;
  shape.d = setup.heads * setup.head_dim;
  shape.causal = setup.causal;
  check_layer_shape(shape, !setup.streaming);
  scheme_ = make_scheme(setup.scheme);
  weights_ = make_layer_weights(shape.d, setup.seed);

  std::vector<float> x(static_cast<std::size_t>(shape.n) * static_cast<std::size_t>(shape.d));  // (n, d)
  Rng rng(seed_mix(setup.seed, 5));
  for (auto& v : x) v = static_cast<float>(rng.normal());
  std::vector<int> pos(static_cast<std::size_t>(shape.n));  // (n)
  for (int i = 0; i < shape.n; ++i) pos[static_cast<std::size_t>(i)] = i;

  attention_inputs(*scheme_, shape, x.data(), pos.data(), cache_);
  attention_project(*scheme_, weights_, cache_);
}

void AttentionBench::run() {
  const AttentionOptions defaults;
  if (setup_.streaming)
    attention_mix_streaming(*scheme_, cache_, defaults.block_rows, defaults.block_cols);
  else
    attention_mix_full(*scheme_, cache_);
}

void AttentionBench::output() { attention_output(weights_, cache_); }

double AttentionBench::checksum() const {
  double s = 0.0;
  for (float v : cache_.head_out) s += v;
  return s;
}

double AttentionBench::flops() const {
  const double n = setup_.n;
  return 4.0 * setup_.heads * n * n * setup_.head_dim;
}

std::size_t AttentionBench::cache_bytes() const {
  const auto& c = cache_;
  const std::size_t floats = c.x.capacity() + c.q.capacity() + c.k.capacity() + c.v.capacity() +
                             c.logits.capacity() + c.weights.capacity() + c.row_max.capacity() +
                             c.row_sum.capacity() + c.head_out.capacity() + c.out.capacity();
  return floats * sizeof(float) + c.pos.capacity() * sizeof(int);
}

bool bench_scheme_registered(const std::string& name) {
  for (const auto& e : scheme_registry())
    if (e.info->name == name) return true;
  return false;
}

}  // namespace pe
