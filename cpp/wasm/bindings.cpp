// Embind layer: converts between JS values and the C++ API, nothing more.
// Every entry point returns a plain object; on bad input it returns {error: "..."}
// with the pe::Error message, and web/src/engine.js rethrows that as a JS Error.
// Arrays cross as typed arrays copied once out of WASM memory (slice of a view).
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

pe::Settings settings_from(const val& obj) {
  pe::Settings s;
  if (obj.isUndefined() || obj.isNull()) return s;
  val keys = val::global("Object").call<val>("keys", obj);
  const int n = keys["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    std::string k = keys[i].as<std::string>();
    s[k] = val::global("String")(obj[k]).as<std::string>();
  }
  return s;
}

// JSON text of every scheme with its parameters (see describe.hpp).
std::string schemes_json() {
  std::ostringstream o;
  pe::JsonWriter w(o);
  pe::write_schemes_json(w);
  return o.str();
}

// {entries: [{name, shape, integer, data: Float64Array}]} or {error}
val table(std::string name, int n, int d, int heads, val settings) {
  return guarded([&] {
    auto scheme = pe::make_scheme(name, settings_from(settings));
    const pe::Table t = scheme->table(n, d, heads);
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

// opts: {sentence, compare, schemes: [names], dim, heads, seed, causal, shift, weights,
//        settings: {scheme: {key: value}}}
val probe(val opts) {
  return guarded([&] {
    pe::ProbeOptions o;
    auto has = [&](const char* k) { return !opts[k].isUndefined() && !opts[k].isNull(); };
    o.sentence = has("sentence") ? opts["sentence"].as<std::string>() : "";
    if (has("compare")) o.compare = opts["compare"].as<std::string>();
    if (has("dim")) o.dim = opts["dim"].as<int>();
    if (has("heads")) o.heads = opts["heads"].as<int>();
    if (has("seed")) o.seed = static_cast<std::uint64_t>(opts["seed"].as<double>());
    if (has("causal")) o.causal = opts["causal"].as<bool>();
    if (has("shift")) o.shift = opts["shift"].as<int>();
    if (has("weights")) o.weights = opts["weights"].as<bool>();
    if (has("schemes")) {
      val list = opts["schemes"];
      const int n = list["length"].as<int>();
      for (int i = 0; i < n; ++i) o.schemes.push_back(list[i].as<std::string>());
    }
    if (has("settings")) {
      val keys = val::global("Object").call<val>("keys", opts["settings"]);
      const int n = keys["length"].as<int>();
      for (int i = 0; i < n; ++i) {
        std::string name = keys[i].as<std::string>();
        o.settings[name] = settings_from(opts["settings"][name]);
      }
    }
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
  emscripten::function("table", &table);
  emscripten::function("probe", &probe);
  emscripten::function("simdBuild", &simd_build);
}
