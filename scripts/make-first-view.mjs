#!/usr/bin/env node
// Makes web/src/generated/first-view.json: the page's first view (the default state:
// every scheme's scores, the picked scheme's attention, the seed spread) computed at
// build time by the module just built, through the page's own compute.js, so the first
// numbers are on screen before the engine has started (main.js firstPaint). The page
// shows them only when the reader's state has the same probe key, and a browser test
// checks that they equal the live engine's. Run by scripts/build.sh before bundling.
//   node scripts/make-first-view.mjs [--out FILE]
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const k = process.argv.indexOf('--out');
const out = path.resolve(root, k > 0 ? process.argv[k + 1] : 'web/src/generated/first-view.json');
// Emscripten's ES6 glue wants `require` and `__dirname` in Node.
globalThis.require = createRequire(import.meta.url);
globalThis.__dirname = path.join(root, 'web/src/generated');

const { loadEngine } = await import('../web/src/engine.js');
const { createStore } = await import('../web/src/state.js');
const { computeNow } = await import('../web/src/compute.js');
const { probeKey } = await import('../web/src/computer.js');

const engine = await loadEngine({ simd: true });
const schemes = engine.schemes();
let text = '';
const store = createStore(schemes, { source: { read: () => text, write: (t) => (text = t) }, location: { hash: '' }, history: { replaceState() {} } });
const st = store.get();
const result = computeNow(engine, st);
if (!result.ok) throw new Error(`the default view does not compute: ${result.message}`);
// Typed arrays as plain arrays (the page revives them); timings are the build machine's.
const json = JSON.stringify({ key: probeKey(st, 0), schemes, result: { ...result, ms: null, precomputed: true } },
  (_, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, json);
console.error(`first view: ${path.relative(root, out)} (${(json.length / 1024).toFixed(1)} KB)`);
