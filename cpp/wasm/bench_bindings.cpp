// Embind entry points of `npm run bench` (workload in pe/bench_workload.hpp): convert
// types and call, nothing more. Workloads live in a table of handles so that JS can time
// many separate run calls on one prepared workload (V8 optimises WASM on later calls).
//   benchCreate({scheme, n, heads, headDim, streaming, causal, seed})
//       -> {handle, flops, scheme} or {error}
//   benchRun(handle)            one call of the timed core
//   benchOutput(handle)         the output projection (whole layer, for memory figures)
//   benchChecksum(handle)       sum of head_out
//   benchCacheBytes(handle)     bytes held by the layer's cache
//   benchFree(handle)
//   benchSchemeRegistered(name)
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <map>
#include <memory>
#include <string>

#include "pe/bench_workload.hpp"
#include "pe/error.hpp"

using emscripten::val;

namespace {

std::map<int, std::unique_ptr<pe::AttentionBench>>& workloads() {
  static std::map<int, std::unique_ptr<pe::AttentionBench>> all;
  return all;
}

pe::AttentionBench& workload(int handle) {
  auto it = workloads().find(handle);
  if (it == workloads().end()) throw pe::Error("no bench workload " + std::to_string(handle));
  return *it->second;
}

val bench_create(val opts) {
  try {
    auto has = [&](const char* k) { return !opts[k].isUndefined() && !opts[k].isNull(); };
    pe::BenchSetup s;
    if (has("scheme")) s.scheme = opts["scheme"].as<std::string>();
    if (has("n")) s.n = opts["n"].as<int>();
    if (has("heads")) s.heads = opts["heads"].as<int>();
    if (has("headDim")) s.head_dim = opts["headDim"].as<int>();
    if (has("streaming")) s.streaming = opts["streaming"].as<bool>();
    if (has("causal")) s.causal = opts["causal"].as<bool>();
    if (has("seed")) s.seed = static_cast<std::uint64_t>(opts["seed"].as<double>());
    static int next_handle = 1;
    const int handle = next_handle++;
    workloads()[handle] = std::make_unique<pe::AttentionBench>(s);
    val out = val::object();
    out.set("handle", handle);
    out.set("flops", workloads()[handle]->flops());
    out.set("scheme", s.scheme);
    return out;
  } catch (const std::exception& e) {
    val out = val::object();
    out.set("error", std::string(e.what()));
    return out;
  }
}

void bench_run(int handle) { workload(handle).run(); }
void bench_output(int handle) { workload(handle).output(); }
double bench_checksum(int handle) { return workload(handle).checksum(); }
double bench_cache_bytes(int handle) { return static_cast<double>(workload(handle).cache_bytes()); }
void bench_free(int handle) { workloads().erase(handle); }

}  // namespace

EMSCRIPTEN_BINDINGS(pe_bench) {
  emscripten::function("benchCreate", &bench_create);
  emscripten::function("benchRun", &bench_run);
  emscripten::function("benchOutput", &bench_output);
  emscripten::function("benchChecksum", &bench_checksum);
  emscripten::function("benchCacheBytes", &bench_cache_bytes);
  emscripten::function("benchFree", &bench_free);
  emscripten::function("benchSchemeRegistered", &pe::bench_scheme_registered);
}
