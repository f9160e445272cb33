// Learned absolute positions (GPT-2's wpe; Radford et al. 2019;
// huggingface/transformers: src/transformers/models/gpt2/modeling_gpt2.py).
//
//   x[p] += W[p]        W: (max_len, d), initialised N(0, 0.02) and then learned
//
// Acts: added to the token embedding. There is no row past max_len - 1: table() and
// encode_input() throw pe::Error for such a position, never wrap or clamp.
// Here W is the untrained initialisation, seeded: row p comes from its own stream
// (seed, p), so it does not depend on max_len, and a wider d only appends components.
// Init: std 0.02 as in GPT-2 (where the token embedding wte starts at the same scale);
// `std` raises it when the token embeddings in use are larger.
#pragma once
#include <cstdint>

#include "pe/scheme.hpp"

namespace pe {

// Row p of the seeded table into out: (d).
void learned_row(std::uint64_t seed, double std, int p, int d, double* out);

class LearnedScheme : public Scheme {
 public:
  explicit LearnedScheme(Params p) : Scheme(std::move(p)) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "learned", "Learned absolute positions (GPT-2)", Site::input, "token embeddings (added)",
        "A trained vector per position up to max_len, added to each token embedding; nothing exists past max_len.",
        "Radford et al. 2019, GPT-2 (wpe)",
        "huggingface/transformers: src/transformers/models/gpt2/modeling_gpt2.py wpe",
        {{"max_len", ParamKind::integer, "1024", 1, 65536, {}, "rows of the table: positions 0..max_len-1", false},
         {"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the table", false},
         {"std", ParamKind::number, "0.02", 0, 10, {}, "init standard deviation (GPT-2: 0.02)", true}}};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "pe": (n, d), rows 0..n-1 of W (throws when n > max_len); "profile": (1, n),
  // PE(0) . PE(r): about 0.0004 d at r = 0 and noise around 0 elsewhere.
  Table table(int n, int d, int heads) const override;
  void encode_input(float* x, int n, int d, const int* pos) const override;

 private:
  void check_position(int p) const;
};

}  // namespace pe
