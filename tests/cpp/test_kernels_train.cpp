// The training kernels (train_kernels.hpp), two ways:
//   - every fast kernel against its scalar _ref twin over awkward sizes (0, 1, 3, 7, 15,
//     16, 17, 33, 69), starts misaligned by 1..3 floats, leading dimensions wider than
//     the rows, a sentinel around every output that must stay untouched, accumulate and
//     overwrite, in place where the contract allows it;
//   - every _ref twin against the mathematics, computed independently in double:
//     matmul_atb_ref against a triple loop, the backward kernels against central finite
//     differences of their forward functions, AdamW against two steps written out.
// Tolerances scale with the magnitude of what is summed (the standard bound for a float
// sum of k terms is k eps/2 sum |terms|; we allow about twice that) and with simd::exp's
// documented 2.6e-7 relative error where the fast version uses it. Exact equality where
// both versions do the same float operations in the same order (rows_add_vector,
// rows_sum_accumulate, LayerNorm's db, sums of integers).
#include <catch2/catch.hpp>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "pe/rng.hpp"
#include "pe/train_kernels.hpp"

namespace {

const int kSizes[] = {0, 1, 3, 7, 15, 16, 17, 33, 69};
constexpr float kSentinel = 12345.0f;
constexpr double kEps = FLT_EPSILON;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
const double kPi = std::acos(-1.0);

// rows x ld floats starting `offset` floats into an allocation (misaligned when offset %
// 4 != 0), filled with N(0, scale); everything else, the padding columns, the offset
// and 4 floats past the end, holds a sentinel.
struct Buffer {
  std::vector<float> storage;
  int offset, rows, cols, ld;
  Buffer(int rows_, int cols_, int ld_pad, int offset_, std::uint64_t seed, double scale = 1.0)
      : storage(static_cast<std::size_t>(rows_) * (cols_ + ld_pad) + offset_ + 4, kSentinel),
        offset(offset_), rows(rows_), cols(cols_), ld(cols_ + ld_pad) {
    pe::Rng rng(seed);
    for (int i = 0; i < rows; ++i)
      for (int j = 0; j < cols; ++j) (*this)(i, j) = static_cast<float>(rng.normal(0.0, scale));
  }
  float* data() { return storage.data() + offset; }
  float& operator()(int i, int j) { return data()[static_cast<std::size_t>(i) * ld + j]; }
  float& operator[](std::size_t i) { return data()[i]; }
  // Every float outside the rows x cols block still holds the sentinel.
  bool guards_intact() const {
    for (std::size_t s = 0; s < storage.size(); ++s) {
      const bool inside = s >= static_cast<std::size_t>(offset) && ld > 0 &&
                          (s - offset) / ld < static_cast<std::size_t>(rows) &&
                          static_cast<int>((s - offset) % ld) < cols;
      if (!inside && storage[s] != kSentinel) return false;
    }
    return true;
  }
};

// A vector of count floats (one row, no padding): the guards are the offset and the 4
// floats past the end.
Buffer vec(int count, int offset, std::uint64_t seed, double scale = 1.0) {
  return Buffer(1, count, 0, offset, seed, scale);
}

// err / |tol|, so that <= 1 passes; a NaN anywhere counts as infinitely wrong.
double ratio(double err, double tol) {
  const double r = err / (std::fabs(tol) + 1e-300);
  return std::isnan(r) ? std::numeric_limits<double>::infinity() : r;
}

// ---- independent double-precision mathematics

// softmax of s (n), -inf entries give 0.
std::vector<double> softmax_d(const std::vector<double>& s) {
  double mx = kNegInf;
  for (double v : s) mx = std::max(mx, v);
  std::vector<double> p(s.size());
  double sum = 0;
  for (std::size_t j = 0; j < s.size(); ++j) sum += p[j] = std::exp(s[j] - mx);
  for (double& v : p) v /= sum;
  return p;
}

// sum_ij g_ij LayerNorm(x)_ij, rows of n, eps inside the square root, biased variance.
double layernorm_dot_d(const std::vector<double>& x, const std::vector<double>& w, const std::vector<double>& b,
                       const std::vector<double>& g, int m, int n, double eps) {
  double total = 0;
  for (int i = 0; i < m; ++i) {
    double mean = 0, var = 0;
    for (int j = 0; j < n; ++j) mean += x[i * n + j] / n;
    for (int j = 0; j < n; ++j) var += (x[i * n + j] - mean) * (x[i * n + j] - mean) / n;
    const double rstd = 1.0 / std::sqrt(var + eps);
    for (int j = 0; j < n; ++j) total += g[i * n + j] * ((x[i * n + j] - mean) * rstd * w[j] + b[j]);
  }
  return total;
}

double gelu_d(double x) {
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / kPi) * (x + 0.044715 * x * x * x)));
}

// -log softmax(z)[t]
double cross_entropy_d(const std::vector<double>& z, int t) {
  double mx = kNegInf;
  for (double v : z) mx = std::max(mx, v);
  double sum = 0;
  for (double v : z) sum += std::exp(v - mx);
  return std::log(sum) - (z[t] - mx);
}

// Central difference of f at x[idx] in double.
template <class F>
double central_difference(F f, std::vector<double>& x, std::size_t idx, double h) {
  const double keep = x[idx];
  x[idx] = keep + h;
  const double up = f();
  x[idx] = keep - h;
  const double down = f();
  x[idx] = keep;
  return (up - down) / (2.0 * h);
}

}  // namespace

// ------------------------------------------------------------------- matmul_atb

TEST_CASE("matmul_atb (weight gradients) matches its reference") {
  struct Shape { int m, n, k; };
  std::vector<Shape> shapes;
  for (int m : kSizes)
    for (int n : kSizes)
      for (int k : kSizes) shapes.push_back({m, n, k});
  // Several column chunks (k large), a ragged 4 x 8 tiling, a long contraction.
  shapes.push_back({130, 75, 300});
  shapes.push_back({9, 70, 1030});
  shapes.push_back({64, 64, 64});
  int combo = 0;
  for (const Shape& s : shapes) {
    ++combo;
    const int m = s.m, n = s.n, k = s.k, off = combo % 4;
    Buffer a(k, m, combo % 3, off, 1000 + combo), b(k, n, (combo + 1) % 3, 3 - off, 2000 + combo);
    const bool accumulate = combo % 2 == 1;
    Buffer fast(m, n, 1 + combo % 2, (off + 1) % 4, 3000 + combo), ref = fast, before = fast;
    pe::matmul_atb(fast.data(), fast.ld, a.data(), a.ld, b.data(), b.ld, m, n, k, accumulate);
    pe::matmul_atb_ref(ref.data(), ref.ld, a.data(), a.ld, b.data(), b.ld, m, n, k, accumulate);
    double worst = 0;
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        double mag = accumulate ? std::fabs(before(i, j)) : 0.0;
        for (int t = 0; t < k; ++t) mag += std::fabs(a(t, i) * b(t, j));
        worst = std::max(worst, ratio(std::fabs(fast(i, j) - ref(i, j)), 2.0 * (k + 1) * kEps * mag));
      }
    INFO("m=" << m << " n=" << n << " k=" << k << " offset=" << off << " accumulate=" << accumulate);
    CHECK(worst <= 1.0);
    CHECK(fast.guards_intact());
    CHECK(ref.guards_intact());
  }
}

TEST_CASE("matmul_atb_ref is a^T b computed in double") {
  for (int k : {0, 1, 5, 64, 201}) {
    const int m = 7, n = 11;
    Buffer a(k, m, 2, 1, 50 + k), b(k, n, 1, 2, 60 + k);
    for (bool accumulate : {false, true}) {
      Buffer out(m, n, 3, 3, 70 + k), before = out;
      pe::matmul_atb_ref(out.data(), out.ld, a.data(), a.ld, b.data(), b.ld, m, n, k, accumulate);
      double worst = 0;
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
          double want = accumulate ? double(before(i, j)) : 0.0, mag = std::fabs(want);
          for (int t = 0; t < k; ++t) {
            want += double(a(t, i)) * double(b(t, j));
            mag += std::fabs(double(a(t, i)) * double(b(t, j)));
          }
          worst = std::max(worst, ratio(std::fabs(out(i, j) - want), (k + 1) * kEps * mag));
        }
      INFO("k=" << k << " accumulate=" << accumulate);
      CHECK(worst <= 1.0);
      CHECK(out.guards_intact());
    }
  }
}

// --------------------------------------------------------- softmax_rows_backward

TEST_CASE("softmax_rows_backward matches its reference, in place too") {
  for (int n : kSizes) {
    const int m = 6;
    // p: softmax rows with a causal-style mask (p = 0) on even rows.
    Buffer p(m, n, 1 + n % 2, n % 4, 100 + n, 3.0);
    for (int i = 0; i < m; ++i) {
      std::vector<double> s(n);
      for (int j = 0; j < n; ++j) s[j] = (i % 2 == 0 && j > i) ? kNegInf : double(p(i, j));
      const std::vector<double> q = softmax_d(s);
      for (int j = 0; j < n; ++j) p(i, j) = static_cast<float>(q[j]);
    }
    Buffer dp(m, n, 2, (n + 1) % 4, 200 + n, 2.0);
    Buffer fast(m, n, 1, (n + 2) % 4, 300 + n), ref = fast;
    pe::softmax_rows_backward(fast.data(), fast.ld, p.data(), p.ld, dp.data(), dp.ld, m, n);
    pe::softmax_rows_backward_ref(ref.data(), ref.ld, p.data(), p.ld, dp.data(), dp.ld, m, n);
    Buffer in_place = dp;  // ds = dp
    pe::softmax_rows_backward(in_place.data(), in_place.ld, p.data(), p.ld, in_place.data(), in_place.ld, m, n);
    double worst = 0;
    for (int i = 0; i < m; ++i) {
      double sum_abs = 0, dot = 0;
      for (int j = 0; j < n; ++j) {
        sum_abs += std::fabs(p(i, j) * dp(i, j));
        dot += p(i, j) * dp(i, j);
      }
      for (int j = 0; j < n; ++j) {
        // the dot differs by the order of summation; then one subtraction, one product
        const double tol = 2.0 * kEps * std::fabs(p(i, j)) * ((n + 1) * sum_abs + std::fabs(dp(i, j) - dot));
        worst = std::max(worst, ratio(std::fabs(fast(i, j) - ref(i, j)), tol));
        worst = std::max(worst, ratio(std::fabs(in_place(i, j) - ref(i, j)), tol));
        if (p(i, j) == 0.0f) {  // masked: exactly zero
          CHECK(fast(i, j) == 0.0f);
          CHECK(ref(i, j) == 0.0f);
        }
      }
    }
    INFO("n=" << n);
    CHECK(worst <= 1.0);
    CHECK(fast.guards_intact());
    CHECK(in_place.guards_intact());
  }
}

TEST_CASE("softmax_rows_backward_ref is the gradient of sum dp . softmax(s)") {
  for (int n : {1, 2, 5, 16, 33}) {
    pe::Rng rng(400 + n);
    std::vector<double> s(n);
    for (int j = 0; j < n; ++j) s[j] = (j % 5 == 3) ? kNegInf : rng.normal(0.0, 2.0);
    std::vector<float> p(n), dp(n), ds(n + 1, kSentinel);
    const std::vector<double> pd = softmax_d(s);
    for (int j = 0; j < n; ++j) {
      p[j] = static_cast<float>(pd[j]);
      dp[j] = static_cast<float>(rng.normal());
    }
    pe::softmax_rows_backward_ref(ds.data(), n, p.data(), n, dp.data(), n, 1, n);
    double sum_abs = 0;
    for (int j = 0; j < n; ++j) sum_abs += std::fabs(p[j] * dp[j]);
    const auto loss = [&] {
      const std::vector<double> q = softmax_d(s);
      double l = 0;
      for (int j = 0; j < n; ++j) l += dp[j] * q[j];
      return l;
    };
    for (int j = 0; j < n; ++j) {
      INFO("n=" << n << " j=" << j);
      if (s[j] == kNegInf) {
        CHECK(ds[j] == 0.0f);
      } else {
        const double fd = central_difference(loss, s, j, 1e-6);
        // float p (eps/2 relative) and a float dot of n terms; 1e-9 for the difference
        const double tol = 4.0 * (n + 2) * kEps * std::fabs(p[j]) * (std::fabs(dp[j]) + sum_abs) + 1e-9;
        CHECK(std::fabs(ds[j] - fd) <= tol);
      }
    }
    CHECK(ds[n] == kSentinel);
  }
}

// ------------------------------------------------------------------- layernorm

TEST_CASE("layernorm_forward matches its reference") {
  for (int n : kSizes) {
    const int m = 5;
    const float eps = 1e-5f;
    Buffer x(m, n, 0, n % 4, 500 + n, 2.0), w = vec(n, 1, 510 + n), b = vec(n, 2, 520 + n);
    for (int j = 0; j < n; ++j) x(1, j) += 50.0f;  // a large mean: two passes matter
    Buffer out_f(m, n, 0, (n + 1) % 4, 1), out_r = out_f;
    Buffer mean_f = vec(m, 3, 1), mean_r = mean_f, rstd_f = vec(m, 1, 1), rstd_r = rstd_f;
    pe::layernorm_forward(out_f.data(), mean_f.data(), rstd_f.data(), x.data(), w.data(), b.data(), m, n, eps);
    pe::layernorm_forward_ref(out_r.data(), mean_r.data(), rstd_r.data(), x.data(), w.data(), b.data(), m, n, eps);
    double worst = 0;
    for (int i = 0; i < m; ++i) {
      double mean_abs = 0;
      for (int j = 0; j < n; ++j) mean_abs += std::fabs(x(i, j)) / n;
      worst = std::max(worst, ratio(std::fabs(mean_f[i] - mean_r[i]), 2.0 * (n + 1) * kEps * mean_abs));
      worst = std::max(worst, ratio(std::fabs(rstd_f[i] - rstd_r[i]), 4.0 * (n + 4) * kEps * rstd_r[i]));
      for (int j = 0; j < n; ++j) {
        const double xhat_w = std::fabs((x(i, j) - mean_r[i]) * rstd_r[i] * w[j]);
        // the mean's error enters x - mean: relative to |x - mean| it is (n + 1) eps mean|x| / |x - mean|
        const double tol = 4.0 * (n + 4) * kEps * (xhat_w + std::fabs(rstd_r[i] * w[j]) * mean_abs) +
                           2.0 * kEps * std::fabs(b[j]);
        worst = std::max(worst, ratio(std::fabs(out_f(i, j) - out_r(i, j)), tol));
      }
    }
    INFO("n=" << n);
    CHECK(worst <= 1.0);
    if (n == 0) {  // empty rows: mean 0, rstd 1 / sqrt(eps), in both
      for (int i = 0; i < m; ++i) {
        CHECK(mean_f[i] == 0.0f);
        CHECK(mean_r[i] == 0.0f);
        CHECK(rstd_f[i] == rstd_r[i]);
        CHECK(rstd_r[i] == Approx(1.0 / std::sqrt(1e-5)).epsilon(1e-6));
      }
    }
    CHECK(out_f.guards_intact());
    CHECK(mean_f.guards_intact());
    CHECK(rstd_f.guards_intact());
  }
}

TEST_CASE("layernorm_forward_ref normalises as PyTorch (biased variance, eps inside)") {
  for (int n : {1, 2, 7, 64, 69}) {
    const int m = 3;
    const double eps = 1e-5;
    Buffer x(m, n, 0, 1, 600 + n, 3.0), w = vec(n, 0, 610 + n), b = vec(n, 3, 620 + n);
    for (int j = 0; j < n; ++j) x(2, j) += 100.0f;
    Buffer out(m, n, 0, 2, 1), mean = vec(m, 1, 1), rstd = vec(m, 2, 1);
    pe::layernorm_forward_ref(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), m, n,
                              static_cast<float>(eps));
    for (int i = 0; i < m; ++i) {
      double mu = 0, var = 0, mean_abs = 0;
      for (int j = 0; j < n; ++j) {
        mu += double(x(i, j)) / n;
        mean_abs += std::fabs(x(i, j)) / n;
      }
      for (int j = 0; j < n; ++j) var += (x(i, j) - mu) * (x(i, j) - mu) / n;
      const double rs = 1.0 / std::sqrt(var + eps);
      INFO("n=" << n << " row=" << i);
      CHECK(std::fabs(mean[i] - mu) <= (n + 1) * kEps * mean_abs);
      CHECK(std::fabs(rstd[i] - rs) <= 4.0 * (n + 4) * kEps * rs * (1.0 + mean_abs * rs));
      double worst = 0;
      for (int j = 0; j < n; ++j) {
        const double want = (x(i, j) - mu) * rs * w[j] + b[j];
        const double tol = 4.0 * (n + 4) * kEps * std::fabs(rs * w[j]) * (std::fabs(x(i, j) - mu) + mean_abs) +
                           2.0 * kEps * std::fabs(b[j]);
        worst = std::max(worst, ratio(std::fabs(out(i, j) - want), tol));
      }
      CHECK(worst <= 1.0);
    }
  }
}

TEST_CASE("layernorm_backward matches its reference (accumulating)") {
  for (int n : kSizes) {
    const int m = 5;
    Buffer x(m, n, 0, 1, 700 + n, 2.0), w = vec(n, 2, 710 + n), b = vec(n, 3, 720 + n);
    Buffer out(m, n, 0, 0, 1), mean = vec(m, 0, 1), rstd = vec(m, 0, 1);
    pe::layernorm_forward_ref(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), m, n, 1e-5f);
    Buffer dout(m, n, 0, (n + 3) % 4, 730 + n);
    Buffer dx_f(m, n, 0, n % 4, 740 + n), dx_r = dx_f, dx_before = dx_f;
    Buffer dw_f = vec(n, 1, 750 + n), dw_r = dw_f, dw_before = dw_f;
    Buffer db_f = vec(n, 3, 760 + n), db_r = db_f;
    pe::layernorm_backward(dx_f.data(), dw_f.data(), db_f.data(), dout.data(), x.data(), mean.data(), rstd.data(),
                           w.data(), m, n);
    pe::layernorm_backward_ref(dx_r.data(), dw_r.data(), db_r.data(), dout.data(), x.data(), mean.data(),
                               rstd.data(), w.data(), m, n);
    CHECK(db_f.storage == db_r.storage);  // the same additions in the same order
    double worst = 0;
    for (int j = 0; j < n; ++j) {  // the same products and additions; exact without FMA contraction
      double mag = std::fabs(dw_before[j]);
      for (int i = 0; i < m; ++i) mag += std::fabs((x(i, j) - mean[i]) * rstd[i] * dout(i, j));
      worst = std::max(worst, ratio(std::fabs(dw_f[j] - dw_r[j]), 2.0 * (m + 1) * kEps * mag));
    }
    for (int i = 0; i < m; ++i) {
      double gw_abs = 0, gwx_abs = 0;
      for (int j = 0; j < n; ++j) {
        gw_abs += std::fabs(w[j] * dout(i, j)) / n;
        gwx_abs += std::fabs(w[j] * dout(i, j) * (x(i, j) - mean[i]) * rstd[i]) / n;
      }
      for (int j = 0; j < n; ++j) {
        const double xhat = std::fabs((x(i, j) - mean[i]) * rstd[i]);
        // the two row means differ by the order of summation
        const double tol = 2.0 * (n + 4) * kEps *
                               (rstd[i] * (std::fabs(w[j] * dout(i, j)) + gw_abs + xhat * gwx_abs)) +
                           2.0 * kEps * std::fabs(dx_before(i, j));
        worst = std::max(worst, ratio(std::fabs(dx_f(i, j) - dx_r(i, j)), tol));
      }
    }
    INFO("n=" << n);
    CHECK(worst <= 1.0);
    CHECK(dx_f.guards_intact());
    CHECK(dw_f.guards_intact());
    CHECK(db_f.guards_intact());
  }
}

TEST_CASE("layernorm_backward_ref is the gradient of sum dout . LayerNorm(x; w, b)") {
  for (int n : {1, 2, 3, 8, 17, 33}) {
    const int m = 3;
    const float eps = 1e-5f;
    Buffer x(m, n, 0, 0, 800 + n, 1.5), w = vec(n, 0, 810 + n), b = vec(n, 0, 820 + n);
    Buffer dout(m, n, 0, 0, 830 + n);
    for (int j = 0; j < n; ++j) x(0, j) += 7.0f;  // a row far from zero mean
    Buffer out(m, n, 0, 0, 1), mean = vec(m, 0, 1), rstd = vec(m, 0, 1);
    pe::layernorm_forward_ref(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), m, n, eps);
    std::vector<float> dx(m * n, 0.0f), dw(n, 0.0f), db(n, 0.0f);
    pe::layernorm_backward_ref(dx.data(), dw.data(), db.data(), dout.data(), x.data(), mean.data(), rstd.data(),
                               w.data(), m, n);
    std::vector<double> xd(x.data(), x.data() + m * n), wd(w.data(), w.data() + n), bd(b.data(), b.data() + n);
    const std::vector<double> gd(dout.data(), dout.data() + m * n);
    const auto loss = [&] { return layernorm_dot_d(xd, wd, bd, gd, m, n, eps); };
    double worst = 0;
    for (int i = 0; i < m; ++i) {
      double gw_abs = 0, gwx_abs = 0;
      for (int j = 0; j < n; ++j) {
        gw_abs += std::fabs(w[j] * dout(i, j)) / n;
        gwx_abs += std::fabs(w[j] * dout(i, j) * (x(i, j) - mean[i]) * rstd[i]) / n;
      }
      for (int j = 0; j < n; ++j) {
        const double fd = central_difference(loss, xd, static_cast<std::size_t>(i) * n + j, 1e-5);
        const double xhat = std::fabs((x(i, j) - mean[i]) * rstd[i]);
        const double tol = 8.0 * (n + 4) * kEps * rstd[i] * (std::fabs(w[j] * dout(i, j)) + gw_abs + xhat * gwx_abs) +
                           1e-8 * rstd[i];
        worst = std::max(worst, ratio(std::fabs(dx[i * n + j] - fd), tol));
      }
    }
    for (int j = 0; j < n; ++j) {
      double mag_w = 0, mag_b = 0;
      for (int i = 0; i < m; ++i) {
        mag_w += std::fabs((x(i, j) - mean[i]) * rstd[i] * dout(i, j));
        mag_b += std::fabs(dout(i, j));
      }
      worst = std::max(worst, ratio(std::fabs(dw[j] - central_difference(loss, wd, j, 1e-5)),
                                    8.0 * (n + m) * kEps * mag_w + 1e-8));
      worst = std::max(worst, ratio(std::fabs(db[j] - central_difference(loss, bd, j, 1e-5)),
                                    2.0 * (m + 1) * kEps * mag_b + 1e-8));
    }
    INFO("n=" << n);
    CHECK(worst <= 1.0);
  }
}

// ------------------------------------------------------------------------ GELU

namespace {
// N(0, 4) arguments clipped to [-12, 12] (below -5, 1 + tanh cancels), then edges:
// zeros, tiny, and +-30 where GELU saturates (y = x, or y = 0 within 1e-36).
Buffer gelu_inputs(int count, int offset, std::uint64_t seed) {
  Buffer x = vec(count, offset, seed, 4.0);
  for (int i = 0; i < count; ++i) x[i] = std::max(-12.0f, std::min(12.0f, x[i]));
  const float edges[] = {30.0f, 0.0f, -0.0f, 1e-4f, -1e-4f, -5.0f, 5.0f, -12.0f, 12.0f, -30.0f};
  for (int i = 0; i < count && i < 10; ++i) x[i * 7 % count] = edges[i];
  return x;
}
}  // namespace

TEST_CASE("gelu_forward and gelu_backward match their references, in place too") {
  std::vector<int> counts(std::begin(kSizes), std::end(kSizes));
  counts.push_back(1001);
  for (int count : counts) {
    const std::size_t c = static_cast<std::size_t>(count);
    Buffer x = gelu_inputs(count, count % 4, 900 + count), dy = vec(count, (count + 1) % 4, 910 + count);
    Buffer y_f = vec(count, (count + 2) % 4, 1), y_r = y_f, in_place = x;
    pe::gelu_forward(y_f.data(), x.data(), c);
    pe::gelu_forward_ref(y_r.data(), x.data(), c);
    pe::gelu_forward(in_place.data(), in_place.data(), c);
    Buffer dx_f = vec(count, (count + 3) % 4, 1), dx_r = dx_f, dx_in_place = dy;
    pe::gelu_backward(dx_f.data(), x.data(), dy.data(), c);
    pe::gelu_backward_ref(dx_r.data(), x.data(), dy.data(), c);
    pe::gelu_backward(dx_in_place.data(), x.data(), dx_in_place.data(), c);
    double worst = 0;
    for (int i = 0; i < count; ++i) {
      // fast: x / (1 + e^(-2u)) with simd::exp (2.6e-7 relative); the twin's
      // 0.5 x (1 + tanh u) loses about eps |x| where tanh u is near -1.
      const double tol_y = 1e-6 * std::fabs(x[i]);
      worst = std::max(worst, ratio(std::fabs(y_f[i] - y_r[i]), tol_y));
      worst = std::max(worst, ratio(std::fabs(in_place[i] - y_r[i]), tol_y));
      // gelu' is bounded by 1.13; its terms by about 1 + |x|
      const double tol_dx = 1e-6 * std::fabs(dy[i]) * (1.0 + std::fabs(x[i]));
      worst = std::max(worst, ratio(std::fabs(dx_f[i] - dx_r[i]), tol_dx));
      worst = std::max(worst, ratio(std::fabs(dx_in_place[i] - dx_r[i]), tol_dx));
    }
    INFO("count=" << count);
    CHECK(worst <= 1.0);
    for (int i = 0; i < count; ++i)
      if (x[i] == 30.0f) CHECK(y_f[i] == 30.0f);  // saturated: exactly x in both
    CHECK(y_f.guards_intact());
    CHECK(in_place.guards_intact());
    CHECK(dx_f.guards_intact());
    CHECK(dx_in_place.guards_intact());
  }
}

TEST_CASE("gelu_forward_ref is the tanh GELU and gelu_backward_ref its derivative") {
  const int count = 2401;
  std::vector<float> x(count), y(count), dx(count), ones(count, 1.0f);
  for (int i = 0; i < count; ++i) x[i] = -12.0f + 24.0f * static_cast<float>(i) / (count - 1);
  pe::gelu_forward_ref(y.data(), x.data(), x.size());
  pe::gelu_backward_ref(dx.data(), x.data(), ones.data(), x.size());
  double worst = 0;
  for (int i = 0; i < count; ++i) {
    std::vector<double> xd{double(x[i])};
    const double fd = central_difference([&] { return gelu_d(xd[0]); }, xd, 0, 1e-5);
    worst = std::max(worst, ratio(std::fabs(y[i] - gelu_d(x[i])), 2.0 * kEps * std::fabs(x[i]) + 1e-30));
    worst = std::max(worst, ratio(std::fabs(dx[i] - fd), 16.0 * kEps * (1.0 + std::fabs(x[i])) + 1e-9));
  }
  CHECK(worst <= 1.0);
  // Known values: gelu(0) = 0, gelu'(0) = 1/2, gelu(1) = 0.8411920.
  float in[3] = {0.0f, 1.0f, -1.0f}, out[3], grad[3], one[3] = {1.0f, 1.0f, 1.0f};
  pe::gelu_forward_ref(out, in, 3);
  pe::gelu_backward_ref(grad, in, one, 3);
  CHECK(out[0] == 0.0f);
  CHECK(grad[0] == 0.5f);
  CHECK(out[1] == Approx(0.8411920).epsilon(1e-6));
  CHECK(out[2] == Approx(-0.1588080).epsilon(1e-5));
}

// ---------------------------------------------------------------- bias kernels

TEST_CASE("rows_add_vector matches its reference exactly") {
  for (int n : kSizes) {
    const int m = 5;
    Buffer fast(m, n, 1 + n % 3, n % 4, 1100 + n), v = vec(n, (n + 1) % 4, 1110 + n), ref = fast, before = fast;
    pe::rows_add_vector(fast.data(), fast.ld, m, n, v.data());
    pe::rows_add_vector_ref(ref.data(), ref.ld, m, n, v.data());
    CHECK(fast.storage == ref.storage);  // includes the guards
    CHECK(fast.guards_intact());
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) CHECK(ref(i, j) == before(i, j) + v[j]);
  }
}

TEST_CASE("rows_sum_accumulate matches its reference exactly and sums the rows") {
  for (int m : {0, 1, 5, 33})
    for (int n : kSizes) {
      Buffer dout(m, n, 2, (m + n) % 4, 1200 + m * 100 + n);
      Buffer fast = vec(n, n % 4, 1300 + n), ref = fast, before = fast;
      pe::rows_sum_accumulate(fast.data(), dout.data(), dout.ld, m, n);
      pe::rows_sum_accumulate_ref(ref.data(), dout.data(), dout.ld, m, n);
      INFO("m=" << m << " n=" << n);
      CHECK(fast.storage == ref.storage);
      CHECK(fast.guards_intact());
      double worst = 0;
      for (int j = 0; j < n; ++j) {
        double want = before[j], mag = std::fabs(before[j]);
        for (int i = 0; i < m; ++i) {
          want += dout(i, j);
          mag += std::fabs(dout(i, j));
        }
        worst = std::max(worst, ratio(std::fabs(ref[j] - want), (m + 1) * kEps * mag));
      }
      CHECK(worst <= 1.0);
    }
}

// ------------------------------------------------------------- vector kernels

TEST_CASE("vec_axpy matches its reference") {
  std::vector<int> counts(std::begin(kSizes), std::end(kSizes));
  counts.push_back(1001);
  for (int count : counts) {
    const std::size_t c = static_cast<std::size_t>(count);
    Buffer x = vec(count, count % 4, 1400 + count), fast = vec(count, (count + 1) % 4, 1410 + count);
    Buffer ref = fast, before = fast;
    const float alpha = -0.37f;
    pe::vec_axpy(fast.data(), x.data(), alpha, c);
    pe::vec_axpy_ref(ref.data(), x.data(), alpha, c);
    double worst = 0;
    for (int i = 0; i < count; ++i) {
      // one product and one sum in both: equal unless a compiler fuses them (FMA)
      const double mag = std::fabs(before[i]) + std::fabs(alpha * x[i]);
      worst = std::max(worst, ratio(std::fabs(fast[i] - ref[i]), 2.0 * kEps * mag));
      worst = std::max(worst, ratio(std::fabs(ref[i] - (double(before[i]) + double(alpha) * x[i])), kEps * mag));
    }
    INFO("count=" << count);
    CHECK(worst <= 1.0);
    CHECK(fast.guards_intact());
  }
}

TEST_CASE("vec_sum_squares matches its reference and is exact on integers") {
  std::vector<int> counts(std::begin(kSizes), std::end(kSizes));
  counts.push_back(100003);
  for (int count : counts) {
    const std::size_t c = static_cast<std::size_t>(count);
    Buffer x = vec(count, count % 4, 1500 + count, 3.0);
    const double fast = pe::vec_sum_squares(x.data(), c), ref = pe::vec_sum_squares_ref(x.data(), c);
    INFO("count=" << count);
    // double sums of exact squares, differently grouped
    CHECK(std::fabs(fast - ref) <= (count + 1) * DBL_EPSILON * ref);
    // integers: every partial sum is an integer below 2^53, so both are exact
    for (int i = 0; i < count; ++i) x[i] = static_cast<float>(i % 2000 + 1);
    double want = 0;
    for (int i = 0; i < count; ++i) want += double(i % 2000 + 1) * double(i % 2000 + 1);
    CHECK(pe::vec_sum_squares(x.data(), c) == want);
    CHECK(pe::vec_sum_squares_ref(x.data(), c) == want);
    CHECK(x.guards_intact());
  }
  // squares are taken in double: (2^-75)^2 = 2^-150 would underflow in float
  const float tiny[2] = {std::ldexp(1.0f, -75), std::ldexp(1.0f, -75)};
  CHECK(pe::vec_sum_squares(tiny, 2) == std::ldexp(1.0, -149));
  CHECK(pe::vec_sum_squares_ref(tiny, 2) == std::ldexp(1.0, -149));
}

// --------------------------------------------------------------- cross-entropy

TEST_CASE("cross_entropy_rows matches its reference, with no-target rows and large logits") {
  for (int n : kSizes) {
    const int m = 7;
    Buffer fast(m, n, 1 + n % 2, n % 4, 1600 + n, 3.0);
    for (int j = 0; j < n; ++j) fast(2, j) *= 10.0f;  // a wide row
    if (n > 0) fast(3, n - 1) += 80.0f;               // one huge logit: max subtraction matters
    std::vector<int> targets(m);
    for (int i = 0; i < m; ++i) targets[i] = (n == 0 || i % 3 == 1) ? -1 : (i * 5 + 2) % n;
    Buffer ref = fast, logits = fast;
    const float scale = 1.0f / 3.0f;
    std::vector<double> loss_f(m + 1, 777.0), loss_r(m + 1, 777.0);
    pe::cross_entropy_rows(fast.data(), fast.ld, m, n, targets.data(), scale, loss_f.data());
    pe::cross_entropy_rows_ref(ref.data(), ref.ld, m, n, targets.data(), scale, loss_r.data());
    double worst = 0;
    for (int i = 0; i < m; ++i) {
      INFO("n=" << n << " row=" << i << " target=" << targets[i]);
      if (targets[i] < 0) {  // no target: loss 0, gradient 0, exactly
        CHECK(loss_f[i] == 0.0);
        CHECK(loss_r[i] == 0.0);
        for (int j = 0; j < n; ++j) CHECK(fast(i, j) == 0.0f);
        for (int j = 0; j < n; ++j) CHECK(ref(i, j) == 0.0f);
      } else {
        // log of a sum of n exps each off by <= 2.6e-7 relative (simd::exp)
        worst = std::max(worst, ratio(std::fabs(loss_f[i] - loss_r[i]), 1e-6 + 4 * kEps * std::fabs(loss_r[i])));
        std::vector<double> z(n);
        for (int j = 0; j < n; ++j) z[j] = logits(i, j);
        const std::vector<double> softmax = softmax_d(z);
        for (int j = 0; j < n; ++j) {
          const double p = softmax[j];
          // p off by simd::exp and by 1 / sum (both ~3e-7 relative); p - 1 rounds once
          const double tol = scale * (1e-6 * p + 2.0 * kEps);
          worst = std::max(worst, ratio(std::fabs(fast(i, j) - ref(i, j)), tol));
        }
      }
    }
    INFO("n=" << n);
    CHECK(worst <= 1.0);
    CHECK(loss_f[m] == 777.0);  // nothing past the m losses
    CHECK(loss_r[m] == 777.0);
    CHECK(fast.guards_intact());
    CHECK(ref.guards_intact());
  }
}

TEST_CASE("cross_entropy_rows_ref: loss is -log softmax[target], gradient matches finite differences") {
  for (int n : {1, 2, 5, 16, 33, 69}) {
    const int m = 4;
    const float scale = 0.25f;
    Buffer z(m, n, 1, 1, 1700 + n, 4.0), grad = z;
    std::vector<int> targets(m);
    for (int i = 0; i < m; ++i) targets[i] = (i * 7 + 1) % n;
    std::vector<double> loss(m);
    pe::cross_entropy_rows_ref(grad.data(), grad.ld, m, n, targets.data(), scale, loss.data());
    double worst = 0;
    for (int i = 0; i < m; ++i) {
      std::vector<double> zd(n);
      double mx = kNegInf, mn = -kNegInf;
      for (int j = 0; j < n; ++j) {
        zd[j] = z(i, j);
        mx = std::max(mx, zd[j]);
        mn = std::min(mn, zd[j]);
      }
      const int t = targets[i];
      // exps of float differences: each off by about eps (1 + |z - max|)
      worst = std::max(worst, ratio(std::fabs(loss[i] - cross_entropy_d(zd, t)), 4.0 * kEps * (1.0 + mx - mn)));
      for (int j = 0; j < n; ++j) {
        const double fd = scale * central_difference([&] { return cross_entropy_d(zd, t); }, zd, j, 1e-6);
        const double p = fd / scale + (j == t ? 1.0 : 0.0);
        const double tol = scale * (4.0 * kEps * (p * (1.0 + mx - mn) + 1.0)) + 1e-9;
        worst = std::max(worst, ratio(std::fabs(grad(i, j) - fd), tol));
      }
    }
    INFO("n=" << n);
    CHECK(worst <= 1.0);
  }
  // Uniform logits: loss log n, gradient scale (1/n - onehot).
  float row[4] = {2.0f, 2.0f, 2.0f, 2.0f};
  const int target = 2;
  double loss;
  pe::cross_entropy_rows_ref(row, 4, 1, 4, &target, 1.0f, &loss);
  CHECK(loss == Approx(std::log(4.0)).epsilon(1e-12));
  CHECK(row[0] == 0.25f);
  CHECK(row[2] == -0.75f);
}

// ----------------------------------------------------------------------- AdamW

TEST_CASE("adamw_update matches its reference over several steps") {
  std::vector<int> counts(std::begin(kSizes), std::end(kSizes));
  counts.push_back(1001);
  for (int count : counts)
    for (float wd : {0.0f, 0.1f}) {
      const std::size_t c = static_cast<std::size_t>(count);
      Buffer p_f = vec(count, count % 4, 1800 + count), m_f = vec(count, (count + 1) % 4, 1), v_f = vec(count, 3, 1);
      for (int i = 0; i < count; ++i) m_f[i] = v_f[i] = 0.0f;
      Buffer p_r = p_f, m_r = m_f, v_r = v_f;
      const float lr = 3e-3f;
      double worst = 0;
      for (int t = 1; t <= 4; ++t) {
        Buffer g = vec(count, (count + t) % 4, 1900 + count * 10 + t, 0.5);
        if (count > 3) g[2] = 0.0f;  // a parameter with no gradient
        pe::adamw_update(p_f.data(), g.data(), m_f.data(), v_f.data(), c, lr, 0.9f, 0.999f, 1e-8f, wd, t);
        pe::adamw_update_ref(p_r.data(), g.data(), m_r.data(), v_r.data(), c, lr, 0.9f, 0.999f, 1e-8f, wd, t);
        // the same float operations in the same order: a few ulps only if a compiler fuses
        for (int i = 0; i < count; ++i) {
          worst = std::max(worst, ratio(std::fabs(p_f[i] - p_r[i]), 4.0 * kEps * (std::fabs(p_r[i]) + lr)));
          worst = std::max(worst, ratio(std::fabs(m_f[i] - m_r[i]), 4.0 * kEps * (std::fabs(m_r[i]) + 0.1 * std::fabs(g[i]))));
          worst = std::max(worst, ratio(std::fabs(v_f[i] - v_r[i]), 4.0 * kEps * v_r[i] + 1e-45));
        }
        CHECK(g.guards_intact());
      }
      INFO("count=" << count << " weight_decay=" << wd);
      CHECK(worst <= 1.0);
      CHECK(p_f.guards_intact());
      CHECK(m_f.guards_intact());
      CHECK(v_f.guards_intact());
    }
}

TEST_CASE("adamw_update_ref follows torch.optim.AdamW over two steps") {
  const float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.1f;
  const std::vector<float> p0 = {0.5f, -1.5f, 2.0f, 0.0f, 3.0f};
  const std::vector<float> g1 = {0.1f, -0.2f, 0.0f, 1e-3f, -4.0f};
  const std::vector<float> g2 = {-0.3f, 0.25f, 0.0f, 1e-3f, 0.5f};
  std::vector<float> p = p0, m(5, 0.0f), v(5, 0.0f);
  pe::adamw_update_ref(p.data(), g1.data(), m.data(), v.data(), 5, lr, b1, b2, eps, wd, 1);
  // Step 1 by hand: mhat = g, vhat = g^2, so p = p0 (1 - lr wd) - lr g / (|g| + eps).
  CHECK(p[0] == Approx(0.5 * 0.999 - 0.01 * 0.1 / (0.1 + 1e-8)).epsilon(2e-7));
  CHECK(p[1] == Approx(-1.5 * 0.999 + 0.01 * 0.2 / (0.2 + 1e-8)).epsilon(2e-7));
  CHECK(p[2] == Approx(2.0 * 0.999).epsilon(2e-7));  // decoupled decay: no gradient, only the decay
  pe::adamw_update_ref(p.data(), g2.data(), m.data(), v.data(), 5, lr, b1, b2, eps, wd, 2);
  // Both steps in double, in torch's order: decay, moments, bias corrections, update.
  for (int i = 0; i < 5; ++i) {
    double pd = p0[i], md = 0, vd = 0;
    const double g[2] = {g1[i], g2[i]};
    for (int t = 1; t <= 2; ++t) {
      pd *= 1.0 - double(lr) * wd;
      md = double(b1) * md + (1.0 - double(b1)) * g[t - 1];
      vd = double(b2) * vd + (1.0 - double(b2)) * g[t - 1] * g[t - 1];
      const double mhat = md / (1.0 - std::pow(double(b1), t)), vhat = vd / (1.0 - std::pow(double(b2), t));
      pd -= double(lr) * mhat / (std::sqrt(vhat) + eps);
    }
    INFO("parameter " << i);
    CHECK(std::fabs(p[i] - pd) <= 1e-6 * (std::fabs(pd) + lr));
    CHECK(std::fabs(m[i] - md) <= 1e-6 * std::fabs(md) + 1e-30);
    CHECK(std::fabs(v[i] - vd) <= 1e-6 * vd + 1e-30);
  }
  // Decoupled decay: p[2] never had a gradient. Coupled L2 (Adam with wd p added to the
  // gradient) would have moved it by about lr per step.
  CHECK(p[2] == Approx(2.0 * 0.999 * 0.999).epsilon(2e-7));
  // No decay when weight_decay is 0: a zero gradient leaves p exactly as it was.
  std::vector<float> q = {1.25f}, mq = {0.0f}, vq = {0.0f}, zero = {0.0f};
  pe::adamw_update_ref(q.data(), zero.data(), mq.data(), vq.data(), 1, lr, b1, b2, eps, 0.0f, 1);
  CHECK(q[0] == 1.25f);
}
