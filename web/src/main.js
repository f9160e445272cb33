import { loadEngine } from './engine.js';

const out = document.getElementById('out');
loadEngine().then((engine) => {
  out.textContent = engine.schemes().map((s) => s.name).join(', ') + (engine.simd ? ' (simd)' : ' (scalar)');
});
