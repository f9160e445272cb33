// libFuzzer target: the probe's options as the WASM module receives them (JSON text,
// probe_options_from_json) and, when they parse and are small, run_probe itself. Bad
// options must be a pe::Error; a result must never carry a NaN or Infinity (except
// token_distance's documented NaN for an unmatched token).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "pe/error.hpp"
#include "pe/probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    pe::ProbeOptions o = pe::probe_options_from_json(text);
    // Keep one run short: small sentences and widths only.
    if (o.sentence.size() > 200 || o.compare.size() > 200 || o.dim > 64) return 0;
    const pe::ProbeResult r = pe::run_probe(o);
    for (const auto& s : r.schemes) {
      if (!std::isfinite(s.sentence_distance) || !std::isfinite(s.sentence_distance_raw) ||
          !std::isfinite(s.shift_logit_change) || !std::isfinite(s.shift_logit_change_raw))
        __builtin_trap();
      for (float w : s.attention)
        if (!std::isfinite(w)) __builtin_trap();
    }
  } catch (const pe::Error&) {
  }
  return 0;
}
