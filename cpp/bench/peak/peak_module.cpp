// pe_peak_simd.mjs: the WASM SIMD multiply-add ceiling for `npm run bench` (kernel in
// ../peak_madd.hpp). Plain C exports, called many times from JS so that V8 tiers them up:
//   _peak_madd8(iterations, seed), _peak_madd12(iterations, seed) -> float
#include <emscripten/emscripten.h>

#include "../peak_madd.hpp"

extern "C" {
EMSCRIPTEN_KEEPALIVE float peak_madd8(int iterations, float seed) { return pe::bench::peak_madd<8>(iterations, seed); }
EMSCRIPTEN_KEEPALIVE float peak_madd12(int iterations, float seed) {
  return pe::bench::peak_madd<12>(iterations, seed);
}
}
