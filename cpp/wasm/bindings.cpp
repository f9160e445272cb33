// Embind layer: converts between JS values and the C++ API, nothing more.
// Options cross as JSON text (web/src/engine.js stringifies them), parsed and checked by
// the core (probe_options_from_json, table_request_from_json), so a wrong type is a
// message naming the field and no JS exception ever unwinds through C++ frames: nothing
// here reads a JS value. Every entry point returns a plain object; on bad input it
// returns {error: "..."} with the pe::Error message, and engine.js rethrows that as a JS
// Error. Arrays cross as typed arrays copied once out of WASM memory (slice of a view).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <sstream>

#include "pe/describe.hpp"
#include "pe/error.hpp"
#include "pe/probe.hpp"
#include "pe/registry.hpp"
#include "wasm_common.hpp"

using emscripten::val;

namespace {

using pe::wasm::guarded;
using pe::wasm::shape_array;
using pe::wasm::typed_copy;

// JSON text of every scheme with its parameters (see describe.hpp).
std::string schemes_json() {
  std::ostringstream o;
  pe::JsonWriter w(o);
  pe::write_schemes_json(w);
  return o.str();
}

// JSON text of the core's input limits (describe.hpp).
std::string limits_json() {
  std::ostringstream o;
  pe::JsonWriter w(o);
  pe::write_limits_json(w);
  return o.str();
}

// json: {scheme, len, dim, heads, settings: {key: value}}
// -> {entries: [{name, shape, integer, data: Float64Array}]} or {error}
val table(std::string json) {
  return guarded([&] {
    const pe::TableRequest req = pe::table_request_from_json(json);
    auto scheme = pe::make_scheme(req.scheme, req.settings);
    const pe::Table t = scheme->table(req.len, req.dim, req.heads);
    val entries = val::array();
    for (const auto& e : t.entries) {
      val o = val::object();
      o.set("name", e.name);
      o.set("shape", shape_array(std::vector<std::size_t>(e.value.shape().begin(), e.value.shape().end())));
      o.set("integer", e.integer);
      o.set("data", typed_copy(e.value.data(), e.value.size()));
      entries.call<void>("push", o);
    }
    val out = val::object();
    out.set("entries", entries);
    return out;
  });
}

// json: {sentence, compare, schemes: [names], dim, heads, seed, causal, shift, weights,
//        settings: {scheme: {key: value}}} -> probe_result (wasm_common.hpp) or {error}
val probe(std::string json) {
  return guarded([&] {
    const pe::ProbeOptions o = pe::probe_options_from_json(json);
    return pe::wasm::probe_result(pe::run_probe(o), o.weights);
  });
}

bool simd_build() {
#ifdef PE_SCALAR_ONLY
  return false;
#else
  return true;
#endif
}

}  // namespace

EMSCRIPTEN_BINDINGS(pe_playground) {
  emscripten::function("schemesJson", &schemes_json);
  emscripten::function("limitsJson", &limits_json);
  emscripten::function("table", &table);
  emscripten::function("probe", &probe);
  emscripten::function("simdBuild", &simd_build);
}
