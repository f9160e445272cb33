// The one state module. It owns the URL hash: every control of the page lives there,
// so reloading or sharing the URL restores the exact view. Views never touch
// location; they read store.get() and call store.set(patch).
//
// Hash format (URLSearchParams; only values that differ from the defaults are written):
//   #a=the+dog+chased+the+cat&b=...&scheme=rope&vs=alibi&dim=64&heads=4&seed=1
//    &causal=1&shift=16&head=0&query=4&key=0&len=128&train=64&view=heatmaps&embed=1&hide=controls
//    &p.rope.theta=500000&p.rope.scaling=yarn
//    &trained=1&layer=1                       (random or trained weights for the probe views)
//    &lab.task=stories&lab.schemes=none,rope&lab.len=64&lab.steps=150&lab.batch=8
//    &lab.dim=64&lab.heads=4&lab.layers=2&lab.seeds=1,2,3&lab.text=...   (the training lab)
// Unknown keys and invalid values fall back to their defaults; the reasons are kept
// in store.notices for the page to show. `?embed` in the query string also turns on
// embed mode. Scheme settings (p.SCHEME.KEY) are checked against the parameter
// descriptions from engine.schemes() (kind, range, choices).

export const DEFAULT_A = 'the dog chased the cat';
export const DEFAULT_B = 'the cat chased the dog';
export const VIEWS = ['order', 'heatmaps', 'adds', 'distance', 'length', 'norms', 'pairs', 'explain', 'lab'];
export const HIDE_FLAGS = ['controls', 'sentences', 'title', 'exports'];
export const DIMS = [8, 16, 32, 64, 128, 256, 384, 512];
export const HEADS = [1, 2, 3, 4, 6, 8, 12, 16];

// The training lab (views/lab.js). Defaults: the six schemes of the source articles on
// the stories task, trained at 64 tokens and evaluated up to 512, sized to finish in
// about a minute on one core: 6 models x 200 steps x 8 x 64 tokens = 614k training
// tokens, measured at 12k-23k tokens/s (WASM SIMD worker in Chromium on a 2-core
// machine shared with builds): 31-55 s including evaluation. pe-cli lab with these
// settings and 3 seeds (lab/precomputed.json): ALiBi's loss rises 4% from 64 to 512
// tokens, RoPE's 27%, T5's 24%, none's 23%; learned has no position past 64. Measured
// alternatives (native, one seed): 150 steps gives the same ordering with less-trained
// models (ALiBi +8%); training at 32 tokens (batch 16, 150 steps) separates ALiBi (+26%
// by 256) from RoPE (+43%) less clearly.
export const LAB_TASKS = ['stories', 'copy', 'reverse', 'sort', 'recall', 'text'];
export const LAB_SCHEMES = ['none', 'sinusoidal', 'learned', 'rope', 'alibi', 't5'];
export const LAB_LENS = [32, 64, 128, 256];   // stories needs at least 17 tokens
export const LAB_BATCHES = [1, 2, 4, 8, 16, 32, 64];
export const LAB_DIMS = [16, 32, 64, 128];
export const LAB_HEADS = [1, 2, 4, 8];
export const LAB_MAX_STEPS = 5000;
export const LAB_MAX_SEEDS = 5;
export const MAX_SENTENCE_CHARS = 100000;  // a sentence in the hash (and the textareas' maxlength)
export const LAB_MAX_TEXT = 100000;   // characters of pasted text (the core allows 1 MiB)
export const LAB_DEFAULTS = { task: 'stories', len: 64, steps: 200, batch: 8, dim: 64, heads: 4, layers: 2, seeds: [1] };

const text = (max) => (v) => {
  if (v.length > max) throw new Error(`longer than ${max} characters`);
  return v;
};
const int = (lo, hi) => (v) => {
  if (!/^-?\d+$/.test(v)) throw new Error(`not an integer`);
  const n = Number(v);
  if (n < lo || n > hi) throw new Error(`out of range [${lo}, ${hi}]`);
  return n;
};
const oneOf = (list) => (v) => {
  const n = typeof list[0] === 'number' ? Number(v) : v;
  if (!list.includes(n)) throw new Error(`not one of ${list.join(', ')}`);
  return n;
};
const bool = (v) => {
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new Error('not 0 or 1');
};
const list = (allowed) => (v) => {
  const items = v.split(',').filter(Boolean);
  for (const i of items) if (!allowed.includes(i)) throw new Error(`'${i}' is not one of ${allowed.join(', ')}`);
  return items;
};
// 1..max distinct items, each valid; the order is kept.
const distinct = (max, item) => (v) => {
  const items = v.split(',').map((x) => x.trim());
  if (!items.length || items.some((x) => x === '')) throw new Error('not a comma-separated list');
  const out = items.map(item);
  if (new Set(out).size !== out.length) throw new Error('has a repeated item');
  if (out.length > max) throw new Error(`has more than ${max} items`);
  return out;
};

// Checks one scheme setting against its description; returns the canonical text.
export function checkSetting(spec, value) {
  const v = String(value).trim();
  const range = () => `[${spec.min}, ${spec.max}]`;
  const inRange = (x) =>
    Number.isFinite(x) && (spec.min_exclusive ? x > spec.min : x >= spec.min) && x <= spec.max;
  switch (spec.kind) {
    case 'boolean':
      if (['1', 'true', 'on', 'yes'].includes(v)) return 'true';
      if (['0', 'false', 'off', 'no'].includes(v)) return 'false';
      throw new Error('not true or false');
    case 'choice':
      if (!spec.choices.includes(v)) throw new Error(`not one of ${spec.choices.join(', ')}`);
      return v;
    case 'integer':
      if (!/^-?\d+$/.test(v) || !inRange(Number(v))) throw new Error(`not an integer in ${range()}`);
      return String(Number(v));
    case 'list': {
      if (v === '') return '';
      const items = v.split(',').map((x) => x.trim());
      if (!items.length || items.some((x) => x === '' || !inRange(Number(x))))
        throw new Error(`not a comma-separated list of numbers in ${range()}`);
      return items.map(Number).join(',');
    }
    default:
      if (v === '' || !inRange(Number(v)))
        throw new Error(`not a number in ${spec.min_exclusive ? '(' : '['}${spec.min}, ${spec.max}]`);
      return String(Number(v));
  }
}

// source: {read() -> 'a=...&scheme=rope', write(text)} replaces the URL hash (the
// <pe-playground> element keeps its state in its attributes); the page passes none.
export function createStore(schemes, { location: loc = window.location, history: hist = window.history, source = null } = {}) {
  const names = schemes.map((s) => s.name);
  const preferred = ['sinusoidal', 'rope', 'alibi'].find((n) => names.includes(n)) || names[0];
  const fields = {
    a: { def: DEFAULT_A, parse: text(MAX_SENTENCE_CHARS) },
    b: { def: DEFAULT_B, parse: text(MAX_SENTENCE_CHARS) },
    scheme: { def: preferred, parse: oneOf(names) },
    vs: { def: '', parse: (v) => (v === '' ? '' : oneOf(names)(v)) },
    dim: { def: 64, parse: oneOf(DIMS) },
    heads: { def: 4, parse: oneOf(HEADS) },
    seed: { def: 1, parse: int(0, 4294967295) },
    causal: { def: false, parse: bool },
    shift: { def: 16, parse: int(0, 4096) },
    head: { def: -1, parse: int(-1, 15) },
    // The logit the "pairs" view splits: query and key token indices (-1: the last token
    // and the first; an index past the sentence reads as that default).
    query: { def: -1, parse: int(-1, 65535) },
    key: { def: -1, parse: int(-1, 65535) },
    len: { def: 128, parse: int(1, 1024) },
    train: { def: 64, parse: int(1, 1024) },
    view: { def: 'heatmaps', parse: oneOf(VIEWS) },
    embed: { def: false, parse: bool },
    hide: { def: [], parse: list(HIDE_FLAGS) },
    trained: { def: false, parse: bool },
    layer: { def: 0, parse: int(0, 15) },
    'lab.task': { def: LAB_DEFAULTS.task, parse: oneOf(LAB_TASKS) },
    'lab.text': { def: '', parse: text(LAB_MAX_TEXT) },
    'lab.schemes': { def: LAB_SCHEMES.filter((n) => names.includes(n)), parse: distinct(names.length, oneOf(names)) },
    'lab.len': { def: LAB_DEFAULTS.len, parse: oneOf(LAB_LENS) },
    'lab.steps': { def: LAB_DEFAULTS.steps, parse: int(1, LAB_MAX_STEPS) },
    'lab.batch': { def: LAB_DEFAULTS.batch, parse: oneOf(LAB_BATCHES) },
    'lab.dim': { def: LAB_DEFAULTS.dim, parse: oneOf(LAB_DIMS) },
    'lab.heads': { def: LAB_DEFAULTS.heads, parse: oneOf(LAB_HEADS) },
    'lab.layers': { def: LAB_DEFAULTS.layers, parse: int(1, 4) },
    'lab.seeds': { def: LAB_DEFAULTS.seeds, parse: distinct(LAB_MAX_SEEDS, int(0, 4294967295)) },
  };
  const specs = new Map(schemes.map((s) => [s.name, new Map(s.params.map((p) => [p.key, p]))]));

  const defaults = () => {
    const o = { settings: {} };
    for (const [k, f] of Object.entries(fields)) o[k] = Array.isArray(f.def) ? [...f.def] : f.def;
    return o;
  };

  let state = defaults();
  let notices = [];
  const listeners = new Set();

  function parse(hash, search) {
    const next = defaults();
    const problems = [];
    const params = new URLSearchParams(hash.replace(/^#/, ''));
    const seen = new Set();
    for (const [key, raw] of params) {
      if (seen.has(key)) {
        problems.push(`"${key.length > 40 ? key.slice(0, 40) + '…' : key}" is given twice; the first value is kept`);
        continue;
      }
      seen.add(key);
      if (key.startsWith('p.')) {
        const [, scheme, ...rest] = key.split('.');
        const pkey = rest.join('.');
        const spec = specs.get(scheme)?.get(pkey);
        if (!spec) {
          problems.push(`unknown setting "${key}" ignored`);
          continue;
        }
        try {
          const v = checkSetting(spec, raw);
          if (v !== checkSetting(spec, spec.default)) (next.settings[scheme] ||= {})[pkey] = v;
        } catch (e) {
          problems.push(`${scheme} ${pkey}="${raw}" is ${e.message}; using ${spec.default}`);
        }
        continue;
      }
      const f = Object.hasOwn(fields, key) ? fields[key] : undefined;  // never __proto__, toString, ...
      if (!f) {
        problems.push(`unknown key "${key}" ignored`);
        continue;
      }
      try {
        next[key] = f.parse(raw);
      } catch (e) {
        problems.push(`${key}="${raw.length > 40 ? raw.slice(0, 40) + '…' : raw}" is ${e.message}; using the default`);
      }
    }
    if (next.dim % next.heads !== 0) {
      problems.push(`width ${next.dim} is not divisible by ${next.heads} heads; using the defaults`);
      next.dim = fields.dim.def;
      next.heads = fields.heads.def;
    }
    if (next['lab.dim'] % next['lab.heads'] !== 0) {
      problems.push(`lab width ${next['lab.dim']} is not divisible by ${next['lab.heads']} heads; using the lab's defaults`);
      next['lab.dim'] = fields['lab.dim'].def;
      next['lab.heads'] = fields['lab.heads'].def;
    }
    if (next.head >= next.heads) next.head = -1;
    if (/(^|[?&])embed(=|&|$)/.test(search || '')) next.embed = true;
    return { next, problems };
  }

  function serialize(st) {
    const p = new URLSearchParams();
    for (const [k, f] of Object.entries(fields)) {
      const v = st[k];
      if (Array.isArray(v)) {
        if (v.join(',') !== f.def.join(',')) p.set(k, v.join(','));
      } else if (v !== f.def) {
        p.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
      }
    }
    for (const scheme of Object.keys(st.settings).sort())
      for (const [k, v] of Object.entries(st.settings[scheme])) p.set(`p.${scheme}.${k}`, v);
    return p.toString();
  }

  function emit(reason) {
    for (const fn of listeners) fn(state, reason);
  }

  function writeHash() {
    const h = serialize(state);
    if (source) return source.write(h);
    const url = loc.pathname + loc.search + (h ? '#' + h : '');
    if (url !== loc.pathname + loc.search + loc.hash) hist.replaceState(null, '', url);
  }

  function load() {
    const { next, problems } = source ? parse(source.read(), '') : parse(loc.hash, loc.search);
    state = next;
    notices = problems;
  }

  load();

  return {
    fields,
    get: () => state,
    get notices() {
      return notices;
    },
    dismissNotices() {
      notices = [];
      emit('notices');
    },
    // patch: {key: value} of top-level fields (validated like the hash would be).
    set(patch) {
      const next = { ...state, settings: state.settings };
      for (const [k, v] of Object.entries(patch)) {
        if (!(k in fields)) throw new Error(`unknown state key ${k}`);
        next[k] = v;
      }
      if (next.dim % next.heads !== 0 || next['lab.dim'] % next['lab.heads'] !== 0) return false;
      if (next.head >= next.heads) next.head = -1;
      state = next;
      writeHash();
      emit('set');
      return true;
    },
    // Sets (or clears, value === undefined / default) one scheme setting. Throws on bad values.
    setSetting(scheme, key, value) {
      const spec = specs.get(scheme)?.get(key);
      if (!spec) throw new Error(`unknown setting ${scheme}.${key}`);
      const settings = { ...state.settings, [scheme]: { ...(state.settings[scheme] || {}) } };
      const v = value === undefined ? undefined : checkSetting(spec, value);
      if (v === undefined || v === checkSetting(spec, spec.default)) delete settings[scheme][key];
      else settings[scheme][key] = v;
      if (!Object.keys(settings[scheme]).length) delete settings[scheme];
      state = { ...state, settings };
      writeHash();
      emit('set');
    },
    // Sets fields and replaces whole schemes' settings in one write (a preset, a guide
    // step): settings {scheme: {key: value}} leaves each named scheme with exactly those
    // (every other setting of it back to its default). Throws on bad values; returns
    // set()'s answer (false, and nothing changed, for a shape that does not divide).
    apply({ patch = {}, settings = {} } = {}) {
      const next = { ...state.settings };
      for (const [scheme, kv] of Object.entries(settings)) {
        const out = {};
        for (const [k, v] of Object.entries(kv)) {
          const spec = specs.get(scheme)?.get(k);
          if (!spec) throw new Error(`unknown setting ${scheme}.${k}`);
          const c = checkSetting(spec, v);
          if (c !== checkSetting(spec, spec.default)) out[k] = c;
        }
        if (Object.keys(out).length) next[scheme] = out;
        else delete next[scheme];
      }
      const before = state;
      state = { ...state, settings: next };
      if (this.set(patch)) return true;
      state = before;
      return false;
    },
    // Is st on what apply() would set: every field of the patch, and each named scheme's
    // every parameter at the given value or its default?
    matches(st, { patch = {}, settings = {} } = {}) {
      if (Object.entries(patch).some(([k, v]) => st[k] !== v)) return false;
      return Object.entries(settings).every(([scheme, kv]) => [...(specs.get(scheme)?.values() || [])].every((spec) =>
        (st.settings[scheme]?.[spec.key] ?? spec.default) === checkSetting(spec, kv[spec.key] ?? spec.default)));
    },
    // The value a scheme runs with: the set one or the described default.
    setting(scheme, key) {
      return state.settings[scheme]?.[key] ?? specs.get(scheme)?.get(key)?.default;
    },
    reset() {
      state = defaults();
      notices = [];
      writeHash();
      emit('set');
    },
    // Re-reads the hash (user edited it, or navigated). Returns the notices.
    reload() {
      load();
      emit('hash');
      return notices;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    serialize,
    hashOf: (patch = {}) => serialize({ ...state, ...patch }),
  };
}
