// The Scheme interface: one positional encoding, and the places in one attention layer
// where it may act. The attention layer calls every hook in order and never switches
// on a scheme's name; a scheme overrides only the hooks of the places it acts.
//
//   tokens -> x (n, d) --encode_input--> x' -> q, k, v (heads, n, dh)
//          --encode_query_key--> q', k' -> logits = q'.k' * logit_scale(dh)
//          --add_logit_bias--> (+ causal mask) -> softmax -> p
//          -> p.v --add_value_terms--> per-head output -> Wo
//
// Hooks are pure functions of their arguments, the scheme's prepared constants and its
// bound parameter tensors. Each forward hook has a *_backward twin (the training core,
// model.hpp): it receives the gradient of the hook's output, turns it into the gradient
// of the hook's input in place, and accumulates (+=) the gradients of the scheme's own
// tensors. The defaults pass gradients through unchanged, which is right only for the
// default (identity) forward hooks: a scheme that overrides a forward hook overrides
// its backward too, and the gradient checks over every registered scheme fail when it
// does not (hook by hook: tests/cpp/test_scheme_backward.cpp; through the whole model:
// tests/cpp/test_model.cpp).
//
// Trainable tensors (learned's table, T5's bias, Shaw's aK/aV, CoPE's position table,
// CPE's kernel) are declared by param_specs(), filled with their seeded initial values
// by init_params(), and live outside the scheme: in the model's parameter block while
// training, or in storage the scheme owns (ensure_params) for the one-layer probe.
// prepare() only checks the shape and derives constants.
#pragma once
#include <cmath>
#include <cstdint>
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

// How a scheme's attention logits answer a shift of every position by K with the
// tokens unchanged (the probe's shift_logit_change). Every scheme declares it as the
// last field of its SchemeInfo; tests/cpp/test_probe.cpp runs the shift probe over every
// registered scheme and fails for one left undeclared or whose logits disagree.
enum class ShiftInvariance {
  undeclared,  // the default, so a forgotten declaration fails the test
  invariant,   // logits depend on j - i and content only: shift_logit_change is 0
  variant,     // absolute positions reach the logits: a shift changes them
};

struct SchemeInfo {
  std::string name;     // "rope"
  std::string title;    // "Rotary position embedding (RoPE)"
  Site where = Site::nowhere;
  std::string acts_on;  // one line: exactly what it changes ("queries and keys", "logits and values")
  std::string summary;  // one sentence for the README and the page
  std::string paper;    // "Su et al. 2021, RoFormer"
  std::string source;   // "huggingface/transformers: src/transformers/modeling_rope_utils.py"
  std::vector<ParamSpec> params;
  ShiftInvariance shift = ShiftInvariance::undeclared;  // declared by every scheme (above)
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

// One trainable tensor of a scheme. Saved in checkpoints as pos.<name> (scope input:
// used by encode_input, once per model) or layers.{l}.pos.<name> (scope layer).
enum class ParamScope { input, layer };
struct ParamTensorSpec {
  std::string name;        // "wpe", "rel_bias", "key_table", ...
  std::vector<int> shape;  // row-major, e.g. {num_buckets, heads}
  ParamScope scope = ParamScope::layer;
  bool decay = false;      // AdamW weight decay applies (tables and kernels: false)
};

// Storage bound to a scheme: one value and one gradient pointer per declared tensor,
// in param_specs() order. A pointer may be null for a tensor of the other scope (never
// read then), and grad pointers are null when no gradient is wanted.
struct ParamViews {
  std::vector<float*> value;
  std::vector<float*> grad;
};

// Gradients of one head's queries and keys, for biases computed from content (either
// pointer may be null: no gradient wanted).
struct HeadGrad {
  float* dq = nullptr;  // (n, dh), accumulated
  float* dk = nullptr;  // (n, dh), accumulated
};

// How encode_query_key pairs the dimensions of one head (Site::query_key), so the probe
// can split a logit q'_i . k'_j into one term per pair (probe.hpp, pair_terms). Dimensions
// in no pair pass through unchanged (partial RoPE).
struct RotaryPairs {
  std::vector<int> dim_a, dim_b;  // (pairs) the two dimensions of pair k
  std::vector<double> inv_freq;   // (pairs) the frequency pair k turns at (0: it does not turn)
  std::string note;               // what inv_freq means when the map is not a plain rotation
};

class Scheme {
 public:
  explicit Scheme(Params p) : params_(std::move(p)) {}
  virtual ~Scheme() = default;

  virtual const SchemeInfo& info() const = 0;

  // Raw quantities for positions 0..n-1 (`pe-cli table`). d is the model width for
  // schemes on the input and the head width for rotary schemes. Throws pe::Error.
  virtual Table table(int n, int d, int heads) const = 0;

  // The positions of a sequence of n tokens whose first token sits at `first`, into
  // pos_out (n); every hook then receives them as `pos`. The model, the trainer and the
  // probe ask here instead of counting themselves. Default: first + i, whatever `draw`.
  // randomized overrides it with a sorted draw from [0, noise_max_length), plus first
  // (so a shift by K still moves every position by K); `draw` picks which draw: the
  // trainer passes a different one per sequence, evaluation per evaluated sequence, the
  // probe 0. Throws pe::Error for a sequence the scheme cannot place.
  virtual void positions(int n, int first, std::uint64_t draw, int* pos_out) const {
    (void)draw;
    for (int i = 0; i < n; ++i) pos_out[i] = first + i;
  }
  // The most tokens positions() can place (0: no limit). randomized: noise_max_length.
  virtual int sequence_limit() const { return 0; }
  // Where this instance acts: info().where, except for a scheme whose settings choose it
  // (randomized: its inner scheme's site).
  virtual Site site() const { return info().where; }

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

  // Site::query_key: the pairs of the prepared head width dh for positions pos (n) (a
  // dynamic scaling's frequencies depend on them). Empty (no pairs) for the other schemes.
  virtual RotaryPairs rotary_pairs(int dh, int n, const int* pos) const {
    (void)dh; (void)n; (void)pos;
    return {};
  }

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

  // ---- trainable tensors --------------------------------------------------------
  // The tensors of a layer of this shape (none by default). They may depend on d and
  // heads but never on shape.n: the model declares them at max_len, the probe at the
  // sentence's length.
  virtual std::vector<ParamTensorSpec> param_specs(const LayerShape& shape) const {
    (void)shape;
    return {};
  }
  // Seeded initial values: values[t] holds param_specs(shape)[t] (null: leave alone).
  // The probe passes the scheme's own `seed` setting; the model passes its own mix of
  // the model seed and the layer.
  virtual void init_params(const LayerShape& shape, std::uint64_t seed, const std::vector<float*>& values) const {
    (void)shape; (void)seed; (void)values;
  }
  // Attaches storage owned elsewhere (the model's parameter block).
  void bind_params(ParamViews views) {
    views_ = std::move(views);
    owns_params_ = false;
    bound_ = true;
  }
  // For use without a model (the probe's one layer): unless bound with bind_params,
  // allocate storage for `shape`, fill it with init_params(seed) where seed is the
  // scheme's own `seed` setting (0 when it has none), and bind it; kept while the
  // shapes agree. attention_inputs() calls it after prepare().
  void ensure_params(const LayerShape& shape);
  const ParamViews& param_views() const { return views_; }

  // ---- backward twins (see the top of this file) ------------------------------------
  // encode_input. x_in: (n, d) the input encode_input received; dx: (n, d) gradient of
  // its output on entry, of its input on return.
  virtual void encode_input_backward(const float* x_in, float* dx, int n, int d, const int* pos) const {
    (void)x_in; (void)dx; (void)n; (void)d; (void)pos;
  }
  // encode_query_key. dq, dk: (heads, n, dh), gradients of the encoded q, k on entry,
  // of the raw ones on return.
  virtual void encode_query_key_backward(float* dq, float* dk, int heads, int n, int dh, const int* pos) const {
    (void)dq; (void)dk; (void)heads; (void)n; (void)dh; (void)pos;
  }
  // add_logit_bias. dlogits (b.i1 - b.i0, ld): gradient of the block's biased logits
  // (0 where masked). Accumulates the scheme's tensor gradients and, for biases that read
  // q or k, their gradients into hg (the same rows and columns as hv).
  virtual void add_logit_bias_backward(int h, const HeadView& hv, const int* pos, bool causal, Block b,
                                       const float* dlogits, int ld, HeadGrad hg) const {
    (void)h; (void)hv; (void)pos; (void)causal; (void)b; (void)dlogits; (void)ld; (void)hg;
  }
  // add_value_terms. p as in the forward; dacc (b.i1 - b.i0, dh): gradient of the head
  // output rows. Adds the gradient of p into dp (b.i1 - b.i0, ld_dp) and accumulates the
  // scheme's tensor gradients.
  virtual void add_value_terms_backward(int h, const int* pos, Block b, const float* p, int ld_p, const float* dacc,
                                        int dh, float* dp, int ld_dp) const {
    (void)h; (void)pos; (void)b; (void)p; (void)ld_p; (void)dacc; (void)dh; (void)dp; (void)ld_dp;
  }

  const Params& params() const { return params_; }

 protected:
  // Bound tensor t (value / gradient); value throws pe::Error when nothing is bound.
  float* param_value(std::size_t t) const;
  float* param_grad(std::size_t t) const;  // null when no gradient is wanted

  Params params_;

 private:
  ParamViews views_;
  bool bound_ = false, owns_params_ = false;
  std::vector<std::vector<int>> owned_shapes_;
  std::vector<std::vector<float>> owned_;
};

}  // namespace pe
