// Learned absolute positions (GPT-2's wpe; Radford et al. 2019;
// huggingface/transformers: src/transformers/models/gpt2/modeling_gpt2.py).
//
//   x[p] += W[p]        W: (max_len, d), initialised N(0, 0.02) and then learned
//
// Acts: added to the token embedding. There is no row past max_len - 1: table() and
// encode_input() throw pe::Error for such a position, never wrap or clamp.
// Trainable tensor: "wpe" (max_len, d), scope input (checkpoint name pos.wpe).
// Init: row p comes from its own stream (seed, p), so it does not depend on max_len, and
// a wider d only appends components; std 0.02 as in GPT-2 (where the token embedding
// wte starts at the same scale), `std` raises it when the token embeddings in use are
// larger. table() shows that initialisation, computed from the seed.
// Backward: dx passes through (x' = x + W[p]) and row pos[i] of W gets dx[i].
#pragma once
#include <cstdint>
#include <vector>

#include "pe/scheme.hpp"

namespace pe {

// Row p of the seeded table into out: (d).
void learned_row(std::uint64_t seed, double std, int p, int d, double* out);

class LearnedScheme : public Scheme {
 public:
  explicit LearnedScheme(Params p)
      : Scheme(std::move(p)),
        max_len_(params_.integer("max_len")),
        seed_(static_cast<std::uint64_t>(params_.number("seed"))),
        std_(params_.number("std")) {}

  static const SchemeInfo& static_info() {
    static const SchemeInfo info{
        "learned", "Learned absolute positions (GPT-2)", Site::input, "token embeddings (added)",
        "A trained vector per position up to max_len, added to each token embedding; nothing exists past max_len.",
        "Radford et al. 2019, GPT-2 (wpe)",
        "huggingface/transformers: src/transformers/models/gpt2/modeling_gpt2.py wpe",
        {{"max_len", ParamKind::integer, "1024", 1, 65536, {}, "rows of the table: positions 0..max_len-1", false},
         {"seed", ParamKind::integer, "0", 0, 4294967295.0, {}, "seed of the table", false},
         {"std", ParamKind::number, "0.02", 0, 10, {}, "init standard deviation (GPT-2: 0.02)", true}},
        ShiftInvariance::variant};
    return info;
  }
  const SchemeInfo& info() const override { return static_info(); }

  // "pe": (n, d), rows 0..n-1 of W (throws when n > max_len); "profile": (1, n),
  // PE(0) . PE(r): about 0.0004 d at r = 0 and noise around 0 elsewhere.
  Table table(int n, int d, int heads) const override;
  // Refuses a table of max_len x d past limits::max_table_cells values.
  void prepare(const LayerShape& shape) override;
  void encode_input(float* x, int n, int d, const int* pos) const override;
  void encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const override;

  std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const override;  // wpe (max_len, d)
  void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const override;

 private:
  void check_position(int p) const;
  void check_width(int d) const;
  int max_len_;
  std::uint64_t seed_;
  double std_;
  int d_ = -1;  // prepared model width: the table's columns
};

}  // namespace pe
