#!/usr/bin/env node
// Makes web/src/lab/precomputed.json: the lab's results for the page's default settings
// (web/src/state.js LAB_DEFAULTS through web/src/lab/config.js), run natively by
// `pe-cli lab --json` (the same C++ as the page's WebAssembly) over several seeds, so a
// reader on a phone or in a hurry sees the point without training. The output is
// compact (numbers rounded to 4 significant digits, curves as block means), ready to
// commit, and byte-identical from run to run (training is deterministic; the speed,
// which is not, is printed, not stored). Run by hand after changing the training core or the lab's defaults; npm test
// and npm start never run it.
//
//   node scripts/make-lab-results.mjs [--seeds 1,2,3] [--cli build/native/pe-cli] [--out FILE]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultLabConfig, cliArgs } from '../web/src/lab/config.js';
import { blockMeans, blockSize } from '../web/src/lab/results.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const cli = path.resolve(root, arg('cli', 'build/native/pe-cli'));
const out = path.resolve(root, arg('out', 'web/src/lab/precomputed.json'));
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const POINTS = 50;   // curve points per scheme

const config = { ...defaultLabConfig(), seeds };
const args = cliArgs(config);
if (!fs.existsSync(cli)) {
  console.error(`${path.relative(root, cli)} is missing: build it first (bash scripts/build.sh --no-web)`);
  process.exit(1);
}
console.error(`running: ${path.relative(root, cli)} ${args.join(' ')}`);
const t0 = Date.now();
const lab = JSON.parse(execFileSync(cli, args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] }));
const seconds = (Date.now() - t0) / 1000;

const round = (x) => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toPrecision(4)));
const table = {};
for (const [scheme, row] of Object.entries(lab.schemes)) {
  table[scheme] = {};
  for (const [len, c] of Object.entries(row))
    table[scheme][len] = c.applicable
      ? { loss_mean: round(c.loss_mean), loss_min: round(c.loss_min), loss_max: round(c.loss_max), accuracy_mean: round(c.accuracy_mean), applicable: true }
      : { loss_mean: null, loss_min: null, loss_max: null, accuracy_mean: null, applicable: false };
}
const every = blockSize(config.steps, POINTS);
const curves = { every, schemes: {} };
for (const scheme of config.schemes) {
  const runs = lab.runs.filter((r) => r.scheme === scheme);
  const mean = runs[0].losses.map((_, k) => runs.reduce((s, r) => s + r.losses[k], 0) / runs.length);
  curves.schemes[scheme] = blockMeans(mean, every).map(round);
}
const tps = lab.runs.reduce((s, r) => s + r.tokens_per_second, 0) / lab.runs.length;
const file = {
  made_by: `node scripts/make-lab-results.mjs (pe-cli ${args.join(' ')})`,
  config: { task: config.task, schemes: config.schemes, seeds, len: config.len, steps: config.steps, batch: config.batch, dim: config.dim, heads: config.heads, layers: config.layers, evalLens: config.evalLens, evalSequences: config.evalSequences },
  lens: lab.lens,
  table,
  curves,
};
fs.writeFileSync(out, JSON.stringify(file) + '\n');
console.error(`wrote ${path.relative(root, out)} (${fs.statSync(out).size} bytes) in ${seconds.toFixed(0)} s; native ${Math.round(tps)} tokens/s per run`);
