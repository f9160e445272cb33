// Helpers for the tests of schemes with trainable tensors (test_learned.cpp, test_t5.cpp,
// test_shaw.cpp, test_cpe.cpp, test_cope.cpp): tensors filled by init_params, bound
// by hand as the model binds its parameter block.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace param_testing {

// One vector per param_specs(shape) entry, filled by init_params(shape, seed).
inline std::vector<std::vector<float>> init(const pe::Scheme& s, const pe::LayerShape& shape, std::uint64_t seed) {
  std::vector<std::vector<float>> out;
  std::vector<float*> ptrs;
  for (const auto& spec : s.param_specs(shape)) {
    std::size_t count = 1;
    for (int e : spec.shape) count *= static_cast<std::size_t>(e);
    out.emplace_back(count, 0.0f);
  }
  for (auto& t : out) ptrs.push_back(t.data());
  s.init_params(shape, seed, ptrs);
  return out;
}

// Binds the tensors' values (no gradients) to s.
inline void bind(pe::Scheme& s, std::vector<std::vector<float>>& tensors) {
  pe::ParamViews views;
  for (auto& t : tensors) {
    views.value.push_back(t.data());
    views.grad.push_back(nullptr);
  }
  s.bind_params(views);
}

}  // namespace param_testing
