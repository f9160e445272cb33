// The hot loops of one attention layer, each as a fast kernel (pe/simd.hpp vectors,
// register tiled) beside its scalar `_ref` twin with the same signature. The _ref
// twins are the specification: plain loops, std::exp, no blocking. Under
// PE_SCALAR_ONLY every fast kernel calls its twin.
//
// Conventions: matrices are row-major with an explicit leading dimension (ld, in
// floats, >= the row width); every size is passed explicitly; shapes are written
// (rows, columns). Pointers need no alignment. Sizes may be zero. Outputs must not
// overlap inputs unless the kernel says "in place".
#pragma once

namespace pe {

// out (m, n) = scale * a (m, k) . b (n, k)^T, plus the old out when accumulate.
// QK^T (a = queries, b = keys) and the projections x W^T (b = W, (d_out, d_in)).
void matmul_abt(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                float scale, bool accumulate);
void matmul_abt_ref(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                    float scale, bool accumulate);

// out (m, n) = a (m, k) . b (k, n), plus the old out when accumulate.
// Weights x V (a = weights (queries, keys), b = values (keys, dh)).
void matmul_ab(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
               bool accumulate);
void matmul_ab_ref(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                   bool accumulate);

// y (n) = e^x (n); y may equal x. The fast version uses simd::exp (error in simd.hpp).
void exp_apply(float* y, const float* x, int n);
void exp_apply_ref(float* y, const float* x, int n);

// In place: each row of x (m, n) becomes softmax(row). -inf entries (masked) become 0.
// Every row needs at least one finite entry.
void softmax_rows(float* x, int ld, int m, int n);
void softmax_rows_ref(float* x, int ld, int m, int n);

// One key block of the online softmax (Milakov & Gimelshein 2018; FlashAttention).
// s (m, n): logits of the block, replaced in place by p = e^(s - new_max) (0 where -inf);
// row_max, row_sum (m): running max and sum of e^(s - row_max), updated (start them at
// -inf and 0); acc (m, dv): running unnormalised output, rescaled by
// e^(old_max - new_max). The caller then adds p . V_block into acc. A row whose entries
// so far are all -inf keeps max -inf and gets p = 0.
void softmax_online_step(float* s, int lds, int m, int n, float* row_max, float* row_sum, float* acc,
                         int ldacc, int dv);
void softmax_online_step_ref(float* s, int lds, int m, int n, float* row_max, float* row_sum, float* acc,
                             int ldacc, int dv);

// out (m, n) += bias (m, n).
void bias_add(float* out, int ldo, const float* bias, int ldb, int m, int n);
void bias_add_ref(float* out, int ldo, const float* bias, int ldb, int m, int n);

// RoPE rotation of rows, in place. Half-split layout (GPT-NeoX, Llama in transformers):
// pair t is (x[t], x[t + half]). x (m, 2 half) with stride ldx (only the first 2 half
// columns change); cos, sin (m, half) with stride ldcs:
//   x[t] <- x[t] cos - x[t + half] sin,   x[t + half] <- x[t + half] cos + x[t] sin.
void rows_rotate_half(float* x, int ldx, int m, int half, const float* cos, const float* sin, int ldcs);
void rows_rotate_half_ref(float* x, int ldx, int m, int half, const float* cos, const float* sin, int ldcs);

// The same rotation in the interleaved layout (GPT-J, RoFormer): pair t is
// (x[2t], x[2t + 1]). x (m, 2 pairs) with stride ldx; cos, sin (m, pairs) stride ldcs.
void rows_rotate_interleaved(float* x, int ldx, int m, int pairs, const float* cos, const float* sin, int ldcs);
void rows_rotate_interleaved_ref(float* x, int ldx, int m, int pairs, const float* cos, const float* sin,
                                 int ldcs);

}  // namespace pe
