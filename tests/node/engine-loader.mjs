// Loads the built WASM module (both builds) into Node through the page's own wrapper,
// web/src/engine.js. Emscripten's ES6 glue wants `require` and `__dirname` in Node.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
globalThis.require = createRequire(import.meta.url);
globalThis.__dirname = path.join(root, 'web/src/generated');

const { loadEngine } = await import(path.join(root, 'web/src/engine.js'));

export const engines = {
  simd: await loadEngine({ simd: true }),
  scalar: await loadEngine({ simd: false }),
};

// The bench modules (the page's module plus the bench entry points, built apart so the
// page's module carries no bench code): build/wasm-{simd,scalar}/pe_bench_*.mjs.
async function loadBench(variant) {
  const file = path.join(root, `build/wasm-${variant}/pe_bench_${variant}.mjs`);
  const { default: create } = await import(file);
  return create();
}
export const benchModules = { simd: await loadBench('simd'), scalar: await loadBench('scalar') };

// Runs the native CLI; returns {status, stdout, stderr}.
export function cli(...args) {
  try {
    const stdout = execFileSync(path.join(root, 'build/native/pe-cli'), args, {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

export function cliJson(...args) {
  const r = cli(...args, '--json');
  if (r.status !== 0) throw new Error(`pe-cli ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Flattens nested JSON arrays row-major.
export function flat(x) {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}
