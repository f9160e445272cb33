// None (NoPE): no position signal at all.
//
// Without a causal mask attention is permutation-equivariant: permuting the input
// permutes the output rows and changes nothing else, so "the dog chased the cat" and
// "the cat chased the dog" give the same multiset of outputs. With a causal mask, order
// leaks in through the mask alone (Haviv et al. 2022; Kazemnejad et al. 2023).
// Acts: nowhere. Every hook is the default no-op.
#pragma once
#include "pe/scheme.hpp"

namespace pe {

class NoneScheme : public Scheme {
 public:
  using Scheme::Scheme;

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "none", "No positional encoding (NoPE)", Site::nowhere, "nothing",
        "No position signal: bidirectional attention cannot tell word order; a causal mask alone leaks it.",
        "Haviv et al. 2022; Kazemnejad et al. 2023",
        "REFERENCE.md: None (NoPE)",
        {},
        ShiftInvariance::invariant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  Table table(int n, int d, int heads) const override;  // "pe": zeros (n, d), "profile": zeros (1, n)
};

}  // namespace pe
