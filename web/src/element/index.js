// dist/pe-playground.js: the <pe-playground> element and the engine it runs on, one ES
// module with both WASM builds inlined (web/src/generated/ is built -sSINGLE_FILE).
// Importing it defines the element; the same module's loadEngine() returns the very
// engine the elements use (one per page), so an article can compute beside its figures.
import { definePlayground } from './pe-playground.js';

export { PePlayground, definePlayground } from './pe-playground.js';
export { loadEngine, Engine, TrainedModel, simdSupported } from '../engine.js';

definePlayground();
