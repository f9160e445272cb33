// Training kernels (contract in train_kernels.hpp). The _ref twins first, then the fast
// versions.
//
// matmul_atb reads both operands as they lie: row t of a (k, m) holds a^T's column t,
// so 4 consecutive entries of it are the 4 rows of a tile of out, and row t of b (k, n)
// holds 8 consecutive columns. Each step of the k loop broadcasts 4 entries of a and
// multiplies them into 8 entries of b, keeping a 4 x 8 tile of out in 8 vector
// registers (the outer-product microkernel of kernels.cpp, with no packing: the left
// operand is already "packed" (k, 4) with stride lda). Full 8-column panels of b are
// read in place; the last partial one is copied once into a zero-padded (k, 8) panel.
// Columns go in chunks so that the panels in use stay in L1 while every row block of
// out passes over them. Each entry still sums t = 0..k-1 in order, as the twin does, so
// without fused multiply-adds (x86-64 baseline, WASM SIMD) the two give the same bits.
//
// Precision choices shared by both twins: LayerNorm statistics in float (two passes:
// mean, then the mean of squared deviations); vec_sum_squares and the cross-entropy
// sum of exponentials in double; AdamW's bias corrections and step size in double,
// used as floats. The fast GELU computes 0.5 (1 + tanh u) as the logistic function
// 1 / (1 + e^(-2u)) with simd::exp (no tanh needed, no cancellation for x < 0).
// LayerNorm of an empty row (n = 0) writes mean 0 and rstd 1 / sqrt(eps).
#include "pe/train_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "pe/simd.hpp"
#include "gemm_tile.hpp"

namespace pe {

namespace {
inline std::size_t at(int row, int ld, int col) {
  return static_cast<std::size_t>(row) * static_cast<std::size_t>(ld) + static_cast<std::size_t>(col);
}
constexpr float gelu_c = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float gelu_a = 0.044715f;

// AdamW's per-step constants, in double as torch computes them in Python floats.
struct AdamScalars {
  float decay;      // 1 - lr wd
  float step;       // lr / (1 - b1^t)
  float bc2_sqrt;   // sqrt(1 - b2^t)
};
AdamScalars adam_scalars(float lr, float beta1, float beta2, float weight_decay, int t) {
  const double bc1 = 1.0 - std::pow(static_cast<double>(beta1), t);
  const double bc2 = 1.0 - std::pow(static_cast<double>(beta2), t);
  return AdamScalars{static_cast<float>(1.0 - static_cast<double>(lr) * weight_decay),
                     static_cast<float>(lr / bc1), static_cast<float>(std::sqrt(bc2))};
}
}  // namespace

// ---------------------------------------------------------------- scalar references

void matmul_atb_ref(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                    bool accumulate) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float s = 0.0f;
      for (int t = 0; t < k; ++t) s += a[at(t, lda, i)] * b[at(t, ldb, j)];
      out[at(i, ldo, j)] = s + (accumulate ? out[at(i, ldo, j)] : 0.0f);
    }
}

void softmax_rows_backward_ref(float* ds, int ldds, const float* p, int ldp, const float* dp, int lddp, int m,
                               int n) {
  for (int i = 0; i < m; ++i) {
    const float* pr = p + at(i, ldp, 0);
    const float* dr = dp + at(i, lddp, 0);
    float* out = ds + at(i, ldds, 0);
    float dot = 0.0f;
    for (int j = 0; j < n; ++j) dot += pr[j] * dr[j];
    for (int j = 0; j < n; ++j) out[j] = pr[j] * (dr[j] - dot);  // after the dot: ds may be dp
  }
}

void layernorm_forward_ref(float* out, float* mean, float* rstd, const float* x, const float* w, const float* b,
                           int m, int n, float eps) {
  const float inv_n = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
  for (int i = 0; i < m; ++i) {
    const float* xr = x + at(i, n, 0);
    float* o = out + at(i, n, 0);
    float s = 0.0f;
    for (int j = 0; j < n; ++j) s += xr[j];
    const float mu = s * inv_n;
    float v = 0.0f;
    for (int j = 0; j < n; ++j) v += (xr[j] - mu) * (xr[j] - mu);
    const float rs = 1.0f / std::sqrt(v * inv_n + eps);
    for (int j = 0; j < n; ++j) o[j] = (xr[j] - mu) * rs * w[j] + b[j];
    mean[i] = mu;
    rstd[i] = rs;
  }
}

void layernorm_backward_ref(float* dx, float* dw, float* db, const float* dout, const float* x, const float* mean,
                            const float* rstd, const float* w, int m, int n) {
  const float inv_n = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
  for (int i = 0; i < m; ++i) {
    const float* g = dout + at(i, n, 0);
    const float* xr = x + at(i, n, 0);
    float* d = dx + at(i, n, 0);
    const float mu = mean[i], rs = rstd[i];
    // With xhat = (x - mean) rstd and gw = w dout:
    // dx = rstd (gw - mean(gw) - xhat mean(gw xhat)).
    float s1 = 0.0f, s2 = 0.0f;
    for (int j = 0; j < n; ++j) {
      const float gw = w[j] * g[j], xhat = (xr[j] - mu) * rs;
      s1 += gw;
      s2 += gw * xhat;
    }
    const float gw_mean = s1 * inv_n, gwx_mean = s2 * inv_n;
    for (int j = 0; j < n; ++j) {
      const float gw = w[j] * g[j], xhat = (xr[j] - mu) * rs;
      db[j] += g[j];
      dw[j] += xhat * g[j];
      d[j] += (gw - gw_mean - xhat * gwx_mean) * rs;
    }
  }
}

void gelu_forward_ref(float* y, const float* x, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const float v = x[i];
    y[i] = 0.5f * v * (1.0f + std::tanh(gelu_c * (v + gelu_a * v * v * v)));
  }
}

void gelu_backward_ref(float* dx, const float* x, const float* dy, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const float v = x[i];
    const float u = gelu_c * (v + gelu_a * v * v * v);
    const float ch = std::cosh(u);  // inf for |u| > 89: sech^2 = 0, as it should
    const float sech2 = 1.0f / (ch * ch);
    const float grad = 0.5f * (1.0f + std::tanh(u)) + 0.5f * v * sech2 * gelu_c * (1.0f + 3.0f * gelu_a * v * v);
    dx[i] = dy[i] * grad;
  }
}

void rows_add_vector_ref(float* out, int ldo, int m, int n, const float* v) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) out[at(i, ldo, j)] += v[j];
}

void rows_sum_accumulate_ref(float* dv, const float* dout, int lddo, int m, int n) {
  for (int i = 0; i < m; ++i)  // row by row into dv: the fast version keeps this order
    for (int j = 0; j < n; ++j) dv[j] += dout[at(i, lddo, j)];
}

void vec_axpy_ref(float* y, const float* x, float alpha, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) y[i] += alpha * x[i];
}

double vec_sum_squares_ref(const float* x, std::size_t count) {
  double s = 0.0;
  for (std::size_t i = 0; i < count; ++i) s += static_cast<double>(x[i]) * x[i];  // each square exact
  return s;
}

void cross_entropy_rows_ref(float* logits, int ld, int m, int n, const int* targets, float scale, double* loss) {
  for (int i = 0; i < m; ++i) {
    float* row = logits + at(i, ld, 0);
    const int target = targets[i];
    if (target < 0) {
      for (int j = 0; j < n; ++j) row[j] = 0.0f;
      loss[i] = 0.0;
      continue;
    }
    float mx = row[0];
    for (int j = 1; j < n; ++j) mx = std::max(mx, row[j]);
    const double target_logit = static_cast<double>(row[target]) - mx;
    double sum = 0.0;
    for (int j = 0; j < n; ++j) {
      row[j] = std::exp(row[j] - mx);
      sum += row[j];
    }
    loss[i] = std::log(sum) - target_logit;
    const float inv = static_cast<float>(1.0 / sum);
    for (int j = 0; j < n; ++j) row[j] = scale * (row[j] * inv - (j == target ? 1.0f : 0.0f));
  }
}

void adamw_update_ref(float* p, const float* g, float* m, float* v, std::size_t count, float lr, float beta1,
                      float beta2, float eps, float weight_decay, int t) {
  const AdamScalars c = adam_scalars(lr, beta1, beta2, weight_decay, t);
  for (std::size_t i = 0; i < count; ++i) {
    p[i] *= c.decay;
    m[i] = beta1 * m[i] + (1.0f - beta1) * g[i];
    v[i] = beta2 * v[i] + (1.0f - beta2) * g[i] * g[i];
    const float denom = std::sqrt(v[i]) / c.bc2_sqrt + eps;
    p[i] -= c.step * (m[i] / denom);
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

// Sum of x (n) . y (n) in float, 8 lanes of partial sums.
inline float dot_of(const float* x, const float* y, int n) {
  f32x4 s0 = simd::zero(), s1 = simd::zero();
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    s0 += simd::load(x + j) * simd::load(y + j);
    s1 += simd::load(x + j + 4) * simd::load(y + j + 4);
  }
  for (; j + 4 <= n; j += 4) s0 += simd::load(x + j) * simd::load(y + j);
  float s = simd::hsum(s0 + s1);
  for (; j < n; ++j) s += x[j] * y[j];
  return s;
}

// e^(-2u) with u = sqrt(2/pi) (x + 0.044715 x^3): 0.5 (1 + tanh u) = 1 / (1 + e^(-2u)).
inline f32x4 gelu_exp(f32x4 x) {
  const f32x4 u = simd::splat(gelu_c) * (x + simd::splat(gelu_a) * x * x * x);
  return simd::exp(simd::splat(-2.0f) * u);
}

}  // namespace

void matmul_atb(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                bool accumulate) {
  if (m <= 0 || n <= 0) return;
  // Panel c holds columns [8c, 8c + 8) of b: in place for full panels, else the packed
  // zero-padded copy (k, 8) of the last columns.
  const int full = n / tile_cols * tile_cols;
  float* tail = nullptr;
  if (full < n) {
    tail = scratch(static_cast<std::size_t>(std::max(k, 0)) * tile_cols);
    for (int t = 0; t < k; ++t)
      for (int q = 0; q < tile_cols; ++q) tail[at(t, tile_cols, q)] = full + q < n ? b[at(t, ldb, full + q)] : 0.0f;
  }
  // Columns per chunk: k x chunk floats of b stay within ~16 KiB of L1.
  const int chunk = std::max(tile_cols, (4096 / std::max(k, 1)) / tile_cols * tile_cols);
  for (int j0 = 0; j0 < n; j0 += chunk) {
    const int j1 = std::min(n, j0 + chunk);
    int i = 0;
    for (; i + tile_rows <= m; i += tile_rows) {
      for (int j = j0; j < j1; j += tile_cols) {
        // row t of the panel at pp + t * step
        const float* pp = j < full ? b + j : tail;
        const std::size_t step = j < full ? static_cast<std::size_t>(ldb) : tile_cols;
        const float* ap = a + i;  // a[t][i..i+3]: the tile's 4 rows at step t
        f32x4 c00 = simd::zero(), c01 = simd::zero(), c10 = simd::zero(), c11 = simd::zero();
        f32x4 c20 = simd::zero(), c21 = simd::zero(), c30 = simd::zero(), c31 = simd::zero();
        for (int t = 0; t < k; ++t, pp += step, ap += lda) {
          const f32x4 b0 = simd::load(pp), b1 = simd::load(pp + 4);
          f32x4 x = simd::splat(ap[0]);
          c00 += x * b0;
          c01 += x * b1;
          x = simd::splat(ap[1]);
          c10 += x * b0;
          c11 += x * b1;
          x = simd::splat(ap[2]);
          c20 += x * b0;
          c21 += x * b1;
          x = simd::splat(ap[3]);
          c30 += x * b0;
          c31 += x * b1;
        }
        const int cols = std::min(tile_cols, n - j);
        tile_store(out + at(i, ldo, j), c00, c01, cols, 1.0f, accumulate);
        tile_store(out + at(i + 1, ldo, j), c10, c11, cols, 1.0f, accumulate);
        tile_store(out + at(i + 2, ldo, j), c20, c21, cols, 1.0f, accumulate);
        tile_store(out + at(i + 3, ldo, j), c30, c31, cols, 1.0f, accumulate);
      }
    }
    for (; i < m; ++i) {  // leftover rows, one at a time
      for (int j = j0; j < j1; j += tile_cols) {
        const float* pp = j < full ? b + j : tail;
        const std::size_t step = j < full ? static_cast<std::size_t>(ldb) : tile_cols;
        const float* ap = a + i;
        f32x4 c00 = simd::zero(), c01 = simd::zero();
        for (int t = 0; t < k; ++t, pp += step, ap += lda) {
          const f32x4 x = simd::splat(ap[0]);
          c00 += x * simd::load(pp);
          c01 += x * simd::load(pp + 4);
        }
        tile_store(out + at(i, ldo, j), c00, c01, std::min(tile_cols, n - j), 1.0f, accumulate);
      }
    }
  }
}

void softmax_rows_backward(float* ds, int ldds, const float* p, int ldp, const float* dp, int lddp, int m, int n) {
  for (int i = 0; i < m; ++i) {
    const float* pr = p + at(i, ldp, 0);
    const float* dr = dp + at(i, lddp, 0);
    float* out = ds + at(i, ldds, 0);
    const float dot = dot_of(pr, dr, n);
    const f32x4 dv = simd::splat(dot);
    int j = 0;
    for (; j + 4 <= n; j += 4) simd::store(out + j, simd::load(pr + j) * (simd::load(dr + j) - dv));
    for (; j < n; ++j) out[j] = pr[j] * (dr[j] - dot);
  }
}

void layernorm_forward(float* out, float* mean, float* rstd, const float* x, const float* w, const float* b, int m,
                       int n, float eps) {
  const float inv_n = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
  for (int i = 0; i < m; ++i) {
    const float* xr = x + at(i, n, 0);
    float* o = out + at(i, n, 0);
    f32x4 s0 = simd::zero(), s1 = simd::zero();
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      s0 += simd::load(xr + j);
      s1 += simd::load(xr + j + 4);
    }
    for (; j + 4 <= n; j += 4) s0 += simd::load(xr + j);
    float s = simd::hsum(s0 + s1);
    for (; j < n; ++j) s += xr[j];
    const float mu = s * inv_n;
    const f32x4 muv = simd::splat(mu);
    s0 = simd::zero();
    s1 = simd::zero();
    for (j = 0; j + 8 <= n; j += 8) {
      const f32x4 d0 = simd::load(xr + j) - muv, d1 = simd::load(xr + j + 4) - muv;
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    for (; j + 4 <= n; j += 4) {
      const f32x4 d = simd::load(xr + j) - muv;
      s0 += d * d;
    }
    float v = simd::hsum(s0 + s1);
    for (; j < n; ++j) v += (xr[j] - mu) * (xr[j] - mu);
    const float rs = 1.0f / std::sqrt(v * inv_n + eps);
    const f32x4 rsv = simd::splat(rs);
    for (j = 0; j + 4 <= n; j += 4)
      simd::store(o + j, (simd::load(xr + j) - muv) * rsv * simd::load(w + j) + simd::load(b + j));
    for (; j < n; ++j) o[j] = (xr[j] - mu) * rs * w[j] + b[j];
    mean[i] = mu;
    rstd[i] = rs;
  }
}

void layernorm_backward(float* dx, float* dw, float* db, const float* dout, const float* x, const float* mean,
                        const float* rstd, const float* w, int m, int n) {
  const float inv_n = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
  for (int i = 0; i < m; ++i) {
    const float* g = dout + at(i, n, 0);
    const float* xr = x + at(i, n, 0);
    float* d = dx + at(i, n, 0);
    const float mu = mean[i], rs = rstd[i];
    const f32x4 muv = simd::splat(mu), rsv = simd::splat(rs);
    f32x4 s1v = simd::zero(), s2v = simd::zero();
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      const f32x4 gw = simd::load(w + j) * simd::load(g + j), xhat = (simd::load(xr + j) - muv) * rsv;
      s1v += gw;
      s2v += gw * xhat;
    }
    float s1 = simd::hsum(s1v), s2 = simd::hsum(s2v);
    for (; j < n; ++j) {
      const float gw = w[j] * g[j], xhat = (xr[j] - mu) * rs;
      s1 += gw;
      s2 += gw * xhat;
    }
    const float gw_mean = s1 * inv_n, gwx_mean = s2 * inv_n;
    const f32x4 gm = simd::splat(gw_mean), gxm = simd::splat(gwx_mean);
    for (j = 0; j + 4 <= n; j += 4) {
      const f32x4 gv = simd::load(g + j);
      const f32x4 gw = simd::load(w + j) * gv, xhat = (simd::load(xr + j) - muv) * rsv;
      simd::store(db + j, simd::load(db + j) + gv);
      simd::store(dw + j, simd::load(dw + j) + xhat * gv);
      simd::store(d + j, simd::load(d + j) + (gw - gm - xhat * gxm) * rsv);
    }
    for (; j < n; ++j) {
      const float gw = w[j] * g[j], xhat = (xr[j] - mu) * rs;
      db[j] += g[j];
      dw[j] += xhat * g[j];
      d[j] += (gw - gw_mean - xhat * gwx_mean) * rs;
    }
  }
}

void gelu_forward(float* y, const float* x, std::size_t count) {
  const f32x4 one = simd::splat(1.0f);
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const f32x4 v = simd::load(x + i);
    simd::store(y + i, v / (one + gelu_exp(v)));  // x sigmoid(2u)
  }
  if (i < count) {
    const int rest = static_cast<int>(count - i);
    const f32x4 v = simd::load_partial(x + i, rest, 0.0f);
    simd::store_partial(y + i, v / (one + gelu_exp(v)), rest);
  }
}

namespace {
// gelu'(x) dy with s = 1 / (1 + E), E = e^(-2u): s + 2 x u'(x) s (1 - s), 1 - s = E s.
inline f32x4 gelu_grad(f32x4 x, f32x4 dy) {
  const f32x4 one = simd::splat(1.0f);
  const f32x4 e = gelu_exp(x);
  const f32x4 s = one / (one + e);
  const f32x4 du = simd::splat(2.0f * gelu_c) * (one + simd::splat(3.0f * gelu_a) * x * x);  // 2 u'(x)
  return dy * (s + x * du * s * (e * s));
}
}  // namespace

void gelu_backward(float* dx, const float* x, const float* dy, std::size_t count) {
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) simd::store(dx + i, gelu_grad(simd::load(x + i), simd::load(dy + i)));
  if (i < count) {
    const int rest = static_cast<int>(count - i);
    const f32x4 g = gelu_grad(simd::load_partial(x + i, rest, 0.0f), simd::load_partial(dy + i, rest, 0.0f));
    simd::store_partial(dx + i, g, rest);
  }
}

void rows_add_vector(float* out, int ldo, int m, int n, const float* v) {
  for (int i = 0; i < m; ++i) {
    float* o = out + at(i, ldo, 0);
    int j = 0;
    for (; j + 4 <= n; j += 4) simd::store(o + j, simd::load(o + j) + simd::load(v + j));
    for (; j < n; ++j) o[j] += v[j];
  }
}

void rows_sum_accumulate(float* dv, const float* dout, int lddo, int m, int n) {
  for (int i = 0; i < m; ++i) {  // the twin's order: each entry of dv gains the rows one by one
    const float* r = dout + at(i, lddo, 0);
    int j = 0;
    for (; j + 4 <= n; j += 4) simd::store(dv + j, simd::load(dv + j) + simd::load(r + j));
    for (; j < n; ++j) dv[j] += r[j];
  }
}

void vec_axpy(float* y, const float* x, float alpha, std::size_t count) {
  const f32x4 av = simd::splat(alpha);
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) simd::store(y + i, simd::load(y + i) + av * simd::load(x + i));
  for (; i < count; ++i) y[i] += alpha * x[i];
}

double vec_sum_squares(const float* x, std::size_t count) {
  // simd.hpp has no double vectors: four independent double sums (one per lane) break
  // the add latency chain; each square is exact in double, as in the twin.
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    s0 += static_cast<double>(x[i]) * x[i];
    s1 += static_cast<double>(x[i + 1]) * x[i + 1];
    s2 += static_cast<double>(x[i + 2]) * x[i + 2];
    s3 += static_cast<double>(x[i + 3]) * x[i + 3];
  }
  for (; i < count; ++i) s0 += static_cast<double>(x[i]) * x[i];
  return (s0 + s1) + (s2 + s3);
}

void cross_entropy_rows(float* logits, int ld, int m, int n, const int* targets, float scale, double* loss) {
  for (int i = 0; i < m; ++i) {
    float* row = logits + at(i, ld, 0);
    const int target = targets[i];
    if (target < 0) {
      std::fill(row, row + n, 0.0f);
      loss[i] = 0.0;
      continue;
    }
    // n >= 1 here (target in [0, n)).
    f32x4 mv = simd::splat(row[0]);
    int j = 0;
    for (; j + 4 <= n; j += 4) mv = simd::max(mv, simd::load(row + j));
    float mx = simd::hmax(mv);
    for (; j < n; ++j) mx = std::max(mx, row[j]);
    const double target_logit = static_cast<double>(row[target]) - mx;
    // e^(x - max) into the row; the sum in double, one partial per lane.
    const f32x4 mxv = simd::splat(mx);
    double sum0 = 0.0, sum1 = 0.0, sum2 = 0.0, sum3 = 0.0;
    for (j = 0; j + 4 <= n; j += 4) {
      const f32x4 e = simd::exp(simd::load(row + j) - mxv);
      simd::store(row + j, e);
      sum0 += e[0];
      sum1 += e[1];
      sum2 += e[2];
      sum3 += e[3];
    }
    if (j < n) {
      const f32x4 e = simd::exp(simd::load_partial(row + j, n - j, mx) - mxv);
      simd::store_partial(row + j, e, n - j);
      for (int q = 0; q < n - j; ++q) sum0 += e[q];
    }
    const double sum = (sum0 + sum1) + (sum2 + sum3);
    loss[i] = std::log(sum) - target_logit;
    const float inv = static_cast<float>(1.0 / sum), e_target = row[target];
    const f32x4 invv = simd::splat(inv), sv = simd::splat(scale);
    for (j = 0; j + 4 <= n; j += 4) simd::store(row + j, sv * (simd::load(row + j) * invv));
    for (; j < n; ++j) row[j] = scale * (row[j] * inv);
    row[target] = scale * (e_target * inv - 1.0f);
  }
}

void adamw_update(float* p, const float* g, float* m, float* v, std::size_t count, float lr, float beta1,
                  float beta2, float eps, float weight_decay, int t) {
  const AdamScalars c = adam_scalars(lr, beta1, beta2, weight_decay, t);
  const f32x4 decay = simd::splat(c.decay), step = simd::splat(c.step), bc2 = simd::splat(c.bc2_sqrt);
  const f32x4 b1 = simd::splat(beta1), b2 = simd::splat(beta2), epsv = simd::splat(eps);
  const f32x4 c1 = simd::splat(1.0f - beta1), c2 = simd::splat(1.0f - beta2);
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const f32x4 gv = simd::load(g + i);
    const f32x4 mv = b1 * simd::load(m + i) + c1 * gv;
    const f32x4 vv = b2 * simd::load(v + i) + c2 * gv * gv;
    // Square roots per lane: correctly rounded, so the same bits as the twin's.
    const f32x4 root{std::sqrt(vv[0]), std::sqrt(vv[1]), std::sqrt(vv[2]), std::sqrt(vv[3])};
    const f32x4 denom = root / bc2 + epsv;
    simd::store(m + i, mv);
    simd::store(v + i, vv);
    simd::store(p + i, simd::load(p + i) * decay - step * (mv / denom));
  }
  if (i < count) adamw_update_ref(p + i, g + i, m + i, v + i, count - i, lr, beta1, beta2, eps, weight_decay, t);
}

#else  // PE_SCALAR_ONLY: the fast kernels are their scalar twins.

void matmul_atb(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                bool accumulate) {
  matmul_atb_ref(out, ldo, a, lda, b, ldb, m, n, k, accumulate);
}
void softmax_rows_backward(float* ds, int ldds, const float* p, int ldp, const float* dp, int lddp, int m, int n) {
  softmax_rows_backward_ref(ds, ldds, p, ldp, dp, lddp, m, n);
}
void layernorm_forward(float* out, float* mean, float* rstd, const float* x, const float* w, const float* b, int m,
                       int n, float eps) {
  layernorm_forward_ref(out, mean, rstd, x, w, b, m, n, eps);
}
void layernorm_backward(float* dx, float* dw, float* db, const float* dout, const float* x, const float* mean,
                        const float* rstd, const float* w, int m, int n) {
  layernorm_backward_ref(dx, dw, db, dout, x, mean, rstd, w, m, n);
}
void gelu_forward(float* y, const float* x, std::size_t count) { gelu_forward_ref(y, x, count); }
void gelu_backward(float* dx, const float* x, const float* dy, std::size_t count) {
  gelu_backward_ref(dx, x, dy, count);
}
void rows_add_vector(float* out, int ldo, int m, int n, const float* v) { rows_add_vector_ref(out, ldo, m, n, v); }
void rows_sum_accumulate(float* dv, const float* dout, int lddo, int m, int n) {
  rows_sum_accumulate_ref(dv, dout, lddo, m, n);
}
void vec_axpy(float* y, const float* x, float alpha, std::size_t count) { vec_axpy_ref(y, x, alpha, count); }
double vec_sum_squares(const float* x, std::size_t count) { return vec_sum_squares_ref(x, count); }
void cross_entropy_rows(float* logits, int ld, int m, int n, const int* targets, float scale, double* loss) {
  cross_entropy_rows_ref(logits, ld, m, n, targets, scale, loss);
}
void adamw_update(float* p, const float* g, float* m, float* v, std::size_t count, float lr, float beta1,
                  float beta2, float eps, float weight_decay, int t) {
  adamw_update_ref(p, g, m, v, count, lr, beta1, beta2, eps, weight_decay, t);
}

#endif

}  // namespace pe
