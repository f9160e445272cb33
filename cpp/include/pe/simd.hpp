// The one SIMD mapping header: 4-lane float vectors written once with GCC/Clang vector
// extensions, which compile to SSE natively and to simd128 in WASM (-msimd128).
// Kernels use only what is here; no intrinsics anywhere else.
//
// PE_HAS_SIMD is 1 when the vector types exist. Under PE_SCALAR_ONLY (CMake
// -DPE_SIMD=OFF) it is 0 and the fast kernels compile to their scalar _ref twins.
//
// exp(): Cody-Waite range reduction x = n ln2 + r, |r| <= ln2/2, then the degree-6
// Taylor polynomial of e^r (coefficients 1/k!, Horner), then 2^n through the exponent
// bits. Truncation error <= (ln2/2)^7 / 7! * e^(ln2/2) = 1.7e-7 relative; with float
// rounding the measured maximum over 20 million points of [-87, 88.3] is 2.6e-7
// relative to exp in double (the same bits natively and in WASM; test_kernels.cpp
// checks 1e-6 against std::exp). x < -87.3 gives exactly 0 (so a masked -inf gives 0);
// x > 88.3 gives e^88.3 instead of overflowing; NaN inputs are not handled. WASM SIMD
// has no fused multiply-add and the x86-64 baseline build has none either, so both
// round every step the same way.
#pragma once
#include <cstdint>

#if !defined(PE_SCALAR_ONLY) && (defined(__GNUC__) || defined(__clang__))
#define PE_HAS_SIMD 1
#else
#define PE_HAS_SIMD 0
#endif

#if PE_HAS_SIMD
namespace pe::simd {

typedef float f32x4 __attribute__((vector_size(16)));
typedef std::int32_t i32x4 __attribute__((vector_size(16)));
typedef std::uint32_t u32x4 __attribute__((vector_size(16)));

constexpr int lanes = 4;

// Unaligned memory access: memcpy of 16 bytes compiles to one movups / v128.load.
inline f32x4 load(const float* p) {
  f32x4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, f32x4 v) { __builtin_memcpy(p, &v, sizeof v); }
// First `count` (0..4) lanes from p, the others `fill`; never reads past p + count.
inline f32x4 load_partial(const float* p, int count, float fill) {
  f32x4 v = {fill, fill, fill, fill};
  for (int i = 0; i < count; ++i) v[i] = p[i];
  return v;
}
inline void store_partial(float* p, f32x4 v, int count) {
  for (int i = 0; i < count; ++i) p[i] = v[i];
}

inline f32x4 splat(float x) { return f32x4{x, x, x, x}; }
inline f32x4 zero() { return f32x4{0.0f, 0.0f, 0.0f, 0.0f}; }

inline i32x4 as_int(f32x4 v) { return (i32x4)v; }
inline f32x4 as_float(i32x4 v) { return (f32x4)v; }
// mask lanes are all ones or all zeros (a comparison result): mask ? a : b.
inline f32x4 select(i32x4 mask, f32x4 a, f32x4 b) { return as_float((mask & as_int(a)) | (~mask & as_int(b))); }
// Written as the compare-and-pick that maxps/minps (SSE) and f32x4.pmax/pmin (WASM)
// implement, so each is one instruction. With a NaN they return a.
inline f32x4 max(f32x4 a, f32x4 b) { return a < b ? b : a; }
inline f32x4 min(f32x4 a, f32x4 b) { return b < a ? b : a; }

inline float hsum(f32x4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }
inline float hmax(f32x4 v) {
  float a = v[0] > v[1] ? v[0] : v[1], b = v[2] > v[3] ? v[2] : v[3];
  return a > b ? a : b;
}

// (a, b, c, d) -> (b, a, d, c): swaps the two floats of each interleaved pair.
inline f32x4 swap_pairs(f32x4 v) {
#if defined(__clang__)
  return __builtin_shufflevector(v, v, 1, 0, 3, 2);
#else
  return __builtin_shuffle(v, i32x4{1, 0, 3, 2});
#endif
}

// e^x per lane; error bounds in the header comment.
inline f32x4 exp(f32x4 x) {
  // Lanes below -87.3 (including -inf) compute garbage below and are replaced by 0.
  const i32x4 underflow = x < splat(-87.3f);
  x = min(x, splat(88.3f));
  // n = round(x / ln2): adding 1.5 * 2^23 rounds to an integer in the low mantissa bits.
  const f32x4 shifter = splat(12582912.0f);
  const f32x4 t = x * splat(1.44269504088896341f) + shifter;
  const f32x4 n = t - shifter;
  // r = x - n ln2 in two steps: ln2_hi = 355/512 has 9 significant bits, so n * ln2_hi
  // is exact for |n| <= 2^15; ln2_lo = ln2 - 355/512.
  f32x4 r = x - n * splat(0.693359375f);
  r = r - n * splat(-2.12194440054690583e-4f);
  // Horner, 1/k! for k = 6..0.
  f32x4 p = splat(1.0f / 720.0f);
  p = p * r + splat(1.0f / 120.0f);
  p = p * r + splat(1.0f / 24.0f);
  p = p * r + splat(1.0f / 6.0f);
  p = p * r + splat(0.5f);
  p = p * r + splat(1.0f);
  p = p * r + splat(1.0f);
  // 2^n from the exponent bits; n sits in the low bits of t. Unsigned, so that the
  // garbage lanes wrap instead of overflowing.
  const u32x4 ni = (u32x4)t - (u32x4)shifter;
  const f32x4 scale = (f32x4)((ni + 127u) << 23);
  return select(underflow, zero(), p * scale);
}

}  // namespace pe::simd
#endif
