// Helpers shared by the rotary scheme tests (test_rope.cpp, test_xpos.cpp, test_fope.cpp):
// deterministic test vectors, per-head dot products and encoding with a fresh prepare().
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

#include "pe/scheme.hpp"

namespace rotary_testing {

// Deterministic test vectors: (count) values in [-1, 1],
// v[i] = sin(a i + phase) cos(b i^2 + phase); each test file fixes its own a and b.
inline std::vector<float> wave(int count, double phase, double a, double b) {
  std::vector<float> v(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) v[i] = static_cast<float>(std::sin(a * i + phase) * std::cos(b * i * i + phase));
  return v;
}

// q.k for head h, query row i, key row j of (heads, n, dh) tensors.
inline double dot(const std::vector<float>& q, const std::vector<float>& k, int n, int dh, int h, int i, int j) {
  double s = 0;
  for (int c = 0; c < dh; ++c)
    s += static_cast<double>(q[(static_cast<std::size_t>(h) * n + i) * dh + c]) * k[(static_cast<std::size_t>(h) * n + j) * dh + c];
  return s;
}

// Encodes q and k with a freshly prepared scheme.
inline void encode(pe::Scheme& s, std::vector<float>& q, std::vector<float>& k, int heads, int n, int dh,
                   const std::vector<int>& pos) {
  pe::LayerShape shape;
  shape.n = n;
  shape.d = dh * heads;
  shape.heads = heads;
  s.prepare(shape);
  s.encode_query_key(q.data(), k.data(), heads, n, dh, pos.data());
}

}  // namespace rotary_testing
