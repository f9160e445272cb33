// Turns the state into probe calls and collects the results the views draw.
//   ranking: every scheme, streaming (no attention weights): sentence and token distances
//   detail:  the selected scheme(s) with attention weights for the heatmaps
// With the "trained" switch on and trained models on the shelf (lab/models.js), both
// come from the trained models instead (model.probe: the whole causal decoder, the
// attention of one layer), for the schemes that have one.
// One scheme that rejects the shape or its settings does not take the others down:
// after a failed joint call each scheme is probed alone and keeps its own error.
// Inputs are capped before they reach the core so the page never blocks: past
// PAGE_MAX_WORDS the core is only asked to tokenise (it refuses more than its limit with
// its own message) and nothing is computed.
export const PAGE_MAX_WORDS = 512;
// Caps the core applies before any work (probe options max_tokens, max_work): real tokens
// (a chunk like "w........" is 9), and multiply-adds per probe call (the weights' seeded
// draws count too: dim 512 with every scheme is about 8e9), so no link keeps the page
// busy for long.
export const PAGE_MAX_TOKENS = 512;
export const PAGE_MAX_WORK = 2e10;  // the core's units (limits.hpp): about 0.4 s natively
// Refusals that concern the whole call, not one scheme: no scheme-by-scheme retry.
const WHOLE_CALL = /past the budget|more than \d+ tokens|is empty|not valid UTF-8/;

// Empty to a reader: white space and invisible characters only (zero-width space and
// joiners, word joiner, BOM), which would otherwise become tokens no one can see.
const blank = (t) => t.replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, '') === '';

// A lower bound on the token count (every whitespace-separated chunk is >= 1 token).
export const roughWords = (t) => (t.match(/\S+/g) || []).length;

function settingsFor(st, names) {
  const out = {};
  for (const n of names) if (st.settings[n]) out[n] = { ...st.settings[n] };
  return out;
}

function probeEach(engine, base, names) {
  const res = { tokens: null, tokens_compare: null, schemes: {}, errors: {} };
  try {
    const r = engine.probe({ ...base, schemes: names });
    return { ...r, errors: {} };
  } catch (e) {
    if (names.length === 1 || WHOLE_CALL.test(e.message)) {
      for (const n of names) res.errors[n] = e.message;
      res.fatal = e.message;
      return res;
    }
  }
  for (const n of names) {
    try {
      const r = engine.probe({ ...base, schemes: [n] });
      res.tokens = r.tokens;
      res.tokens_compare = r.tokens_compare;
      res.token_match = r.token_match;
      res.schemes[n] = r.schemes[n];
    } catch (e) {
      res.errors[n] = e.message;
    }
  }
  if (!res.tokens) res.fatal = Object.values(res.errors)[0];
  return res;
}

// The probe through the trained models: one call per model gives the ranking numbers and
// the attention of the chosen layer. A word outside the vocabulary fails every model
// alike; that message is the result.
export function computeTrained(shelf, st) {
  const names = shelf.schemes();
  const res = { names, tokens: null, tokens_compare: null, schemes: {}, errors: {}, layers: {}, heads: {} };
  const t0 = performance.now();
  for (const n of names) {
    const { model, config } = shelf.get(n);
    const layer = Math.min(st.layer, config.layers - 1);
    try {
      const r = model.probe({ sentence: st.a, compare: st.b, layer, shift: st.shift });
      res.tokens = r.tokens;
      res.tokens_compare = r.tokens_compare;
      res.token_match = r.token_match;
      res.schemes[n] = r.schemes[n];
      res.layers[n] = { layer, of: config.layers };
      res.heads[n] = config.heads;
    } catch (e) {
      res.errors[n] = e.message;
    }
  }
  const t1 = performance.now();
  if (!res.tokens) return { ok: false, which: 'a', message: `Trained models: ${Object.values(res.errors)[0]}` };
  const picked = pickedOf(st);
  const detail = { tokens: res.tokens, tokens_compare: res.tokens_compare, token_match: res.token_match, schemes: {}, errors: {}, layers: res.layers, heads: res.heads };
  for (const n of picked) {
    if (res.schemes[n]) detail.schemes[n] = res.schemes[n];
    else detail.errors[n] = res.errors[n] || `no trained model for ${n}: add it to the lab's schemes and train, or load its model file (trained: ${names.join(', ')})`;
  }
  const first = shelf.get(names[0]);
  return { ok: true, trained: { names, task: first.task, config: first.config }, ranking: res, detail, ms: { ranking: t1 - t0, detail: 0 } };
}

// The probe in phases, each a function of the engine and a state snapshot (no store, so
// the same code runs in the compute worker, compute-worker.js, and on the main thread):
//   precheck  -> a refusal the page can give at once (empty, too long), or null
//   main      -> {ranking, detail, ms}: every scheme's scores, the picked schemes' weights
//   spread    -> one more seed's sentence distances (the seed spread, SPREAD_SEEDS)
// computeNow() runs them all in one go.
export function precheck(engine, st) {
  const all = engine.schemes().map((x) => x.name);
  if (blank(st.a)) return { ok: false, which: 'a', message: 'Sentence A is empty: type a few words.' };
  if (blank(st.b)) return { ok: false, which: 'b', message: 'Sentence B is empty: type a few words, or use "copy A" and a variation.' };
  for (const [which, text] of [['a', st.a], ['b', st.b]]) {
    const words = roughWords(text);
    if (words > PAGE_MAX_WORDS) {
      let core = '';
      if (words > engine.limits().max_tokens) {
        // Let the core say why (its tokenizer refuses before any computation).
        try {
          engine.probe({ sentence: text, compare: 'x', schemes: [all[0]], dim: 8, heads: 1, weights: true });
        } catch (e) {
          core = ` The engine says: "${e.message}".`;
        }
      }
      return {
        ok: false,
        which,
        message: `Sentence ${which.toUpperCase()} has ${words.toLocaleString('en')} words; the live page works with up to ${PAGE_MAX_WORDS} so every view stays interactive.${core} Shorten it to continue.`,
      };
    }
  }
  return null;
}

const probeBase = (st) => ({
  sentence: st.a, compare: st.b, dim: st.dim, heads: st.heads, seed: st.seed, causal: st.causal, shift: st.shift,
  max_tokens: PAGE_MAX_TOKENS, max_work: PAGE_MAX_WORK,
});
const pickedOf = (st) => [st.scheme, st.vs].filter((n, k, arr) => n && arr.indexOf(n) === k);

// Every scheme's scores, then the picked schemes' attention weights. Returns
// {ok: true, ranking, detail, ms} or {ok: false, which, message}.
export function computeMain(engine, st) {
  const all = engine.schemes().map((x) => x.name);
  const base = probeBase(st);
  const t0 = performance.now();
  const ranking = probeEach(engine, { ...base, weights: false, settings: settingsFor(st, all) }, all);
  const t1 = performance.now();
  if (ranking.fatal && !Object.keys(ranking.schemes).length) return { ok: false, which: 'a', message: ranking.fatal };
  const picked = pickedOf(st);
  const detail = probeEach(engine, { ...base, weights: true, norms: true, settings: settingsFor(st, picked) }, picked);
  const t2 = performance.now();
  return { ok: true, ranking, detail, ms: { ranking: t1 - t0, detail: t2 - t1 }, trainedMissing: st.trained };
}

// The logit the "pairs" view splits (head, query, key), clamped to a sentence of n tokens:
// -1 or an index past the sentence reads as the last token (query) and the first (key).
export function pairWant(st, n) {
  const pick = (v, def) => (Number.isInteger(v) && v >= 0 && v < n ? v : def);
  return { head: Math.min(Math.max(st.head, 0), st.heads - 1), query: pick(st.query, n - 1), key: pick(st.key, 0) };
}
export const pairsKey = (st) => JSON.stringify([st.head, st.query, st.key]);

// One logit of each picked scheme split into its rotated pairs (probe option pair_terms):
// {want, schemes: {name: {pair_terms} | {reason} | {error}}}, one light call per scheme.
export function computePairs(engine, st, n) {
  const want = pairWant(st, n);
  const out = { want, schemes: {} };
  for (const name of pickedOf(st)) {
    try {
      const r = engine.probe({ ...probeBase(st), schemes: [name], weights: false, settings: settingsFor(st, [name]), pair_terms: want }).schemes[name];
      out.schemes[name] = r.pair_terms ? { pair_terms: r.pair_terms } : { reason: r.pair_terms_reason };
    } catch (e) {
      out.schemes[name] = { error: e.message };
    }
  }
  return out;
}

// Random weights are one draw: the same probe over SPREAD_SEEDS (and the reader's seed,
// reusing its result) gives each scheme's min and max sentence distance and the top scheme
// per seed, so the page can show how much of the ranking is the draw.
export const SPREAD_SEEDS = [1, 2, 3, 4, 5];
export const spreadSeeds = (seed) => [...new Set([...SPREAD_SEEDS, seed])].sort((x, y) => x - y);

// One seed's sentence distances: {name: number}; unusable schemes are left out.
export function spreadDistances(engine, st, seed) {
  const all = engine.schemes().map((x) => x.name);
  const r = probeEach(engine, { ...probeBase(st), seed, weights: false, settings: settingsFor(st, all) }, all);
  return distancesOf(r);
}
function distancesOf(r) {
  const out = {};
  for (const [n, v] of Object.entries(r.schemes)) if (Number.isFinite(v?.sentence_distance)) out[n] = v.sentence_distance;
  return out;
}

// The spread from each seed's distances ({seed: {name: number}}, the reader's seed from
// the ranking): {seeds, schemes: {name: {min, max}}, top: [{seed, scheme}]}.
export function assembleSpread(bySeed, ranking, seed) {
  const seeds = spreadSeeds(seed);
  const schemes = {}, top = [];
  for (const s of seeds) {
    const dist = s === seed ? distancesOf(ranking) : bySeed[s] || {};
    let best = null;
    for (const [n, v] of Object.entries(dist)) {
      const e = (schemes[n] ||= { min: Infinity, max: -Infinity });
      e.min = Math.min(e.min, v);
      e.max = Math.max(e.max, v);
      if (!best || v > dist[best]) best = n;
    }
    top.push({ seed: s, scheme: best });
  }
  return { seeds, schemes, top };
}

// Everything at once, on this thread: {ok, message?, ranking, detail, spread, ms,
// trained?, trainedMissing?}. The page runs the phases in the compute worker instead
// (computer.js); this is its fallback and the element's when workers are unavailable.
export function computeNow(engine, st, shelf = null) {
  const early = precheck(engine, st);
  if (early) return early;
  if (st.trained && shelf?.schemes().length) return computeTrained(shelf, st);
  const main = computeMain(engine, st);
  if (!main.ok) return main;
  main.pairs = computePairs(engine, st, main.ranking.tokens?.length || 0);
  const t0 = performance.now();
  const bySeed = {};
  for (const s of spreadSeeds(st.seed)) if (s !== st.seed) bySeed[s] = spreadDistances(engine, st, s);
  main.spread = assembleSpread(bySeed, main.ranking, st.seed);
  main.ms.spread = performance.now() - t0;
  return main;
}

// The phases as worker operations (lab/host.js requests): the state crosses as a plain
// object, the results come back by structured clone.
export function computeOps(engine) {
  return {
    computeMain: ({ state }) => computeMain(engine, state),
    computeSpread: ({ state, seed }) => spreadDistances(engine, state, seed),
    computePairs: ({ state, n }) => computePairs(engine, state, n),
  };
}

// A seeded shuffle (mulberry32) so "shuffle" is reproducible from the seed.
export function shuffled(items, seed) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
