// The table and the JSON of `npm run bench` (run.mjs fills `result`).
//
// JSON (last stdout line with --json), keyed by n, values measured in Node, for the
// first scheme (rope; the others under their own name):
//   {"64": {wasm_simd_gflops, wasm_scalar_gflops, native_gflops, wasm_peak_gflops,
//           tfjs_wasm_gflops, first_call_ms: {wasm_simd, wasm_scalar},
//           alibi: {wasm_simd_gflops, wasm_scalar_gflops, native_gflops}},
//    ..., "chromium": {"64": {...same keys, native from the same machine}},
//    "memory": {"2048": {...}, "16384": {...}}, "targets": {...}, "meta": {...},
//    "train": {"64": {wasm_simd_tokens_per_s, wasm_scalar_tokens_per_s, native_tokens_per_s,
//                     tfjs_wasm_tokens_per_s, tfjs_wasm_explicit_transposes_tokens_per_s,
//                     ms_per_step: {...}}, "256": {...},
//              "chromium": {"64": {wasm_simd_tokens_per_s, wasm_scalar_tokens_per_s,
//                                  tfjs_wasm_tokens_per_s, ..._explicit_..., ms_per_step}, ...},
//              "memory": {"512": {native_max_rss_bytes, wasm_memory_bytes, ...}},
//              "targets": {"node/64": {simd_over_tfjs, simd_over_native}, ...}, "meta": {...}}}

const TARGETS = [
  { key: 'simd_over_tfjs', label: 'SIMD / tfjs-wasm', min: 10, other: (e, s, n) => e.tfjs?.[n]?.gflops },
  { key: 'simd_over_scalar', label: 'SIMD / scalar WASM', min: 3, other: (e, s, n) => e.scalar?.[s]?.[n]?.gflops },
  { key: 'simd_over_native', label: 'SIMD / native', min: 0.85, other: (e, s, n, r) => r.native[s]?.[n]?.gflops },
  { key: 'simd_over_peak', label: 'SIMD / WASM peak', min: 0.5, other: (e) => e.peak?.gflops },
];
const TARGET_N = 512;

// Training ratios, at every training length (tokens/s; native measured once, in its own process).
// tfjs_explicit: tfjs with every transpose its own op (train_tfjs.mjs), not a target of its own.
const TRAIN_TARGETS = [
  { key: 'simd_over_tfjs', label: 'SIMD / tfjs-wasm', min: 10, other: (e, L) => e.tfjs?.[L]?.tokens_per_s },
  { key: 'simd_over_native', label: 'SIMD / native', min: 0.85, other: (e, L, t) => t.native[L]?.tokens_per_s },
  { key: 'simd_over_tfjs_explicit', label: 'SIMD / tfjs explicit T', min: 10, other: (e, L) => e.tfjs_explicit?.[L]?.tokens_per_s },
];

function trainRatio(e, L, target, train) {
  const simd = e.simd?.[L]?.tokens_per_s;
  const other = target.other(e, L, train);
  return simd && other ? simd / other : null;
}

const f2 = (x) => (x === undefined || x === null || !Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(2));
const pad = (s, w) => String(s).padStart(w);
const mib = (b) => (b / 1048576).toFixed(1);

function ratio(env, scheme, n, t, result) {
  const simd = env.simd?.[scheme]?.[n]?.gflops;
  const other = t.other(env, scheme, n, result);
  return simd && other ? simd / other : null;
}

export function printReport(r) {
  const ns = r.meta.ns;
  const envs = [['node', r.node], ['chromium', r.chromium]].filter(([, e]) => e.simd);
  const out = [];
  const row = (label, values) => out.push(`  ${label.padEnd(30)}${values.map((v) => pad(f2(v), 10)).join('')}`);

  out.push('');
  out.push('pe-playground bench: attention core softmax(q k^T / sqrt(dh) + bias) v from prepared q, k, v');
  out.push(`  ${r.meta.heads} heads, head width ${r.meta.head_dim}, streaming mode (online softmax, 64 x 64 blocks)`);
  out.push(`  FLOPs per call = 4 * heads * n^2 * dh (q k^T and p v; softmax, exp and bias not counted)`);
  out.push('  GFLOP/s = FLOPs / median CPU time per call after warm-up calls from JS (Node: process CPU time,');
  out.push('  Chromium: renderer main-thread CPU time; native: thread CPU time, same policy)');
  out.push(`  machine: ${r.meta.cpu}, ${r.meta.cores} cores; Node ${r.meta.node}; Chromium ${r.meta.chromium ?? '(skipped)'}`);
  out.push(`  load average (1 min) ${r.meta.load_start.toFixed(1)} at start, ${r.meta.load_end.toFixed(1)} at end; ` +
    `bench took ${r.meta.seconds.toFixed(0)} s`);
  const tfi = r.node.tfjs_info;
  if (tfi) out.push(`  tfjs-wasm (Node): backend ${tfi.backend}, ${tfi.threads} thread(s), SIMD ${tfi.simd ? 'on' : 'OFF'}; same q, k, v shapes, no bias`);
  for (const note of r.notes) out.push(`  note: ${note}`);
  out.push('');
  out.push(`  ${'GFLOP/s'.padEnd(30)}${ns.map((n) => pad(`n=${n}`, 10)).join('')}`);
  for (const scheme of r.schemes) {
    out.push(`  ${scheme}`);
    for (const [name, e] of envs) row(`  wasm simd    ${name}`, ns.map((n) => e.simd[scheme][n]?.gflops));
    for (const [name, e] of envs) row(`  wasm scalar  ${name}`, ns.map((n) => e.scalar[scheme][n]?.gflops));
    row('  native (g++ -O3, SSE2)', ns.map((n) => r.native[scheme]?.[n]?.gflops));
  }
  out.push('  same for every scheme');
  for (const [name, e] of envs) row(`  tfjs-wasm    ${name}`, ns.map((n) => e.tfjs[n]?.gflops));
  for (const [name, e] of envs) row(`  wasm peak    ${name} (${e.peak.chains} ch)`, ns.map(() => e.peak.gflops));
  row(`  native peak (${r.native.peak.chains} ch)`, ns.map(() => r.native.peak.gflops));
  out.push('');
  out.push(`  first call of a fresh module (cold), ms, ${r.schemes[0]}`);
  for (const build of ['simd', 'scalar'])
    for (const [name, e] of envs) row(`  wasm ${build.padEnd(7)} ${name}`, ns.map((n) => e[build][r.schemes[0]][n]?.first_ms));
  for (const [name, e] of envs) row(`  tfjs-wasm    ${name}`, ns.map((n) => e.tfjs[n]?.first_ms));
  out.push(`  steady state, ms per call, ${r.schemes[0]}`);
  for (const build of ['simd', 'scalar'])
    for (const [name, e] of envs) row(`  wasm ${build.padEnd(7)} ${name}`, ns.map((n) => e[build][r.schemes[0]][n]?.ms));

  out.push('');
  out.push(`  targets at n=${TARGET_N}${' '.repeat(12)}${envs.flatMap(([name]) => r.schemes.map((s) => pad(`${name.slice(0, 6)}/${s}`, 14))).join('')}`);
  for (const t of TARGETS) {
    const vals = envs.flatMap(([, e]) => r.schemes.map((s) => ratio(e, s, TARGET_N, t, r)));
    const cells = vals.map((v) => pad(v === null ? '-' : `${v.toFixed(2)} ${v >= t.min ? 'met' : 'MISS'}`, 14));
    out.push(`  ${`${t.label} >= ${t.min}`.padEnd(28)}${cells.join('')}`);
  }

  if (Object.keys(r.memory).length) {
    out.push('');
    out.push(`  peak memory, streaming mode, whole layer (${r.schemes[0]}), MiB`);
    out.push(`  ${'n'.padEnd(10)}${pad('native max RSS', 16)}${pad('layer arrays', 14)}${pad('WASM memory', 14)}`);
    for (const [n, m] of Object.entries(r.memory))
      out.push(`  ${n.padEnd(10)}${pad(mib(m.native_max_rss_bytes), 16)}${pad(mib(m.cache_bytes), 14)}${pad(mib(m.wasm_memory_bytes), 14)}`);
  }
  if (r.train) printTrain(r.train, out, row);
  out.push('');
  process.stdout.write(`${out.join('\n')}\n`);
}

function printTrain(t, out, row) {
  const lens = t.meta.lens;
  const envs = [['node', t.node], ['chromium', t.chromium]].filter(([, e]) => e.simd);
  const tok = (x) => (x === undefined || x === null || !Number.isFinite(x) ? '-' : x.toFixed(0));
  const trow = (label, values) => out.push(`  ${label.padEnd(30)}${values.map((v) => pad(tok(v), 10)).join('')}`);
  out.push('');
  out.push(`training: full steps (forward, backward, AdamW), ${t.meta.layers} layers, dim ${t.meta.dim}, ` +
    `${t.meta.heads} heads, ${t.meta.scheme}, task ${t.meta.task} (vocab ${t.meta.vocab}, ${t.meta.parameters} parameters)`);
  out.push(`  batch ${t.meta.batch} sequences of L tokens; tokens/s = batch * L / median CPU time per step after warm-up steps`);
  out.push('  ours: pe::Trainer::step, one sequence at a time; tfjs-wasm: the same model (train_tfjs.mjs), whole batch');
  out.push('  at once, autograd + Adam with decoupled decay, random ids; tfjs explicit T: the same, every matMul');
  out.push('  transpose a tf.transpose of its own (tfjs-wasm multiplies slowly with transpose flags)');
  out.push('');
  out.push(`  ${'tokens/s'.padEnd(30)}${lens.map((L) => pad(`L=${L}`, 10)).join('')}`);
  for (const [name, e] of envs) trow(`wasm simd    ${name}`, lens.map((L) => e.simd[L]?.tokens_per_s));
  for (const [name, e] of envs) trow(`wasm scalar  ${name}`, lens.map((L) => e.scalar[L]?.tokens_per_s));
  trow('native (g++ -O3, SSE2)', lens.map((L) => t.native[L]?.tokens_per_s));
  for (const [name, e] of envs) trow(`tfjs-wasm    ${name}`, lens.map((L) => e.tfjs[L]?.tokens_per_s));
  for (const [name, e] of envs) trow(`tfjs explicit T ${name}`, lens.map((L) => e.tfjs_explicit?.[L]?.tokens_per_s));
  out.push('  ms per step');
  for (const [name, e] of envs) row(`  wasm simd    ${name}`, lens.map((L) => e.simd[L]?.ms_per_step));
  for (const [name, e] of envs) row(`  wasm scalar  ${name}`, lens.map((L) => e.scalar[L]?.ms_per_step));
  row('  native', lens.map((L) => t.native[L]?.median_ms));
  for (const [name, e] of envs) row(`  tfjs-wasm    ${name}`, lens.map((L) => e.tfjs[L]?.ms_per_step));
  for (const [name, e] of envs) row(`  tfjs explicit T ${name}`, lens.map((L) => e.tfjs_explicit?.[L]?.ms_per_step));
  out.push('');
  out.push(`  training targets${' '.repeat(12)}${envs.flatMap(([name]) => lens.map((L) => pad(`${name.slice(0, 6)}/L=${L}`, 14))).join('')}`);
  for (const target of TRAIN_TARGETS) {
    const cells = envs.flatMap(([, e]) => lens.map((L) => {
      const v = trainRatio(e, L, target, t);
      return pad(v === null ? '-' : `${v.toFixed(2)} ${v >= target.min ? 'met' : 'MISS'}`, 14);
    }));
    out.push(`  ${`${target.label} >= ${target.min}`.padEnd(28)}${cells.join('')}`);
  }
  for (const [L, m] of Object.entries(t.memory))
    out.push(`  peak memory of training at L=${L}, batch ${m.batch} (${m.steps} steps): native max RSS ${mib(m.native_max_rss_bytes)} MiB, ` +
      `WASM memory ${mib(m.wasm_memory_bytes)} MiB (parameters, grads and Adam moments ${mib(m.parameter_bytes)} MiB)`);
  if (t.meta.seconds) out.push(`  training section took ${t.meta.seconds.toFixed(0)} s`);
}

function trainJson(t) {
  const env = (e, withNative) => {
    const out = {};
    for (const L of t.meta.lens) {
      out[L] = {
        wasm_simd_tokens_per_s: e.simd?.[L]?.tokens_per_s ?? null,
        wasm_scalar_tokens_per_s: e.scalar?.[L]?.tokens_per_s ?? null,
        ...(withNative ? { native_tokens_per_s: t.native[L]?.tokens_per_s ?? null } : {}),
        tfjs_wasm_tokens_per_s: e.tfjs?.[L]?.tokens_per_s ?? null,
        tfjs_wasm_explicit_transposes_tokens_per_s: e.tfjs_explicit?.[L]?.tokens_per_s ?? null,
        ms_per_step: {
          wasm_simd: e.simd?.[L]?.ms_per_step ?? null,
          wasm_scalar: e.scalar?.[L]?.ms_per_step ?? null,
          ...(withNative ? { native: t.native[L]?.median_ms ?? null } : {}),
          tfjs_wasm: e.tfjs?.[L]?.ms_per_step ?? null,
          tfjs_wasm_explicit_transposes: e.tfjs_explicit?.[L]?.ms_per_step ?? null,
        },
      };
    }
    return out;
  };
  const json = env(t.node, true);
  if (t.chromium.simd) json.chromium = env(t.chromium, false);
  json.memory = t.memory;
  json.targets = {};
  for (const [name, e] of [['node', t.node], ['chromium', t.chromium]])
    if (e.simd)
      for (const L of t.meta.lens)
        for (const target of TRAIN_TARGETS) (json.targets[`${name}/${L}`] ??= {})[target.key] = trainRatio(e, L, target, t);
  json.meta = t.meta;
  return json;
}

function entry(e, r, n, scheme) {
  return {
    wasm_simd_gflops: e.simd?.[scheme]?.[n]?.gflops ?? null,
    wasm_scalar_gflops: e.scalar?.[scheme]?.[n]?.gflops ?? null,
    native_gflops: r.native[scheme]?.[n]?.gflops ?? null,
  };
}

function envJson(e, r) {
  const out = {};
  for (const n of r.meta.ns) {
    const [first, ...others] = r.schemes;
    out[n] = {
      ...entry(e, r, n, first),
      wasm_peak_gflops: e.peak?.gflops ?? null,
      tfjs_wasm_gflops: e.tfjs?.[n]?.gflops ?? null,
      scheme: first,
      first_call_ms: { wasm_simd: e.simd?.[first]?.[n]?.first_ms ?? null, wasm_scalar: e.scalar?.[first]?.[n]?.first_ms ?? null },
      wall_gflops: { wasm_simd: e.simd?.[first]?.[n]?.wall_gflops ?? null, wasm_scalar: e.scalar?.[first]?.[n]?.wall_gflops ?? null },
    };
    for (const s of others) out[n][s] = entry(e, r, n, s);
  }
  return out;
}

export function toJson(r) {
  const json = envJson(r.node, r);
  if (r.chromium.simd) json.chromium = envJson(r.chromium, r);
  json.memory = r.memory;
  json.targets = {};
  for (const [name, e] of [['node', r.node], ['chromium', r.chromium]])
    if (e.simd)
      for (const s of r.schemes)
        for (const t of TARGETS) (json.targets[`${name}/${s}`] ??= {})[t.key] = ratio(e, s, TARGET_N, t, r);
  if (r.train) json.train = trainJson(r.train);
  json.meta = { ...r.meta, schemes: r.schemes, notes: r.notes, native_peak_gflops: r.native.peak.gflops, tfjs_node: r.node.tfjs_info ?? null };
  return json;
}
