// The package's JavaScript API (import { loadEngine } from 'pe-playground'): the page's
// own engine wrapper, engine.js, unchanged. scripts/build.sh copies engine.js and the
// -sSINGLE_FILE modules to dist/api/ and this file to dist/api/index.js (with the import
// below pointing at ./engine.js). Types: types/pe-playground.d.ts.
//
// In Node, Emscripten's ES module glue reads `require` and `__dirname` as globals; they
// are set here (only when missing) before the module loads. Browsers skip this.
import { loadEngine as loadEngineOnce } from '../engine.js';

export { Engine, TrainedModel, simdSupported } from '../engine.js';

async function nodeGlobals() {
  const node = typeof process === 'object' && typeof process.versions?.node === 'string';
  if (!node || typeof globalThis.require === 'function') return;
  const { createRequire } = await import(/* @vite-ignore */ 'node:module');
  globalThis.require = createRequire(import.meta.url);
  globalThis.__dirname ??= new URL('./generated/', import.meta.url).pathname;
}

/**
 * Loads the positional-encoding engine (the WASM module) once per page or Node process.
 * @param {{simd?: boolean}} [options] force the SIMD or the scalar build
 * @returns {Promise<import('../engine.js').Engine>}
 */
export async function loadEngine(options) {
  await nodeGlobals();
  return loadEngineOnce(options);
}
