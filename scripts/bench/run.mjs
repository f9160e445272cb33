// `npm run bench` (after scripts/bench.sh has built everything): one sitting that times
// the attention core (pe/bench_workload.hpp) through the SIMD and scalar WASM modules in
// Node and in headless Chromium, the native build, the WASM SIMD multiply-add peak loop
// and tfjs-backend-wasm; then streaming-mode memory at n = 2048 and 16384. Then training:
// tokens/s of full pe::Trainer steps (forward, backward, AdamW) of the default model at
// L = 64 and 256, batch 16, in the same places, against the same model trained by tfjs
// (train_tfjs.mjs), and the memory of training at L = 512. Progress goes to stderr;
// stdout gets the tables and, with --json, one JSON object on its last line.
//
//   node scripts/bench/run.mjs [--json] [--ns 64,512,2048] [--no-chromium] [--no-memory]
//                              [--no-train] [--train-lens 64,256]
//   PE_BENCH_BUILD=build/h-bench-  use build/h-bench-{native,wasm-simd,wasm-scalar}
//                                  (and build/h-bench-tfjs for tfjs's gradient bundle)
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { launchChromium, startStaticServer } from '../lib/local.mjs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { TRAIN_POLICY, measure, nodeSampler } from './measure.mjs';
import { attentionTarget, peakTarget, tfjsTarget, tfjsTrainTarget, trainTarget } from './targets.mjs';
import { printReport, toJson } from './report.mjs';
import { bundleTfjsGradients, loadTfjsNode, loadTfjsTrainingNode, tfjsNodeInfo } from './tfjs_node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const opt = (name) => argv.includes(name);
const optValue = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);

const HEADS = 8;
const HEAD_DIM = 64;
const NS = optValue('--ns', '64,512,2048').split(',').map(Number);
const MEMORY_NS = [2048, 16384];
const WANTED_SCHEMES = ['rope', 'alibi'];
// Training: the default model (model.hpp: 2 layers, dim 64, 4 heads) on the stories task
// (vocab 129); steps only sets the length of the learning-rate schedule.
const TRAIN = { scheme: 'rope', task: 'stories', batch: 16, steps: 1000, seed: 1 };
const TRAIN_LENS = optValue('--train-lens', '64,256').split(',').map(Number);
const TRAIN_MEMORY_LEN = 512;
const TRAIN_MEMORY_STEPS = 2;
const prefix = process.env.PE_BENCH_BUILD || 'build/';
const dirs = {
  native: path.join(root, `${prefix}native`),
  simd: path.join(root, `${prefix}wasm-simd`),
  scalar: path.join(root, `${prefix}wasm-scalar`),
};
const files = {
  native: path.join(dirs.native, 'pe_bench_native'),
  simd: path.join(dirs.simd, 'pe_bench_simd.mjs'),
  scalar: path.join(dirs.scalar, 'pe_bench_scalar.mjs'),
  peak: path.join(dirs.simd, 'pe_peak_simd.mjs'),
};
const tfjsGradients = path.join(root, `${prefix}tfjs`, 'tfjs-gradients.mjs');  // written by tfjs_node.mjs
for (const f of Object.values(files))
  if (!fs.existsSync(f)) throw new Error(`${path.relative(root, f)} is missing: run scripts/build.sh --bench`);

const progress = (msg) => process.stderr.write(`bench: ${msg}\n`);
const require = createRequire(import.meta.url);
// Emscripten's ES6 glue wants require and __dirname in Node (tests/node/engine-loader.mjs).
globalThis.require = require;
globalThis.__dirname = dirs.simd;
process.setMaxListeners(200);  // every module instance adds process listeners

const started = Date.now();
const result = {
  meta: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    load_start: os.loadavg()[0],
    heads: HEADS,
    head_dim: HEAD_DIM,
    ns: NS,
    flops: '4 * heads * n^2 * head_dim (q k^T and p v)',
  },
  schemes: [],
  notes: [],
  node: {},
  chromium: {},
  native: {},
  memory: {},
  train: null,  // {meta, node: {simd, scalar, tfjs}, chromium: {...}, native, memory}
};

// ---------------------------------------------------------------- environments

// Node: modules are imported once; each load() is a fresh instance (cold code).
async function nodeEnv() {
  const factories = {};
  for (const k of ['simd', 'scalar', 'peak']) factories[k] = (await import(pathToFileURL(files[k]).href)).default;
  return {
    name: 'node',
    load: (kind) => factories[kind](),
    async create(kind, instance, setup) {
      if (kind === 'attention') return attentionTarget(instance, setup);
      if (kind === 'peak') return peakTarget(instance, setup.chains);
      if (kind === 'train') return trainTarget(instance, setup);
      if (kind === 'tfjs-train') return tfjsTrainTarget(await loadTfjsTrainingNode(tfjsGradients), setup);
      return tfjsTarget(await loadTfjsNode(), setup);
    },
    sampler: (t) => nodeSampler(t),
    checksum: (t) => t.checksum(),
    free: (t) => t.free(),
    tfjsInfo: tfjsNodeInfo,
  };
}

// Chromium: a page on a local server; CPU time is the renderer main thread's ThreadTime.
const SERVED = ['/scripts/bench/', '/node_modules/@tensorflow/', `/${prefix}`];  // prefix covers the tfjs bundle

async function chromiumEnv() {
  const server = await startStaticServer({ dir: root, allow: SERVED });
  const origin = server.url;
  const browser = await launchChromium();
  const page = await browser.newPage();
  page.on('pageerror', (e) => progress(`chromium page error: ${e.message}`));
  await page.goto(`${origin}/scripts/bench/page.html`);
  await page.waitForFunction(() => window.benchReady === true);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const threadMs = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value * 1000;
  const url = (f) => `/${path.relative(root, f)}`;
  return {
    name: 'chromium',
    version: browser.version(),
    load: (kind) => page.evaluate((u) => window.bench.load(u), url(files[kind])),
    create: (kind, instance, setup) =>
      page.evaluate(([k, i, s]) => window.bench.create(k, i, s), [kind, instance, setup]),
    sampler: (t) => async (k) => {
      const c0 = await threadMs();
      const wall = await page.evaluate(([id, n]) => window.bench.runCalls(id, n), [t.id, k]);
      const c1 = await threadMs();
      return { wall, cpu: c1 - c0 };
    },
    checksum: (t) => page.evaluate((id) => window.bench.checksum(id), t.id),
    free: (t) => page.evaluate((id) => window.bench.free(id), t.id),
    tfjsInfo: () => page.evaluate(() => window.bench.tfjsInfo()),
    loadTfjsGradients: () => page.evaluate((u) => window.bench.loadTfjsGradients(u), url(tfjsGradients)),
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

// ---------------------------------------------------------------- measurements

async function measureEnv(env, out) {
  for (const build of ['simd', 'scalar']) {
    out[build] = {};
    for (const scheme of result.schemes) out[build][scheme] = {};
    for (const n of NS) {
      const instance = await env.load(build);  // fresh: its first call is the cold one
      for (const [i, scheme] of result.schemes.entries()) {
        const t = await env.create('attention', instance, { scheme, n, heads: HEADS, headDim: HEAD_DIM, streaming: true, seed: 1 });
        const r = await measure(env.sampler(t), t.flops);
        if (i > 0) {  // not cold: this module instance has run before
          delete r.first_ms;
          delete r.first_gflops;
        }
        r.checksum = await env.checksum(t);
        await env.free(t);
        out[build][scheme][n] = r;
        progress(`${env.name} ${build} ${scheme} n=${n}: ${r.gflops.toFixed(2)} GFLOP/s (${r.calls} calls)`);
      }
    }
  }

  const peak = await env.load('peak');
  out.peak = null;
  for (const chains of [8, 12]) {
    const t = await env.create('peak', peak, { chains });
    const r = await measure(env.sampler(t), t.flops);
    r.chains = chains;
    if (!out.peak || r.gflops > out.peak.gflops) out.peak = r;
  }
  progress(`${env.name} peak: ${out.peak.gflops.toFixed(2)} GFLOP/s (${out.peak.chains} chains)`);

  out.tfjs_info = await env.tfjsInfo();
  out.tfjs = {};
  for (const n of NS) {
    const t = await env.create('tfjs', null, { n, heads: HEADS, headDim: HEAD_DIM });
    out.tfjs[n] = await measure(env.sampler(t), t.flops);
    await env.free(t);
    progress(`${env.name} tfjs-wasm n=${n}: ${out.tfjs[n].gflops.toFixed(2)} GFLOP/s`);
  }
}

// Tokens/s of training steps: our trainer in both WASM builds, then tfjs (random ids
// from the task's vocabulary). model: {layers, dim, heads, vocab} of our trainer.
async function measureTrain(env, out, model) {
  for (const build of ['simd', 'scalar']) {
    out[build] = {};
    const instance = await env.load(build);
    for (const len of TRAIN_LENS) {
      const t = await env.create('train', instance, { ...TRAIN, len });
      out[build][len] = trainResult(await measure(env.sampler(t), t.tokens, TRAIN_POLICY), t.tokens, await env.checksum(t));
      await env.free(t);
      progress(`${env.name} train ${build} L=${len}: ${out[build][len].tokens_per_s.toFixed(0)} tokens/s (${out[build][len].steps} steps)`);
    }
  }
  // tfjs as its autograd writes the products (transpose flags), then with explicit transposes
  await env.loadTfjsGradients?.();
  for (const [key, transposes] of [['tfjs', 'flags'], ['tfjs_explicit', 'explicit']]) {
    out[key] = {};
    for (const len of TRAIN_LENS) {
      const t = await env.create('tfjs-train', null, { ...model, len, batch: TRAIN.batch, seed: TRAIN.seed, transposes });
      out[key][len] = trainResult(await measure(env.sampler(t), t.tokens, TRAIN_POLICY), t.tokens, await env.checksum(t));
      await env.free(t);
      progress(`${env.name} train tfjs-wasm (${transposes}) L=${len}: ${out[key][len].tokens_per_s.toFixed(0)} tokens/s (${out[key][len].steps} steps)`);
    }
  }
}

// measure()'s result for a target of `tokens` per call.
function trainResult(r, tokens, loss) {
  return {
    tokens_per_s: (tokens * 1000) / r.ms,
    wall_tokens_per_s: (tokens * 1000) / r.wall_ms,
    ms_per_step: r.ms,
    wall_ms_per_step: r.wall_ms,
    steps: r.calls,
    first_ms: r.first_ms,
    clock: r.clock,
    loss,
  };
}

const trainModel = ({ layers, dim, heads, vocab }) => ({ layers, dim, heads, vocab });

async function runTrain(node) {
  const started = Date.now();
  const train = (result.train = { meta: { ...TRAIN, lens: TRAIN_LENS, policy: TRAIN_POLICY }, node: {}, chromium: {}, native: {}, memory: {} });
  const probe = trainTarget(await node.load('simd'), { ...TRAIN, len: 64, batch: 1 });
  const { layers, dim, heads } = probe.config;
  Object.assign(train.meta, { layers, dim, heads, vocab: probe.vocab, parameters: probe.parameters });
  probe.free();

  progress('train: native');
  const nat = runNative('train', '--scheme', TRAIN.scheme, '--task', TRAIN.task, '--lens', TRAIN_LENS.join(','), '--batch', String(TRAIN.batch));
  for (const r of nat.train) train.native[r.len] = r;
  progress('train: node');
  await bundleTfjsGradients(tfjsGradients);
  await measureTrain(node, train.node, trainModel(train.meta));
  train.meta.seconds_node = (Date.now() - started) / 1000;
  return train;
}

async function runTrainMemory(node) {
  const train = result.train;
  progress(`train memory L=${TRAIN_MEMORY_LEN}: native`);
  const m = runNative('train-memory', String(TRAIN_MEMORY_LEN), '--scheme', TRAIN.scheme, '--task', TRAIN.task,
    '--batch', String(TRAIN.batch), '--steps', String(TRAIN_MEMORY_STEPS)).train_memory;
  progress(`train memory L=${TRAIN_MEMORY_LEN}: wasm simd in Node (fresh module)`);
  const t = trainTarget(await node.load('simd'), { ...TRAIN, len: TRAIN_MEMORY_LEN });
  for (let i = 0; i < TRAIN_MEMORY_STEPS; ++i) t.call();
  train.memory[TRAIN_MEMORY_LEN] = {
    batch: TRAIN.batch,
    steps: TRAIN_MEMORY_STEPS,
    native_max_rss_bytes: m.max_rss_bytes,
    parameter_bytes: m.parameter_bytes,
    wasm_memory_bytes: t.memoryBytes(),
  };
  t.free();
}

function runNative(...args) {
  return JSON.parse(execFileSync(files.native, args, { encoding: 'utf8', maxBuffer: 1 << 24 }));
}

async function main() {
  // Schemes: rope and alibi, else whichever of them is registered, else `none`.
  const node = await nodeEnv();
  const probe = await node.load('simd');
  result.schemes = WANTED_SCHEMES.filter((s) => probe.benchSchemeRegistered(s));
  for (const s of WANTED_SCHEMES)
    if (!result.schemes.includes(s)) result.notes.push(`scheme '${s}' is not registered yet: left out`);
  if (result.schemes.length === 0) result.schemes = ['none'];

  progress(`native (${path.relative(root, files.native)})`);
  const nat = runNative('time', '--schemes', result.schemes.join(','), '--ns', NS.join(','));
  for (const r of nat.results) (result.native[r.scheme] ??= {})[r.n] = r;
  result.native.peak = runNative('peak').peak;

  progress('node');
  await measureEnv(node, result.node);
  const train = opt('--no-train') ? null : await runTrain(node);

  if (!opt('--no-chromium')) {
    progress('chromium');
    const chromium = await chromiumEnv();
    result.meta.chromium = chromium.version;
    try {
      await measureEnv(chromium, result.chromium);
      if (train) {
        const started = Date.now();
        progress('train: chromium');
        await measureTrain(chromium, train.chromium, trainModel(train.meta));
        train.meta.seconds_chromium = (Date.now() - started) / 1000;
      }
    } finally {
      await chromium.close();
    }
  }
  if (train) {
    const started = Date.now();
    await runTrainMemory(node);
    train.meta.seconds_memory = (Date.now() - started) / 1000;
    train.meta.seconds = train.meta.seconds_node + (train.meta.seconds_chromium ?? 0) + train.meta.seconds_memory;
  }

  if (!opt('--no-memory')) {
    for (const n of MEMORY_NS) {
      progress(`memory n=${n} (streaming, whole layer): native`);
      const m = runNative('memory', String(n), '--scheme', result.schemes[0]).memory;
      progress(`memory n=${n}: wasm simd in Node`);
      const instance = await node.load('simd');
      const t = attentionTarget(instance, { scheme: result.schemes[0], n, heads: HEADS, headDim: HEAD_DIM, streaming: true, seed: 1 });
      t.call();
      t.output();
      result.memory[n] = {
        scheme: result.schemes[0],
        native_max_rss_bytes: m.max_rss_bytes,
        cache_bytes: m.cache_bytes,
        wasm_memory_bytes: t.memoryBytes(),
        wasm_cache_bytes: t.cacheBytes(),
        checksum_native: m.checksum,
        checksum_wasm: t.checksum(),
      };
      t.free();
    }
  }

  result.meta.load_end = os.loadavg()[0];
  result.meta.seconds = (Date.now() - started) / 1000;
  printReport(result);
  if (opt('--json')) process.stdout.write(`${JSON.stringify(toJson(result))}\n`);
}

await main();
