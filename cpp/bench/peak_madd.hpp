// The multiply-add ceiling: `chains` independent 4-lane chains acc = acc * m + c kept in
// registers, no memory traffic, so the loop runs at the issue rate of vector multiplies
// and adds (WASM SIMD has no fused multiply-add: one mul and one add per step, as in the
// matrix kernels). Enough chains hide the mul -> add latency; 8 and 12 are both built and
// the faster one is the peak. FLOPs per call: iterations * chains * 4 lanes * 2.
// 0 < m < 1 and c > 0 keep every value finite and normal (acc tends to c / (1 - m)).
// Compiled natively into pe_bench_native and, with -msimd128, into pe_peak_simd.mjs.
#pragma once
#include "pe/simd.hpp"

namespace pe::bench {

#if PE_HAS_SIMD
template <int chains>
__attribute__((noinline)) float peak_madd(int iterations, float seed) {
  using simd::f32x4;
  f32x4 acc[chains];
  for (int c = 0; c < chains; ++c) acc[c] = simd::splat(seed + 0.125f * c);
  // From the seed, so neither is a constant the compiler could rematerialise in the loop.
  const f32x4 m = simd::splat(1.0f - seed * 1e-5f), add = simd::splat(seed * 1e-3f);
  for (int i = 0; i < iterations; ++i) {
    for (int c = 0; c < chains; ++c) acc[c] = acc[c] * m + add;  // unrolled by -O3 (constant count)
  }
  f32x4 s = simd::zero();
  for (int c = 0; c < chains; ++c) s += acc[c];
  return simd::hsum(s);
}
#endif

inline double peak_madd_flops(int iterations, int chains) { return 8.0 * chains * static_cast<double>(iterations); }

}  // namespace pe::bench
