// What every Embind file of the module shares: the guard that turns errors into
// {error} objects, typed-array copies in and out of WASM memory, and the probe result
// as a plain object. Type conversion only.
#pragma once
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include "pe/error.hpp"
#include "pe/probe.hpp"

namespace pe::wasm {

using emscripten::val;

template <class T>
val typed_copy(const T* data, std::size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}

inline val shape_array(const std::vector<std::size_t>& shape) {
  val a = val::array();
  for (std::size_t s : shape) a.call<void>("push", static_cast<double>(s));
  return a;
}

inline val error_object(const std::string& message) {
  val o = val::object();
  o.set("error", message);
  return o;
}

template <class F>
val guarded(F&& f) {
  try {
    return f();
  } catch (const pe::Error& e) {
    return error_object(e.what());
  } catch (const std::bad_alloc&) {
    return error_object("out of memory");
  } catch (const std::exception& e) {
    return error_object(std::string("internal error: ") + e.what());
  }
}

// The bytes of a Uint8Array, copied into WASM memory.
inline std::string bytes_of(const val& array) {
  const std::size_t n = array["length"].as<std::size_t>();
  std::string out(n, '\0');
  val(emscripten::typed_memory_view(n, reinterpret_cast<std::uint8_t*>(&out[0]))).call<void>("set", array);
  return out;
}

// The details of one scheme (probe.hpp), only those asked for:
//   norms: {acts_on, input_ratio, input_cos: Float64Array (n) | query_ratio, query_cos,
//           key_ratio, key_cos: Float64Array (heads * n), shape: [heads, n]}
//   pair_terms: {head, query, key, masked, terms, inv_freq: Float64Array (pairs),
//                dim_a, dim_b: Int32Array (pairs), rest, logit, note}, or pair_terms_reason
inline void set_probe_details(val& so, const pe::SchemeProbe& s) {
  const auto f64 = [](const std::vector<double>& v) { return typed_copy(v.data(), v.size()); };
  if (s.has_norms) {
    const pe::NormProbe& n = s.norms;
    val no = val::object();
    no.set("acts_on", n.acts_on);
    if (!n.input_ratio.empty()) {
      no.set("input_ratio", f64(n.input_ratio));
      no.set("input_cos", f64(n.input_cos));
    }
    if (!n.query_ratio.empty()) {
      no.set("query_ratio", f64(n.query_ratio));
      no.set("query_cos", f64(n.query_cos));
      no.set("key_ratio", f64(n.key_ratio));
      no.set("key_cos", f64(n.key_cos));
      no.set("shape", shape_array({static_cast<std::size_t>(n.heads), static_cast<std::size_t>(n.n)}));
    }
    so.set("norms", no);
  }
  if (s.has_pair_terms) {
    const pe::PairTermsProbe& p = s.pair_terms;
    val po = val::object();
    po.set("head", p.head);
    po.set("query", p.query);
    po.set("key", p.key);
    po.set("masked", p.masked);
    po.set("terms", f64(p.terms));
    po.set("inv_freq", f64(p.inv_freq));
    po.set("dim_a", typed_copy(p.dim_a.data(), p.dim_a.size()));
    po.set("dim_b", typed_copy(p.dim_b.data(), p.dim_b.size()));
    po.set("rest", p.rest);
    po.set("logit", p.logit);
    po.set("note", p.note);
    so.set("pair_terms", po);
  } else if (!s.pair_terms_reason.empty()) {
    so.set("pair_terms_reason", s.pair_terms_reason);
  }
}

// {tokens, tokens_compare, schemes: {name: {sentence_distance(_raw), token_distance,
//  shift_logit_change(_raw), attention, attention_shape, attention_compare(_shape),
//  and the details asked for (set_probe_details)}}}
inline val probe_result(const pe::ProbeResult& r, bool weights) {
  val out = val::object();
  val tokens = val::array(), tokens_compare = val::array();
  for (const auto& t : r.tokens) tokens.call<void>("push", t);
  for (const auto& t : r.tokens_compare) tokens_compare.call<void>("push", t);
  out.set("tokens", tokens);
  out.set("tokens_compare", tokens_compare);
  out.set("token_match", typed_copy(r.token_match.data(), r.token_match.size()));
  val schemes = val::object();
  for (const auto& s : r.schemes) {
    val so = val::object();
    so.set("sentence_distance", s.sentence_distance);
    so.set("sentence_distance_raw", s.sentence_distance_raw);
    so.set("token_distance", typed_copy(s.token_distance.data(), s.token_distance.size()));
    so.set("shift_logit_change", s.shift_logit_change);
    so.set("shift_logit_change_raw", s.shift_logit_change_raw);
    if (weights) {
      so.set("attention", typed_copy(s.attention.data(), s.attention.size()));
      so.set("attention_shape",
             shape_array(std::vector<std::size_t>(s.attention.shape().begin(), s.attention.shape().end())));
      so.set("attention_compare", typed_copy(s.attention_compare.data(), s.attention_compare.size()));
      so.set("attention_compare_shape", shape_array(std::vector<std::size_t>(s.attention_compare.shape().begin(),
                                                                             s.attention_compare.shape().end())));
    }
    set_probe_details(so, s);
    schemes.set(s.scheme, so);
  }
  out.set("schemes", schemes);
  return out;
}

}  // namespace pe::wasm
