// Internal to the kernels (kernels.cpp, train_kernels.cpp): the 4 x 8 register tile of
// the matrix products, how one of its rows is stored, and the packing scratch. SIMD
// builds only.
#pragma once
#include <cstddef>
#include <vector>

#include "pe/simd.hpp"

#if PE_HAS_SIMD
namespace pe::gemm {

// Scratch for packed operands, shared by every product; grows, never shrinks (one per
// thread). A kernel holds it only while it runs and calls no other kernel meanwhile.
inline float* scratch(std::size_t count) {
  thread_local std::vector<float> buf;
  if (buf.size() < count) buf.resize(count);
  return buf.data();
}

constexpr int tile_rows = 4;  // rows of out per microkernel
constexpr int tile_cols = 8;  // columns of out per microkernel (2 vectors)

// Stores one 8-wide row of the tile: columns [0, cols) of dst = scale * v (+ dst).
inline void tile_store(float* dst, simd::f32x4 v0, simd::f32x4 v1, int cols, float scale, bool accumulate) {
  if (scale != 1.0f) {
    v0 = v0 * simd::splat(scale);
    v1 = v1 * simd::splat(scale);
  }
  if (cols == tile_cols) {
    if (accumulate) {
      v0 += simd::load(dst);
      v1 += simd::load(dst + 4);
    }
    simd::store(dst, v0);
    simd::store(dst + 4, v1);
    return;
  }
  float tmp[tile_cols];
  simd::store(tmp, v0);
  simd::store(tmp + 4, v1);
  for (int c = 0; c < cols; ++c) dst[c] = tmp[c] + (accumulate ? dst[c] : 0.0f);
}

}  // namespace pe::gemm
#endif
