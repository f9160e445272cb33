// The hot loops of training (model.hpp), each as a fast kernel (pe/simd.hpp vectors)
// beside its scalar `_ref` twin with the same signature, as in kernels.hpp: the _ref
// twins are the specification (plain loops, std:: maths), PE_SCALAR_ONLY turns every
// fast kernel into its twin, and tests/cpp/test_kernels_train.cpp checks each pair
// natively and in WASM (awkward sizes, misaligned starts, a sentinel past the end).
//
// Conventions as kernels.hpp: row-major with explicit leading dimensions, sizes passed
// explicitly and possibly zero, no alignment needed, outputs do not overlap inputs
// unless the kernel says "in place". "accumulate" adds into the old contents.
#pragma once
#include <cstddef>

namespace pe {

// out (m, n) = a (k, m)^T . b (k, n), plus the old out when accumulate.
// Weight gradients dW (d_out, d_in) = dY (tokens, d_out)^T . X (tokens, d_in), and
// dV = P^T dO, dK = dS^T Q in attention.
void matmul_atb(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                bool accumulate);
void matmul_atb_ref(float* out, int ldo, const float* a, int lda, const float* b, int ldb, int m, int n, int k,
                    bool accumulate);

// Softmax backward, row by row: ds (m, n) = p * (dp - sum_j p_j dp_j). ds may equal dp
// (in place). Masked entries (p = 0) get 0.
void softmax_rows_backward(float* ds, int ldds, const float* p, int ldp, const float* dp, int lddp, int m, int n);
void softmax_rows_backward_ref(float* ds, int ldds, const float* p, int ldp, const float* dp, int lddp, int m,
                               int n);

// LayerNorm over the last axis, eps inside the square root, biased variance (PyTorch):
// out (m, n) = (x - mean) * rstd * w + b; mean, rstd (m) are written for the backward.
void layernorm_forward(float* out, float* mean, float* rstd, const float* x, const float* w, const float* b, int m,
                       int n, float eps);
void layernorm_forward_ref(float* out, float* mean, float* rstd, const float* x, const float* w, const float* b,
                           int m, int n, float eps);
// dx (m, n) += gradient of x; dw, db (n) += gradients of w and b; dout (m, n).
void layernorm_backward(float* dx, float* dw, float* db, const float* dout, const float* x, const float* mean,
                        const float* rstd, const float* w, int m, int n);
void layernorm_backward_ref(float* dx, float* dw, float* db, const float* dout, const float* x, const float* mean,
                            const float* rstd, const float* w, int m, int n);

// GELU, tanh approximation (GPT-2): y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
// y (count) from x (count); y may equal x.
void gelu_forward(float* y, const float* x, std::size_t count);
void gelu_forward_ref(float* y, const float* x, std::size_t count);
// dx (count) = dy * gelu'(x); dx may equal dy.
void gelu_backward(float* dx, const float* x, const float* dy, std::size_t count);
void gelu_backward_ref(float* dx, const float* x, const float* dy, std::size_t count);

// out (m, n) += v (n) on every row (a bias).
void rows_add_vector(float* out, int ldo, int m, int n, const float* v);
void rows_add_vector_ref(float* out, int ldo, int m, int n, const float* v);
// dv (n) += sum over rows of dout (m, n) (the bias gradient).
void rows_sum_accumulate(float* dv, const float* dout, int lddo, int m, int n);
void rows_sum_accumulate_ref(float* dv, const float* dout, int lddo, int m, int n);

// y (count) += alpha * x (count).
void vec_axpy(float* y, const float* x, float alpha, std::size_t count);
void vec_axpy_ref(float* y, const float* x, float alpha, std::size_t count);
// sum of x^2 over count entries, accumulated in double (gradient clipping).
double vec_sum_squares(const float* x, std::size_t count);
double vec_sum_squares_ref(const float* x, std::size_t count);

// Softmax cross-entropy of each row of logits (m, n) against targets (m) (-1: no target,
// loss 0 and gradient 0). In place: logits become scale * (softmax - onehot(target)).
// loss (m) receives -log softmax[target] per row (0 for -1 rows), computed in double
// from the row max and the sum of exponentials. A target outside [0, n) is undefined.
void cross_entropy_rows(float* logits, int ld, int m, int n, const int* targets, float scale, double* loss);
void cross_entropy_rows_ref(float* logits, int ld, int m, int n, const int* targets, float scale, double* loss);

// One AdamW step over count parameters (Loshchilov & Hutter; torch.optim.AdamW):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   p -= lr * (m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps) + weight_decay * p)
// t >= 1 is the step number (bias correction); weight_decay 0 for tensors without decay.
// As torch: decay is applied first (p *= 1 - lr wd), then the Adam update.
void adamw_update(float* p, const float* g, float* m, float* v, std::size_t count, float lr, float beta1,
                  float beta2, float eps, float weight_decay, int t);
void adamw_update_ref(float* p, const float* g, float* m, float* v, std::size_t count, float lr, float beta1,
                      float beta2, float eps, float weight_decay, int t);

}  // namespace pe
