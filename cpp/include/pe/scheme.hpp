// The Scheme interface: one positional encoding, and the places in one attention layer
// where it may act. The attention layer calls every hook in order and never switches
// on a scheme's name; a scheme overrides only the hooks of the places it acts.
//
//   tokens -> x (n, d) --encode_input--> x' -> q, k, v (heads, n, dh)
//          --encode_query_key--> q', k' -> logits = q'.k' * logit_scale(dh)
//          --add_logit_bias--> (+ causal mask) -> softmax -> p
//          -> p.v --add_value_terms--> per-head output -> Wo
//
// Hooks are pure functions of their arguments and the scheme's prepared state, so a
// backward pass can be added as a matching set of *_backward hooks later.
#pragma once
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "pe/params.hpp"
#include "pe/table.hpp"

namespace pe {

// Where a scheme acts (REFERENCE.md headings).
enum class Site {
  nowhere,    // none
  input,      // added to the token embeddings from the position alone
  query_key,  // rotates/scales queries and keys (RoPE family)
  logits,     // bias added to the attention logits (ALiBi, T5, Shaw)
  content,    // computed from the content: CPE (on the input), CoPE (on the logits)
};
const char* site_name(Site s);

struct SchemeInfo {
  std::string name;     // "rope"
  std::string title;    // "Rotary position embedding (RoPE)"
  Site where = Site::nowhere;
  std::string acts_on;  // one line: exactly what it changes ("queries and keys", "logits and values")
  std::string summary;  // one sentence for the README and the page
  std::string paper;    // "Su et al. 2021, RoFormer"
  std::string source;   // "huggingface/transformers: src/transformers/modeling_rope_utils.py"
  std::vector<ParamSpec> params;
};

// Shape of one attention layer.
struct LayerShape {
  int n = 0;          // tokens
  int d = 0;          // model width
  int heads = 1;      // H
  bool causal = false;
  int dh() const { return d / heads; }  // head width; d % heads == 0 is checked before use
};

// One head's queries and keys after encode_query_key, for content-dependent biases.
struct HeadView {
  const float* q = nullptr;  // (n, dh)
  const float* k = nullptr;  // (n, dh)
  int n = 0, dh = 0;
};

// A rectangle of the (n, n) logits: query rows [i0, i1), key columns [j0, j1).
struct Block {
  int i0 = 0, i1 = 0, j0 = 0, j1 = 0;
};

class Scheme {
 public:
  explicit Scheme(Params p) : params_(std::move(p)) {}
  virtual ~Scheme() = default;

  virtual const SchemeInfo& info() const = 0;

  // Raw quantities for positions 0..n-1 (`pe-cli table`). d is the model width for
  // schemes on the input and the head width for rotary schemes. Throws pe::Error.
  virtual Table table(int n, int d, int heads) const = 0;

  // Called once before the hooks of one layer: checks that the scheme fits the shape
  // (throws pe::Error, e.g. an odd rotated width) and precomputes what it needs.
  virtual void prepare(const LayerShape& shape) { (void)shape; }

  // Site::input / content (CPE). x: (n, d), row-major; pos: (n) positions.
  virtual void encode_input(float* x, int n, int d, const int* pos) const {
    (void)x; (void)n; (void)d; (void)pos;
  }

  // Site::query_key. q, k: (heads, n, dh), row-major; pos: (n).
  virtual void encode_query_key(float* q, float* k, int heads, int n, int dh, const int* pos) const {
    (void)q; (void)k; (void)heads; (void)n; (void)dh; (void)pos;
  }

  // Multiplies q.k before biases. 1/sqrt(dh) unless the reference says otherwise.
  virtual float logit_scale(int dh) const { return 1.0f / std::sqrt(static_cast<float>(dh)); }

  // Site::logits / content (CoPE). Adds head h's bias to a block of scaled logits.
  // out: (b.i1 - b.i0, ld) with column 0 = key b.j0; pos: (n). Entries the causal mask
  // removes (j > i) may be left untouched.
  virtual void add_logit_bias(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                              float* out, int ld) const {
    (void)h; (void)hv; (void)pos; (void)causal; (void)b; (void)out; (void)ld;
  }

  // Values (Shaw aV). p: (b.i1 - b.i0, ld_p) attention weights (or unnormalised
  // online-softmax weights) for keys b.j0..b.j1; acc: (b.i1 - b.i0, dh).
  // Adds sum_j p[i][j] * aV(pos_j - pos_i) into acc.
  virtual void add_value_terms(int h, const int* pos, Block b, const float* p, int ld_p,
                               float* acc, int dh) const {
    (void)h; (void)pos; (void)b; (void)p; (void)ld_p; (void)acc; (void)dh;
  }
  virtual bool has_value_terms() const { return false; }

  const Params& params() const { return params_; }

 protected:
  Params params_;
};

}  // namespace pe
