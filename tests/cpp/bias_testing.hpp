// Helpers shared by the additive-bias scheme tests (test_alibi.cpp, test_t5.cpp).
#pragma once
#include <cstddef>
#include <vector>

#include "pe/scheme.hpp"

namespace bias_testing {

// Head h's full (n, n) bias from the hook, starting from zero logits.
inline std::vector<float> hook_bias(pe::Scheme& s, int h, const std::vector<int>& pos, bool causal) {
  const int n = static_cast<int>(pos.size());
  std::vector<float> out(static_cast<std::size_t>(n) * n, 0.0f);
  s.add_logit_bias(h, pe::HeadView{}, pos.data(), causal, pe::Block{0, n, 0, n}, out.data(), n);
  return out;
}

}  // namespace bias_testing
