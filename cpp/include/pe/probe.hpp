// The order probe: how much one attention layer's outputs change when word order
// changes, and when every position is shifted, for each scheme.
//
// For each scheme, both sentences go through the same layer (same seed, same token
// embeddings, same weights):
//   sentence_distance   1 - cos(mean output of sentence, mean output of compare)
//   token_distance      per token of the sentence, 1 - cos(its output, the output of the
//                       same token in compare; k-th occurrence to k-th occurrence);
//                       NaN (JSON null) where compare has no such occurrence
//   shift_logit_change  max |logit(pos + K) - logit(pos)| over heads, i, j, with the
//                       tokens unchanged (pre-softmax, after the scheme's bias)
//   attention           (heads, n, n) weights for the sentence, attention_compare for compare
//
// Float resolution. The layer runs in float32, so reordering the same sums (a permuted
// sentence, shifted angles) moves outputs and logits by rounding alone. Values below what
// float32 can resolve are reported as exactly 0, and the unrounded value is kept in the
// *_raw field: a distance below distance_resolution(n) (two outputs that agree to ~16 n
// float32 ulps, relatively), and a logit change below logit_resolution (16 (dh + n) ulps
// of the largest logit). So `none` without a mask reads 0, and RoPE's shift change too,
// while the raw fields show the rounding (about 1e-15 and 1e-6).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include <xtensor/xtensor.hpp>

#include "pe/json.hpp"
#include "pe/registry.hpp"

namespace pe {

struct ProbeOptions {
  std::string sentence;
  std::string compare;               // empty: the sentence's tokens in reverse order
  std::vector<std::string> schemes;  // names; empty: every registered scheme
  int dim = 64;                      // model width d
  int heads = 4;                     // H; dim % heads == 0
  std::uint64_t seed = 1;            // Wq, Wk, Wv, Wo and every seeded table
  bool causal = false;               // decoder mask j <= i
  int shift = 16;                    // K for shift_logit_change
  std::map<std::string, Settings> settings;  // scheme name -> KEY=VALUE settings
  bool weights = true;               // false: streaming softmax, attention left empty
  // A caller's tighter caps (the page's, so no link can freeze it): tokens per sentence
  // (0: the core's limits) and work in multiply-adds (0: limits::max_probe_work), each
  // refused with a message before any work.
  int max_tokens = 0;
  double max_work = 0;
  // Details of one sentence (see "Details" below), off by default so the page's ranking
  // call over every scheme pays nothing for them.
  bool norms = false;       // SchemeProbe::norms
  bool pair_terms = false;  // SchemeProbe::pair_terms, for the logit of:
  int pair_head = 0;        //   head h in [0, heads)
  int pair_query = -1;      //   query i in [0, n); -1: the sentence's last token
  int pair_key = 0;         //   key j in [0, n)
};

// ---- Details (sentence only; positions as the layer gives them) ---------------------
// norms: how much the scheme changes the vectors it acts on, per position p:
//   ratio = |v'| / |v|, cos = cos(v, v') of a vector before (v) and after (v') the hook.
//   acts_on "input":     v = the token embedding x_p, v' = x_p after encode_input
//                        (x_p + PE(p); CPE: + its convolution): input_ratio, input_cos (n)
//   acts_on "query_key": v = q or k of head h (x W^T), v' = after encode_query_key:
//                        query_ratio, query_cos, key_ratio, key_cos (heads, n). RoPE: ratio 1
//                        to float32 rounding (times attention_factor); xPos scales them.
//   acts_on "none":      the scheme changes no vector (it adds to the logits, or nothing;
//                        CoPE): input_ratio and input_cos as measured, exactly 1.
// pair_terms (schemes whose rotary_pairs() are not empty: rope, xpos, fope): the logit of
// head h, query i, key j split by the scheme's pairs (a_k, b_k), s = logit_scale(dh):
//   terms[k] = s (q'_i[a_k] k'_j[a_k] + q'_i[b_k] k'_j[b_k])    (pairs), in double
//   rest     = s * sum of q'_i[c] k'_j[c] over the dims in no pair (partial RoPE; else 0)
//   logit    = s q'_i . k'_j as the layer computes it (float32), before biases and the mask
// so sum(terms) + rest = logit to float32 rounding. Other schemes get pair_terms_reason.
struct NormProbe {
  std::string acts_on;                        // "input", "query_key" or "none"
  std::vector<double> input_ratio, input_cos;  // (n): acts_on input or none
  std::vector<double> query_ratio, query_cos;  // (heads, n): acts_on query_key
  std::vector<double> key_ratio, key_cos;      // (heads, n)
  int heads = 0, n = 0;                        // the layer's heads and tokens
};
struct PairTermsProbe {
  int head = 0, query = 0, key = 0;
  bool masked = false;           // causal and key > query: the layer masks this logit
  std::vector<double> terms;     // (pairs)
  std::vector<double> inv_freq;  // (pairs) the frequency of pair k (RotaryPairs)
  std::vector<int> dim_a, dim_b;  // (pairs) its two dimensions in the head
  double rest = 0;               // dims in no pair
  double logit = 0;
  std::string note;              // RotaryPairs::note: what inv_freq means, if not plain
};

struct SchemeProbe {
  std::string scheme;
  double sentence_distance = 0;        // 0 below the float resolution
  double sentence_distance_raw = 0;    // as computed
  std::vector<double> token_distance;   // (n), NaN where unmatched
  double shift_logit_change = 0;       // 0 below the float resolution
  double shift_logit_change_raw = 0;   // as computed
  xt::xtensor<float, 3> attention;          // (heads, n, n)
  xt::xtensor<float, 3> attention_compare;  // (heads, m, m)
  // Details, only when asked (ProbeOptions::norms, pair_terms):
  bool has_norms = false;
  NormProbe norms;
  bool has_pair_terms = false;
  PairTermsProbe pair_terms;
  std::string pair_terms_reason;  // asked, but the scheme rotates no pairs: why
};

struct ProbeResult {
  std::vector<std::string> tokens;          // (n)
  std::vector<std::string> tokens_compare;  // (m)
  std::vector<int> token_match;             // (n) the index in compare of each token's same
                                            // occurrence (match_occurrences), -1 when none
  std::vector<SchemeProbe> schemes;
};

// Settings from JSON {key: string, number or boolean} as KEY=VALUE text (numbers with 17
// significant digits); kind and path name the option in errors ("probe", "settings.rope").
Settings settings_of(const std::string& kind, const std::string& path, const JsonValue& v);

// 1 - cos(a, b) of two (d) vectors, in double; 0 when both are zero, 1 when only one is.
double cosine_distance(const float* a, const float* b, int d);
// The mean of the n rows of x (n, d), accumulated in double: (d).
std::vector<float> mean_rows(const std::vector<float>& x, int n, int d);
// For each token of a, the index in b of the same text's same occurrence (k-th to k-th), or -1.
std::vector<int> match_occurrences(const std::vector<std::string>& a, const std::vector<std::string>& b);

// 1 - cos below which two float32 outputs of an n-token layer are the same to rounding.
double distance_resolution(int n);
// |logit change| below which it is rounding, for logits up to max_abs_logit.
double logit_resolution(int n, int dh, double max_abs_logit);

// Throws pe::Error for bad input (empty sentence, dim % heads != 0, too many tokens, settings
// for a scheme that is not chosen, a run past limits::max_probe_work, ...), and when a
// scheme's logits, weights or outputs are not finite (naming the scheme, its settings and
// the shift), never a NaN or Infinity reported as a number.
ProbeResult run_probe(const ProbeOptions& options);

// Work of one probe over n and m tokens with the given schemes, in multiply-adds (the
// model and the budget: limits::max_probe_work). Throws pe::Error for a shape a scheme
// refuses.
double probe_work(const std::vector<std::unique_ptr<Scheme>>& schemes, int n, int m, int d, int heads);

// ---- options of the module's entry points, as JSON text ---------------------------
// The WASM module receives JSON (engine.js stringifies), so no JS value is converted
// inside C++ frames. Strict: an unknown key, a wrong type, a fraction where a whole
// number belongs or a number out of range is a pe::Error naming the key.
//   probe: {sentence, compare: string; schemes: [string]; dim, heads, shift: whole;
//           seed: whole in [0, 2^53]; causal, weights: boolean;
//           settings: {scheme: {key: string, number or boolean}};
//           norms: boolean; pair_terms: boolean or {head, query, key: whole} (details above;
//           an object turns them on, absent members keep their defaults)}
ProbeOptions probe_options_from_json(const std::string& text);
//   table: {scheme: string; len, dim: whole; heads: whole (default 1); settings: {key: ...}}
struct TableRequest {
  std::string scheme;
  int len = 0, dim = 0, heads = 1;
  Settings settings;
};
TableRequest table_request_from_json(const std::string& text);

}  // namespace pe
