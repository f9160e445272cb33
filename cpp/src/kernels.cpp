// Kernels (contract in kernels.hpp). The _ref twins first, then the fast versions.
//
// Matrix products share one register-tiled core, gemm_panels: out (m, n) = A (m, k) .
// P (k, n), P read as 8-column panels. Each step of the k loop broadcasts one entry of 4
// rows of A and multiplies it into 8 columns of P, keeping a 4 x 8 tile of out in 8
// vector registers (an outer-product microkernel, as in BLIS/GotoBLAS). matmul_abt packs
// B^T into contiguous (k, 8) panels (a transpose: n k copies against m n k
// multiply-adds); matmul_ab reads B in place when n is a multiple of 8 and packs
// zero-padded panels otherwise. Columns are processed in chunks so that the panels in
// use stay in L1.
#include "pe/kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "pe/simd.hpp"
#include "gemm_tile.hpp"

namespace pe {

namespace {
inline std::size_t at(int row, int ld, int col) {
  return static_cast<std::size_t>(row) * static_cast<std::size_t>(ld) + static_cast<std::size_t>(col);
}
constexpr float neg_inf = -std::numeric_limits<float>::infinity();
}  // namespace

// ---------------------------------------------------------------- scalar references

void matmul_abt_ref(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                    float scale, bool accumulate) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float s = 0.0f;
      for (int t = 0; t < k; ++t) s += a[at(i, lda, t)] * b[at(j, ldb, t)];
      out[at(i, ldo, j)] = scale * s + (accumulate ? out[at(i, ldo, j)] : 0.0f);
    }
}

void matmul_ab_ref(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                   bool accumulate) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float s = 0.0f;
      for (int t = 0; t < k; ++t) s += a[at(i, lda, t)] * b[at(t, ldb, j)];
      out[at(i, ldo, j)] = s + (accumulate ? out[at(i, ldo, j)] : 0.0f);
    }
}

void exp_apply_ref(float* y, const float* x, int n) {
  for (int i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}

void softmax_rows_ref(float* x, int ld, int m, int n) {
  for (int i = 0; i < m; ++i) {
    float* row = x + at(i, ld, 0);
    float mx = neg_inf;
    for (int j = 0; j < n; ++j) mx = std::max(mx, row[j]);
    float sum = 0.0f;
    for (int j = 0; j < n; ++j) {
      row[j] = std::exp(row[j] - mx);
      sum += row[j];
    }
    const float inv = 1.0f / sum;
    for (int j = 0; j < n; ++j) row[j] *= inv;
  }
}

void softmax_online_step_ref(float* s, int lds, int m, int n, float* row_max, float* row_sum, float* acc,
                             int ldacc, int dv) {
  for (int i = 0; i < m; ++i) {
    float* row = s + at(i, lds, 0);
    float mx = row_max[i];
    for (int j = 0; j < n; ++j) mx = std::max(mx, row[j]);
    if (mx == neg_inf) {  // nothing visible yet: p = 0, state unchanged
      for (int j = 0; j < n; ++j) row[j] = 0.0f;
      continue;
    }
    const float alpha = std::exp(row_max[i] - mx);  // 0 when the old max is -inf
    float sum = 0.0f;
    for (int j = 0; j < n; ++j) {
      row[j] = std::exp(row[j] - mx);
      sum += row[j];
    }
    row_sum[i] = row_sum[i] * alpha + sum;
    row_max[i] = mx;
    for (int c = 0; c < dv; ++c) acc[at(i, ldacc, c)] *= alpha;
  }
}

void bias_add_ref(float* out, int ldo, const float* bias, int ldb, int m, int n) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) out[at(i, ldo, j)] += bias[at(i, ldb, j)];
}

void rows_rotate_half_ref(float* x, int ldx, int m, int half, const float* cos, const float* sin, int ldcs) {
  for (int i = 0; i < m; ++i) {
    float* r = x + at(i, ldx, 0);
    for (int t = 0; t < half; ++t) {
      const float c = cos[at(i, ldcs, t)], s = sin[at(i, ldcs, t)];
      const float a = r[t], b = r[t + half];
      r[t] = a * c - b * s;
      r[t + half] = b * c + a * s;
    }
  }
}

void rows_rotate_interleaved_ref(float* x, int ldx, int m, int pairs, const float* cos, const float* sin,
                                 int ldcs) {
  for (int i = 0; i < m; ++i) {
    float* r = x + at(i, ldx, 0);
    for (int t = 0; t < pairs; ++t) {
      const float c = cos[at(i, ldcs, t)], s = sin[at(i, ldcs, t)];
      const float a = r[2 * t], b = r[2 * t + 1];
      r[2 * t] = a * c - b * s;
      r[2 * t + 1] = b * c + a * s;
    }
  }
}

// ---------------------------------------------------------------- fast versions

#if PE_HAS_SIMD

namespace {

using simd::f32x4;

using gemm::scratch;
using gemm::tile_cols;
using gemm::tile_rows;
using gemm::tile_store;

// The right-hand operand as the microkernel reads it: 8-column panels. Columns
// [8 c, 8 c + 8) of row t are the 8 floats at base + c * panel_step + t * row_step,
// readable (zero or anything) up to a multiple of 8 columns.
//   packed panels:  row_step 8, panel_step 8 k (each panel (k, 8) is contiguous, so the
//                   k loop streams through memory: GotoBLAS/BLIS packing)
//   row-major B:    row_step ldb, panel_step 8 (B used in place when n % 8 == 0)
struct Panels {
  const float* base;
  std::size_t row_step, panel_step;
};

// out (m, n) = scale * a (m, k) . P (k, n) (+ out).
void gemm_panels(float* out, int ldo, const float* a, int lda, Panels p, int m, int n, int k, float scale,
                 bool accumulate) {
  // Panels per chunk: k x chunk floats of P stay within ~16 KiB of L1 while every row
  // block of a passes over them.
  const int chunk = std::max(tile_cols, (4096 / std::max(k, 1)) / tile_cols * tile_cols);
  for (int j0 = 0; j0 < n; j0 += chunk) {
    const int j1 = std::min(n, j0 + chunk);
    int i = 0;
    for (; i + tile_rows <= m; i += tile_rows) {
      const float* a0 = a + at(i, lda, 0);
      const float* a1 = a0 + lda;
      const float* a2 = a1 + lda;
      const float* a3 = a2 + lda;
      for (int j = j0; j < j1; j += tile_cols) {
        f32x4 c00 = simd::zero(), c01 = simd::zero(), c10 = simd::zero(), c11 = simd::zero();
        f32x4 c20 = simd::zero(), c21 = simd::zero(), c30 = simd::zero(), c31 = simd::zero();
        const float* pp = p.base + static_cast<std::size_t>(j / tile_cols) * p.panel_step;
        for (int t = 0; t < k; ++t, pp += p.row_step) {
          const f32x4 b0 = simd::load(pp), b1 = simd::load(pp + 4);
          f32x4 x = simd::splat(a0[t]);
          c00 += x * b0;
          c01 += x * b1;
          x = simd::splat(a1[t]);
          c10 += x * b0;
          c11 += x * b1;
          x = simd::splat(a2[t]);
          c20 += x * b0;
          c21 += x * b1;
          x = simd::splat(a3[t]);
          c30 += x * b0;
          c31 += x * b1;
        }
        const int cols = std::min(tile_cols, n - j);
        tile_store(out + at(i, ldo, j), c00, c01, cols, scale, accumulate);
        tile_store(out + at(i + 1, ldo, j), c10, c11, cols, scale, accumulate);
        tile_store(out + at(i + 2, ldo, j), c20, c21, cols, scale, accumulate);
        tile_store(out + at(i + 3, ldo, j), c30, c31, cols, scale, accumulate);
      }
    }
    for (; i < m; ++i) {  // leftover rows, one at a time
      const float* a0 = a + at(i, lda, 0);
      for (int j = j0; j < j1; j += tile_cols) {
        f32x4 c00 = simd::zero(), c01 = simd::zero();
        const float* pp = p.base + static_cast<std::size_t>(j / tile_cols) * p.panel_step;
        for (int t = 0; t < k; ++t, pp += p.row_step) {
          const f32x4 x = simd::splat(a0[t]);
          c00 += x * simd::load(pp);
          c01 += x * simd::load(pp + 4);
        }
        tile_store(out + at(i, ldo, j), c00, c01, std::min(tile_cols, n - j), scale, accumulate);
      }
    }
  }
}

}  // namespace

void matmul_abt(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                float scale, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  // Pack b^T into 8-column panels: panel c holds rows 8c..8c+7 of b, transposed, as
  // (k, 8); rows past n are zero.
  const int panels = (n + tile_cols - 1) / tile_cols;
  const std::size_t panel_step = static_cast<std::size_t>(k) * tile_cols;
  float* p = scratch(panel_step * panels);
  for (int c = 0; c < panels; ++c) {
    float* dst = p + c * panel_step;
    const int j0 = c * tile_cols, rows = std::min(tile_cols, n - j0);
    if (rows == tile_cols) {
      const float* r[tile_cols];
      for (int q = 0; q < tile_cols; ++q) r[q] = b + at(j0 + q, ldb, 0);
      for (int t = 0; t < k; ++t, dst += tile_cols) {
        simd::store(dst, f32x4{r[0][t], r[1][t], r[2][t], r[3][t]});
        simd::store(dst + 4, f32x4{r[4][t], r[5][t], r[6][t], r[7][t]});
      }
    } else {
      for (int t = 0; t < k; ++t, dst += tile_cols)
        for (int q = 0; q < tile_cols; ++q) dst[q] = q < rows ? b[at(j0 + q, ldb, t)] : 0.0f;
    }
  }
  gemm_panels(out, ldo, a, lda, Panels{p, tile_cols, panel_step}, m, n, k, scale, accumulate);
}

void matmul_ab(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
               bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (n % tile_cols == 0) {  // b in place: each 8-column slice of a row is contiguous
    gemm_panels(out, ldo, a, lda, Panels{b, static_cast<std::size_t>(ldb), tile_cols}, m, n, k, 1.0f, accumulate);
    return;
  }
  const int panels = (n + tile_cols - 1) / tile_cols;
  const std::size_t panel_step = static_cast<std::size_t>(k) * tile_cols;
  float* p = scratch(panel_step * panels);  // (panels, k, 8), zero padded past column n
  for (int c = 0; c < panels; ++c) {
    const int j0 = c * tile_cols, cols = std::min(tile_cols, n - j0);
    float* dst = p + c * panel_step;
    for (int t = 0; t < k; ++t, dst += tile_cols) {
      const float* src = b + at(t, ldb, j0);
      for (int q = 0; q < tile_cols; ++q) dst[q] = q < cols ? src[q] : 0.0f;
    }
  }
  gemm_panels(out, ldo, a, lda, Panels{p, tile_cols, panel_step}, m, n, k, 1.0f, accumulate);
}

void exp_apply(float* y, const float* x, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) simd::store(y + i, simd::exp(simd::load(x + i)));
  if (i < n) simd::store_partial(y + i, simd::exp(simd::load_partial(x + i, n - i, 0.0f)), n - i);
}

namespace {

inline float row_max_of(const float* row, int n, float start) {
  f32x4 mv = simd::splat(start);
  int j = 0;
  for (; j + 4 <= n; j += 4) mv = simd::max(mv, simd::load(row + j));
  if (j < n) mv = simd::max(mv, simd::load_partial(row + j, n - j, neg_inf));
  return simd::hmax(mv);
}

// row <- e^(row - mx); returns the sum.
inline float row_exp_sum(float* row, int n, float mx) {
  const f32x4 m = simd::splat(mx);
  f32x4 s0 = simd::zero(), s1 = simd::zero();
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    const f32x4 e0 = simd::exp(simd::load(row + j) - m), e1 = simd::exp(simd::load(row + j + 4) - m);
    simd::store(row + j, e0);
    simd::store(row + j + 4, e1);
    s0 += e0;
    s1 += e1;
  }
  for (; j + 4 <= n; j += 4) {
    const f32x4 e = simd::exp(simd::load(row + j) - m);
    simd::store(row + j, e);
    s0 += e;
  }
  if (j < n) {
    const f32x4 e = simd::exp(simd::load_partial(row + j, n - j, neg_inf) - m);  // padding -> 0
    simd::store_partial(row + j, e, n - j);
    s1 += e;
  }
  return simd::hsum(s0 + s1);
}

inline void row_scale(float* row, int n, float f) {
  const f32x4 v = simd::splat(f);
  int j = 0;
  for (; j + 4 <= n; j += 4) simd::store(row + j, simd::load(row + j) * v);
  for (; j < n; ++j) row[j] *= f;
}

}  // namespace

void softmax_rows(float* x, int ld, int m, int n) {
  for (int i = 0; i < m; ++i) {
    float* row = x + at(i, ld, 0);
    const float mx = row_max_of(row, n, neg_inf);
    row_scale(row, n, 1.0f / row_exp_sum(row, n, mx));
  }
}

void softmax_online_step(float* s, int lds, int m, int n, float* row_max, float* row_sum, float* acc,
                         int ldacc, int dv) {
  for (int i = 0; i < m; ++i) {
    float* row = s + at(i, lds, 0);
    const float mx = row_max_of(row, n, row_max[i]);
    if (mx == neg_inf) {
      std::fill(row, row + n, 0.0f);
      continue;
    }
    const float alpha = std::exp(row_max[i] - mx);
    const float sum = row_exp_sum(row, n, mx);
    row_sum[i] = row_sum[i] * alpha + sum;
    row_max[i] = mx;
    if (alpha != 1.0f) row_scale(acc + at(i, ldacc, 0), dv, alpha);
  }
}

void bias_add(float* out, int ldo, const float* bias, int ldb, int m, int n) {
  for (int i = 0; i < m; ++i) {
    float* o = out + at(i, ldo, 0);
    const float* b = bias + at(i, ldb, 0);
    int j = 0;
    for (; j + 4 <= n; j += 4) simd::store(o + j, simd::load(o + j) + simd::load(b + j));
    for (; j < n; ++j) o[j] += b[j];
  }
}

void rows_rotate_half(float* x, int ldx, int m, int half, const float* cos, const float* sin, int ldcs) {
  for (int i = 0; i < m; ++i) {
    float* r1 = x + at(i, ldx, 0);
    float* r2 = r1 + half;
    const float* c = cos + at(i, ldcs, 0);
    const float* s = sin + at(i, ldcs, 0);
    int t = 0;
    for (; t + 4 <= half; t += 4) {
      const f32x4 a = simd::load(r1 + t), b = simd::load(r2 + t);
      const f32x4 cv = simd::load(c + t), sv = simd::load(s + t);
      simd::store(r1 + t, a * cv - b * sv);
      simd::store(r2 + t, b * cv + a * sv);
    }
    for (; t < half; ++t) {
      const float a = r1[t], b = r2[t];
      r1[t] = a * c[t] - b * s[t];
      r2[t] = b * c[t] + a * s[t];
    }
  }
}

void rows_rotate_interleaved(float* x, int ldx, int m, int pairs, const float* cos, const float* sin, int ldcs) {
  for (int i = 0; i < m; ++i) {
    float* r = x + at(i, ldx, 0);
    const float* c = cos + at(i, ldcs, 0);
    const float* s = sin + at(i, ldcs, 0);
    int t = 0;
    for (; t + 2 <= pairs; t += 2) {  // two pairs = one vector (a0, b0, a1, b1)
      const f32x4 v = simd::load(r + 2 * t);
      const f32x4 cv{c[t], c[t], c[t + 1], c[t + 1]};
      const f32x4 sv{-s[t], s[t], -s[t + 1], s[t + 1]};
      simd::store(r + 2 * t, v * cv + simd::swap_pairs(v) * sv);
    }
    for (; t < pairs; ++t) {
      const float a = r[2 * t], b = r[2 * t + 1];
      r[2 * t] = a * c[t] - b * s[t];
      r[2 * t + 1] = b * c[t] + a * s[t];
    }
  }
}

#else  // PE_SCALAR_ONLY: the fast kernels are their scalar twins.

void matmul_abt(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                float scale, bool accumulate) {
  matmul_abt_ref(out, ldo, a, lda, b, ldb, m, n, k, scale, accumulate);
}
void matmul_ab(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
               bool accumulate) {
  matmul_ab_ref(out, ldo, a, lda, b, ldb, m, n, k, accumulate);
}
void exp_apply(float* y, const float* x, int n) { exp_apply_ref(y, x, n); }
void softmax_rows(float* x, int ld, int m, int n) { softmax_rows_ref(x, ld, m, n); }
void softmax_online_step(float* s, int lds, int m, int n, float* row_max, float* row_sum, float* acc,
                         int ldacc, int dv) {
  softmax_online_step_ref(s, lds, m, n, row_max, row_sum, acc, ldacc, dv);
}
void bias_add(float* out, int ldo, const float* bias, int ldb, int m, int n) {
  bias_add_ref(out, ldo, bias, ldb, m, n);
}
void rows_rotate_half(float* x, int ldx, int m, int half, const float* cos, const float* sin, int ldcs) {
  rows_rotate_half_ref(x, ldx, m, half, cos, sin, ldcs);
}
void rows_rotate_interleaved(float* x, int ldx, int m, int pairs, const float* cos, const float* sin, int ldcs) {
  rows_rotate_interleaved_ref(x, ldx, m, pairs, cos, sin, ldcs);
}

#endif

}  // namespace pe
