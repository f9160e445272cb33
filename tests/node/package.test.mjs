// The npm package (package.json "exports" and "files"): `npm pack` carries the element,
// the API and its types, and a Node import of the packed API runs the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

test('npm pack contains the element, the API and the types named by "exports"', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
  const files = new Set(packed.files.map((f) => f.path));
  for (const f of ['package.json', 'dist/pe-playground.js', 'dist/article.html', 'dist/api/index.js', 'dist/api/engine.js',
    'dist/api/generated/pe_module_simd.mjs', 'dist/api/generated/pe_module_scalar.mjs', 'types/pe-playground.d.ts', 'types/element.d.ts'])
    assert.ok(files.has(f), `${f} is in the package`);
  // Every path of the exports map is packed; nothing of the page's build or the C++.
  for (const entry of Object.values(pkg.exports))
    for (const p of typeof entry === 'string' ? [entry] : Object.values(entry)) assert.ok(files.has(p.replace(/^\.\//, '')), `export ${p} is packed`);
  assert.ok(![...files].some((f) => f.startsWith('cpp/') || f.startsWith('web/') || f.startsWith('dist/assets/')), 'only the package');
});

test('a packed, installed package imports in Node and runs the engine', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-pack-'));
  try {
    const out = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' }));
    const app = path.join(tmp, 'app');
    fs.mkdirSync(path.join(app, 'node_modules/pe-playground'), { recursive: true });
    // Unpack as npm install would (no registry: tar straight into node_modules).
    execFileSync('tar', ['-xzf', path.join(tmp, out[0].filename), '-C', path.join(app, 'node_modules/pe-playground'), '--strip-components=1']);
    fs.writeFileSync(path.join(app, 'package.json'), '{"type":"module"}');
    const script = `import { loadEngine, Engine } from 'pe-playground';
const engine = await loadEngine();
const names = engine.schemes().map((s) => s.name);
const r = engine.probe({ sentence: 'the dog chased the cat', compare: 'the cat chased the dog', schemes: ['none', 'rope'], dim: 16, heads: 2 });
console.log(JSON.stringify({ engine: engine instanceof Engine, names, none: r.schemes.none.sentence_distance, rope: r.schemes.rope.sentence_distance }));`;
    fs.writeFileSync(path.join(app, 'main.mjs'), script);
    const res = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8' }));
    assert.equal(res.engine, true);
    for (const n of ['none', 'sinusoidal', 'rope', 'alibi']) assert.ok(res.names.includes(n), `scheme ${n}`);
    assert.equal(res.none, 0, 'none reads exactly 0 without a mask');
    assert.ok(res.rope > 0, 'rope tells the sentences apart');
    // The types name what engine.js exports.
    const dts = fs.readFileSync(path.join(app, 'node_modules/pe-playground/types/pe-playground.d.ts'), 'utf8');
    for (const name of ['loadEngine', 'Engine', 'TrainedModel', 'simdSupported']) assert.match(dts, new RegExp(`export (declare )?(function|class) ${name}\\b`));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the API entry in the tree imports in Node (what dist/api/index.js is built from)', async () => {
  const { loadEngine } = await import(pathToFileURL(path.join(root, 'web/src/element/api.js')).href);
  const engine = await loadEngine();
  assert.ok(engine.schemes().length > 10);
  assert.equal(engine, await loadEngine(), 'one engine per process');
});
