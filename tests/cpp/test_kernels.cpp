// Every fast kernel against its scalar _ref twin (kernels.hpp), over awkward sizes:
// lengths 1, 3, 7, 15, 16, 17, 63, 64, 65, 257; head widths 4..128 including odd ones;
// starts misaligned by 1..3 floats; leading dimensions wider than the rows.
// Tolerances scale with the magnitude of what is summed; exact where the operation is
// one rounding per element in both versions. Built natively into pe_tests and under
// Emscripten into pe_kernel_tests.js: no golden files, no schemes.
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

#include "pe/kernels.hpp"
#include "pe/rng.hpp"
#include "pe/simd.hpp"

namespace {

const int kLengths[] = {1, 3, 7, 15, 16, 17, 63, 64, 65, 257};
const int kWidths[] = {4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65, 127, 128};
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// A buffer of rows x ld floats starting `offset` floats past an allocation: misaligned
// whenever offset % 4 != 0. Filled with N(0, scale); padding columns hold a sentinel.
struct Buffer {
  std::vector<float> storage;
  int offset, rows, ld;
  Buffer(int rows_, int cols, int ld_pad, int offset_, std::uint64_t seed, double scale = 1.0)
      : storage(static_cast<std::size_t>(rows_) * (cols + ld_pad) + offset_ + 4, 12345.0f),
        offset(offset_), rows(rows_), ld(cols + ld_pad) {
    pe::Rng rng(seed);
    for (int i = 0; i < rows; ++i)
      for (int j = 0; j < cols; ++j) (*this)(i, j) = static_cast<float>(rng.normal(0.0, scale));
  }
  float* data() { return storage.data() + offset; }
  float& operator()(int i, int j) { return data()[static_cast<std::size_t>(i) * ld + j]; }
};

}  // namespace

TEST_CASE("simd mapping reports its mode") {
#if defined(PE_SCALAR_ONLY)
  CHECK(PE_HAS_SIMD == 0);
#else
  CHECK(PE_HAS_SIMD == 1);
#endif
}

TEST_CASE("matmul_abt (QK^T) matches its reference") {
  int combo = 0;
  for (int m : kLengths)
    for (int n : kLengths)
      for (int k : kWidths) {
        if ((m * 7 + n * 3 + k) % 3 != 0 && m != 257 && n != 257) continue;  // a spread, not all 1500
        ++combo;
        const int off = combo % 4;
        Buffer a(m, k, combo % 3, off, 1000 + combo), b(n, k, (combo + 1) % 3, 3 - off, 2000 + combo);
        const bool accumulate = combo % 2 == 1;
        const float scale = 0.125f;
        Buffer fast(m, n, 2, (off + 1) % 4, 3000 + combo), ref = fast;
        pe::matmul_abt(fast.data(), fast.ld, a.data(), a.ld, b.data(), b.ld, m, n, k, scale, accumulate);
        pe::matmul_abt_ref(ref.data(), ref.ld, a.data(), a.ld, b.data(), b.ld, m, n, k, scale, accumulate);
        double worst = 0;
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < n; ++j) {
            double mag = 0;
            for (int t = 0; t < k; ++t) mag += std::fabs(a(i, t) * b(j, t));
            mag = scale * mag + (accumulate ? std::fabs(ref(i, j)) : 0.0);
            const double err = std::fabs(fast(i, j) - ref(i, j)) / (4.0 * (k + 1) * FLT_EPSILON * mag + 1e-30);
            worst = std::max(worst, err);
          }
        INFO("m=" << m << " n=" << n << " k=" << k << " offset=" << off);
        CHECK(worst <= 1.0);
        // padding columns untouched
        for (int i = 0; i < m; ++i) CHECK(fast(i, n) == 12345.0f);
      }
}

TEST_CASE("matmul_ab (weights x V) matches its reference") {
  int combo = 0;
  for (int m : kLengths)
    for (int k : kLengths)
      for (int n : kWidths) {
        if ((m * 5 + k * 3 + n) % 3 != 0 && m != 257 && k != 257) continue;
        ++combo;
        const int off = (combo + 2) % 4;
        Buffer a(m, k, combo % 2, off, 4000 + combo), b(k, n, combo % 3, 3 - off, 5000 + combo);
        const bool accumulate = combo % 2 == 0;
        Buffer fast(m, n, 1, (off + 3) % 4, 6000 + combo), ref = fast;
        pe::matmul_ab(fast.data(), fast.ld, a.data(), a.ld, b.data(), b.ld, m, n, k, accumulate);
        pe::matmul_ab_ref(ref.data(), ref.ld, a.data(), a.ld, b.data(), b.ld, m, n, k, accumulate);
        double worst = 0;
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < n; ++j) {
            double mag = accumulate ? std::fabs(ref(i, j)) : 0.0;
            for (int t = 0; t < k; ++t) mag += std::fabs(a(i, t) * b(t, j));
            worst = std::max(worst, std::fabs(fast(i, j) - ref(i, j)) / (4.0 * (k + 1) * FLT_EPSILON * mag + 1e-30));
          }
        INFO("m=" << m << " n=" << n << " k=" << k << " offset=" << off);
        CHECK(worst <= 1.0);
        for (int i = 0; i < m; ++i) CHECK(fast(i, n) == 12345.0f);
      }
}

TEST_CASE("exp_apply is within 1e-6 relative of std::exp on [-87, 88]") {
  const int n = 200003;  // odd: exercises the tail
  std::vector<float> x(n + 3), fast(n + 3), ref(n + 3);
  for (int i = 0; i < n; ++i) x[i + 1] = -87.0f + 175.0f * static_cast<float>(i) / (n - 1);
  pe::exp_apply(fast.data() + 1, x.data() + 1, n);
  pe::exp_apply_ref(ref.data() + 2, x.data() + 1, n);
  double worst = 0;
  for (int i = 0; i < n; ++i) worst = std::max(worst, std::fabs(double(fast[i + 1]) - ref[i + 2]) / ref[i + 2]);
  INFO("max relative error " << worst);
  CHECK(worst < 1e-6);
  // Small arguments, where the polynomial does all the work.
  for (float v : {0.0f, 1e-8f, -1e-8f, 0.1f, -0.3465f, 0.3466f, 1.0f, -1.0f}) {
    float y;
    pe::exp_apply(&y, &v, 1);
    CHECK(std::fabs(y - std::exp(v)) <= 1e-6 * std::exp(v));
  }
  // Masked logits become exactly zero; deep underflow goes to zero.
  const float special[] = {kNegInf, -1000.0f, -88.0f};
  float out[3];
  pe::exp_apply(out, special, 3);
  CHECK(out[0] == 0.0f);
  CHECK(out[1] == 0.0f);
  CHECK(out[2] < 1e-37f);
}

TEST_CASE("softmax_rows matches its reference, with masks and large logits") {
  for (int n : kLengths) {
    const int m = 9;
    Buffer fast(m, n, 1 + n % 3, n % 4, 7000 + n, 6.0), ref = fast;
    for (int i = 0; i < m; ++i) {
      fast(i, 0) += 80.0f * (i % 3 == 1);  // one huge logit: max subtraction matters
      for (int j = i + 1; j < n; ++j)      // a causal mask on some rows
        if (i % 2 == 0) fast(i, j) = kNegInf;
    }
    ref = fast;
    pe::softmax_rows(fast.data(), fast.ld, m, n);
    pe::softmax_rows_ref(ref.data(), ref.ld, m, n);
    double worst = 0;
    for (int i = 0; i < m; ++i) {
      double sum = 0;
      for (int j = 0; j < n; ++j) {
        if (ref(i, j) == 0.0f) CHECK(fast(i, j) == 0.0f);  // masked stays exactly 0
        worst = std::max(worst, std::fabs(fast(i, j) - ref(i, j)) / ((2e-6 + n * FLT_EPSILON) * ref(i, j) + 1e-30));
        sum += fast(i, j);
      }
      CHECK(sum == Approx(1.0).epsilon(1e-5));
      CHECK(fast(i, n) == 12345.0f);
    }
    INFO("n=" << n);
    CHECK(worst <= 1.0);
  }
}

TEST_CASE("softmax_online_step matches its reference block by block") {
  for (int total : {1, 17, 65, 257}) {
    for (int block : {1, 7, 16, 64}) {
      const int m = 5, dv = 13;
      Buffer s(m, total, 1, 1, 8000 + total + block, 4.0), v(total, dv, 0, 2, 9000 + total);
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < total; ++j)
          if (j > i * 3 || (i == m - 1 && total > 20 && j < 9))  // masked tails; the last row
            s(i, j) = kNegInf;  // also starts masked, so its first blocks see nothing
      std::vector<float> mx_f(m, kNegInf), mx_r(m, kNegInf), sum_f(m, 0.0f), sum_r(m, 0.0f);
      std::vector<float> acc_f(m * dv, 0.0f), acc_r(m * dv, 0.0f);
      for (int j0 = 0; j0 < total; j0 += block) {
        const int cols = std::min(block, total - j0);
        Buffer pf(m, cols, 2, 3, 1), pr(m, cols, 2, 0, 1);
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < cols; ++j) pf(i, j) = pr(i, j) = s(i, j0 + j);
        pe::softmax_online_step(pf.data(), pf.ld, m, cols, mx_f.data(), sum_f.data(), acc_f.data(), dv, dv);
        pe::softmax_online_step_ref(pr.data(), pr.ld, m, cols, mx_r.data(), sum_r.data(), acc_r.data(), dv, dv);
        for (int i = 0; i < m; ++i) {
          CHECK(mx_f[i] == mx_r[i]);  // a max is exact
          for (int j = 0; j < cols; ++j) CHECK(std::fabs(pf(i, j) - pr(i, j)) <= 1e-6 * pr(i, j) + 1e-30);
        }
        pe::matmul_ab_ref(acc_f.data(), dv, pf.data(), pf.ld, &v(j0, 0), v.ld, m, dv, cols, true);
        pe::matmul_ab_ref(acc_r.data(), dv, pr.data(), pr.ld, &v(j0, 0), v.ld, m, dv, cols, true);
      }
      // The finished rows equal the full softmax times V.
      for (int i = 0; i < m; ++i) {
        CHECK(sum_f[i] == Approx(sum_r[i]).epsilon(1e-5));
        std::vector<float> p(total);
        for (int j = 0; j < total; ++j) p[j] = s(i, j);
        pe::softmax_rows_ref(p.data(), total, 1, total);
        for (int c = 0; c < dv; ++c) {
          double want = 0, mag = 0;
          for (int j = 0; j < total; ++j) {
            want += p[j] * v(j, c);
            mag += std::fabs(p[j] * v(j, c));
          }
          const double got = acc_f[i * dv + c] / sum_f[i];
          INFO("total=" << total << " block=" << block << " row=" << i);
          CHECK(std::fabs(got - want) <= 1e-5 * mag + 1e-30);
        }
      }
    }
  }
}

TEST_CASE("bias_add matches its reference exactly") {
  for (int n : kLengths) {
    const int m = 5;
    Buffer fast(m, n, 3, n % 4, 100 + n), bias(m, n, 1, (n + 1) % 4, 200 + n), ref = fast;
    pe::bias_add(fast.data(), fast.ld, bias.data(), bias.ld, m, n);
    pe::bias_add_ref(ref.data(), ref.ld, bias.data(), bias.ld, m, n);
    CHECK(fast.storage == ref.storage);
  }
}

TEST_CASE("rows_rotate_half and rows_rotate_interleaved match their references") {
  for (int width : {4, 6, 8, 10, 16, 18, 30, 32, 34, 64, 66, 126, 128}) {  // rotated widths are even
    const int pairs = width / 2, m = 7;
    Buffer x(m, width, 2, width % 4, 300 + width), angle(m, pairs, 0, 0, 400 + width, 3.0);
    Buffer c(m, pairs, 1, 1, 1), s(m, pairs, 1, 2, 1);
    for (int i = 0; i < m; ++i)
      for (int t = 0; t < pairs; ++t) {
        c(i, t) = std::cos(angle(i, t));
        s(i, t) = std::sin(angle(i, t));
      }
    const auto close = [&](Buffer& f, Buffer& r) {
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < width; ++j) CHECK(std::fabs(f(i, j) - r(i, j)) <= 4 * FLT_EPSILON * (std::fabs(r(i, j)) + 4));
      for (int i = 0; i < m; ++i) CHECK(f(i, width) == 12345.0f);
    };
    Buffer fh = x, rh = x;
    pe::rows_rotate_half(fh.data(), fh.ld, m, pairs, c.data(), s.data(), c.ld);
    pe::rows_rotate_half_ref(rh.data(), rh.ld, m, pairs, c.data(), s.data(), c.ld);
    close(fh, rh);
    Buffer fi = x, ri = x;
    pe::rows_rotate_interleaved(fi.data(), fi.ld, m, pairs, c.data(), s.data(), c.ld);
    pe::rows_rotate_interleaved_ref(ri.data(), ri.ld, m, pairs, c.data(), s.data(), c.ld);
    close(fi, ri);
    // A rotation keeps each pair's length.
    for (int i = 0; i < m; ++i)
      for (int t = 0; t < pairs; ++t) {
        const double before = std::hypot(x(i, 2 * t), x(i, 2 * t + 1));
        CHECK(std::hypot(fi(i, 2 * t), fi(i, 2 * t + 1)) == Approx(before).epsilon(1e-5).margin(1e-6));
      }
  }
}
