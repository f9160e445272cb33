// Keeps the probe off the main thread, so no input can freeze the page. The page and
// every <pe-playground> element ask for the state they show; the computer answers from
// the compute worker (the page's Web Worker, lab/worker.js, a second instance beside the
// lab's) in phases, newest request first:
//   1. computeMain: every scheme's scores and the picked schemes' weights (drawn at once)
//   2. computePairs: the one logit the "pairs" view splits (alone when only the head,
//      query or key changed: the rest is kept)
//   3. computeSpread, one seed at a time: the seed spread (the ranking's whiskers)
// A request made while another runs replaces it: the running phase finishes (a WASM call
// cannot be interrupted, and the core's work caps keep each short), the rest is dropped.
// What stays on this thread: the instant refusals (empty, too long), the trained models
// (they live in this thread's engine, lab/models.js), small inputs before the worker
// is up (so the first numbers do not wait for a second module to start), and everything
// when workers are unavailable (computeNow, as before, under the same caps).
//
//   const computer = createComputer(engine, shelf, {onResult, onStatus})
//   computer.frame(current) -> {result, st, stale, fresh}: what one drawing shows (below)
//   computer.labProbe(st, result): the lab's reading of the sentences by the trained models
//   computer.request(st, key)   the state to show (key: what the probe reads of it)
//   computer.shown()  -> {key, pkey, st, result}: the newest result and the state it is for
//   computer.status() -> null, or {phase, done, total, seconds, mode} while working
//   computer.idle()   -> a promise resolved when no request is pending
import { precheck, computeTrained, computeNow, assembleSpread, spreadSeeds, pairsKey } from './compute.js';

// Small enough to compute on this thread while the worker starts: both sentences under
// SMALL_CHARS characters (tokens <= characters) at width <= SMALL_DIM (a few ms).
const SMALL_CHARS = 240;
const SMALL_DIM = 128;
const STATUS_EVERY_MS = 250;

let shared = null;
// One compute worker per page, shared by the page and all its elements; null when workers
// are unavailable (then everything runs here).
function computeClient() {
  // Imported when first needed: the worker carries its own copy of the module.
  shared ||= import('./lab/client.js')
    .then(({ startWorker, workerClient }) => startWorker('pe-compute').then((w) => workerClient(w, 'compute')))
    .catch(() => null);
  return shared;
}

export function createComputer(engine, shelf, { onResult = () => {}, onStatus = () => {} } = {}) {
  let shown = { key: null, pkey: null, st: null, result: null };
  let want = null;          // {key, pkey, st, needMain, t0, phase, done, total}: the newest request not yet answered in full
  let running = false;
  let client = null, mode = 'starting';   // 'starting' | 'worker' | 'main thread'
  let ticker = 0;
  const waiters = [];
  const stats = { main: 0, pairs: 0 };   // worker calls made, for the tests and the console

  computeClient().then((c) => {
    client = c;
    mode = c ? 'worker' : 'main thread';
    if (!c && want) {
      const job = want;
      want = null;
      settle(job, computeNow(engine, job.st, shelf));
    }
    pump();
  });

  const small = (st) => st.a.length + st.b.length <= SMALL_CHARS && st.dim <= SMALL_DIM;

  function status() {
    if (!want) return null;
    return { phase: want.phase, done: want.done, total: want.total, seconds: (performance.now() - want.t0) / 1000, mode };
  }
  function tick() {
    onStatus(status());
    if (!want) {
      clearInterval(ticker);
      ticker = 0;
      while (waiters.length) waiters.shift()();
    }
  }
  function settle(job, result, final = true) {
    shown = { key: job.key, pkey: job.pkey, st: job.st, result };
    if (final && want === job) want = null;
    onResult();
    tick();
  }

  async function pump() {
    if (running || !want || !client) return;
    running = true;
    const job = want;
    try {
      let main = shown.result;
      if (job.needMain) {
        job.phase = 'scores';
        tick();
        stats.main++;
        main = await client.call('computeMain', { state: job.st });
        if (want !== job) return;
        if (!main.ok) return settle(job, main);
      }
      job.phase = 'pairs';
      stats.pairs++;
      const pairs = await client.call('computePairs', { state: job.st, n: main.ranking.tokens?.length || 0 });
      if (want !== job) return;
      main = { ...main, pairs };
      if (!job.needMain) return settle(job, main);
      settle(job, main, false);   // drawn now; the whiskers follow
      const seeds = spreadSeeds(job.st.seed).filter((s) => s !== job.st.seed);
      Object.assign(job, { phase: 'seeds', done: 0, total: seeds.length });
      const t0 = performance.now();
      const bySeed = {};
      for (const s of seeds) {
        tick();
        bySeed[s] = await client.call('computeSpread', { state: job.st, seed: s });
        if (want !== job) return;
        job.done++;
      }
      settle(job, { ...main, spread: assembleSpread(bySeed, main.ranking, job.st.seed), ms: { ...main.ms, spread: performance.now() - t0 } });
    } catch (e) {
      if (want === job) settle(job, { ok: false, which: 'a', message: e.message });
    } finally {
      running = false;
      if (want) pump();
      else tick();
    }
  }

  let framed = null, labKey = '', labProbe = null;
  const api = {
    request(st, key) {
      const pkey = pairsKey(st);
      const target = want || shown;
      if (target.key === key && target.pkey === pkey) return;
      // Only the logit to split changed: keep the scores, the weights and the spread.
      const needMain = !(shown.key === key && shown.result?.ok && !shown.result.trained && shown.result.spread);
      const job = { key, pkey, st, needMain, t0: performance.now(), phase: 'waiting', done: 0, total: 0 };
      // Answers that need no worker: given at once, without a redraw request (the
      // caller is drawing now and reads shown()).
      const now = precheck(engine, st)
        ?? (st.trained && shelf?.schemes().length ? computeTrained(shelf, st) : null)
        ?? (mode === 'main thread' || (mode === 'starting' && small(st)) ? computeNow(engine, st, shelf) : null);
      if (now) {
        want = null;
        shown = { key, pkey, st, result: now };
        tick();
        return;
      }
      want = job;
      if (!ticker) ticker = setInterval(tick, STATUS_EVERY_MS);
      tick();
      pump();
    },
    shown: () => shown,
    stats,
    // A result known without computing (the first view, precomputed at build time).
    seed(key, st, result) {
      if (!want && shown.key === null) shown = { key, pkey: pairsKey(st), st, result };
    },
    status,
    get mode() {
      return mode;
    },
    idle: () => (want ? new Promise((r) => waiters.push(r)) : Promise.resolve()),
    // One drawing of the page or an element: asks for the reader's state `current` and
    // returns what to draw: the result, the state it is for (drawnState), whether a newer
    // one is on its way (stale), and whether it is new since the last frame (fresh: show
    // its message).
    frame(current) {
      const key = probeKey(current, shelf?.version ?? 0);
      api.request(current, key);
      const fresh = shown.key !== framed;
      framed = shown.key;
      return { result: shown.result, st: drawnState(current, shown.st), stale: shown.key !== key || shown.pkey !== pairsKey(current), fresh };
    },
    // What the lab shows: the sentences read by the trained models, whatever the weights
    // switch (the drawn result when it already is that; null with no trained model).
    labProbe(st, result) {
      const k = JSON.stringify([st.a, st.b, st.layer, st.shift, st.scheme, st.vs, st.trained, shelf?.version]);
      if (k !== labKey) {
        labKey = k;
        labProbe = !shelf?.schemes().length ? null : !result?.ok || result.trained ? result : computeTrained(shelf, st);
      }
      return labProbe;
    },
  };
  return api;
}

// The state a view draws while a newer result is on its way: the keys the probe reads
// come from the state of the result shown (so pictures and numbers agree), the rest
// (head, tab, hidden parts) from the reader's current state.
export const PROBE_KEYS = ['a', 'b', 'scheme', 'vs', 'dim', 'heads', 'seed', 'causal', 'shift', 'settings', 'trained', 'layer'];
// What the probe reads of a state (and which trained models are on the shelf): equal keys,
// equal results.
export const probeKey = (st, shelfVersion = 0) => JSON.stringify([...PROBE_KEYS.map((k) => st[k]), shelfVersion]);
export function drawnState(st, shownSt) {
  if (!shownSt) return st;
  const out = { ...st };
  for (const k of PROBE_KEYS) out[k] = shownSt[k];
  return out;
}

// Plain words for the status line.
export function statusText(s) {
  if (!s) return '';
  const t = `${s.seconds.toFixed(1)} s`;
  const where = s.mode === 'worker' ? 'in the background' : 'starting the background engine';
  if (s.phase === 'seeds') return `Computing the seed spread ${where}: seed ${s.done + 1} of ${s.total}… (${t}; the page stays usable)`;
  if (s.phase === 'pairs') return `Splitting the chosen logit into its pairs ${where}… (${t})`;
  if (s.phase === 'scores') return `Computing every scheme's scores ${where}… (${t}; the page stays usable)`;
  return `Starting the background engine for this input… (${t})`;
}
