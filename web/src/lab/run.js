// One lab run: a model per (scheme, seed), trained round-robin through the client a
// few steps per request (so pause takes effect within one chunk and the curves grow
// together), then each evaluated at every length, then the first seed's models saved
// as safetensors bytes for the rest of the page. Pausing never changes a number: each
// trainer is deterministic in its own steps, whatever the chunking or interleaving.
//
//   const run = createLabRun(client, config, onChange)
//     config: {task, text, schemes, seeds, len, steps, batch, dim, heads, layers,
//              evalLens, evalSequences}
//   run.play() / run.pause() / run.step() (one step of every model) / run.reset()
//   run.status   'ready' | 'running' | 'paused' | 'done' | 'failed' (run.error says why)
//   run.phase    'training' | 'evaluating' | 'saving' | 'finished'
//   run.runs     [{scheme, seed, losses: [per step], eval: {len: {loss, accuracy, applicable, reason}}}]
//   run.models   [{scheme, seed, bytes}] once done (first seed of each scheme)
//   run.progress() -> {fraction, steps, stepsTotal, evals, evalsTotal, tokensPerSecond,
//                      secondsLeft, seconds (time spent running, pauses excluded)}
const CHUNK_MS = { worker: 120, 'main thread': 40 };

export function trainOptions(config, scheme, seed) {
  const o = {
    scheme, task: config.task, seed, len: config.len, steps: config.steps, batch: config.batch,
    dim: config.dim, heads: config.heads, layers: config.layers,
    eval_lens: config.evalLens, eval_sequences: config.evalSequences,
  };
  if (config.task === 'text') o.text = config.text;
  return o;
}

export function createLabRun(client, config, onChange = () => {}) {
  const runs = [];
  for (const seed of config.seeds)
    for (const scheme of config.schemes)
      runs.push({ scheme, seed, key: `${scheme}@${seed}`, created: false, losses: [], msPerStep: 0, eval: {}, evalMs: 0 });
  const firstSeed = config.seeds[0];
  const stepsTotal = runs.length * config.steps;
  const evalsTotal = runs.length * config.evalLens.length;

  let playing = false, busy = false, generation = 0;
  let wallMs = 0, tokens = 0, evalWallMs = 0, evalsDone = 0, activeMs = 0;

  const run = {
    config, runs, status: 'ready', phase: 'training', error: '', models: [],
    mode: client.mode,
    play() {
      if (run.status === 'done' || run.status === 'failed') return;
      playing = true;
      run.status = 'running';
      onChange(run);
      loop();
    },
    pause() {
      if (run.status !== 'running') return;
      playing = false;
      run.status = 'paused';
      onChange(run);
    },
    // One step of every model (or, once trained, the rest: evaluation and saving).
    async step() {
      if (busy || run.status === 'done' || run.status === 'failed' || run.status === 'running') return;
      run.status = 'paused';
      const behind = runs.filter((r) => r.losses.length < config.steps);
      await guarded(async () => {
        if (behind.length) for (const r of behind) await stepRun(r, 1);
        else while (await nextJob());
      });
      if (playing && run.status === 'running') loop();   // Train pressed during the step
    },
    async reset() {
      playing = false;
      generation++;
      run.status = 'ready';
      runs.length = 0;
      onChange(run);
      try {
        await client.call('freeAll');
      } catch {
        // a failed worker has nothing left to free
      }
    },
    progress() {
      const steps = runs.reduce((s, r) => s + r.losses.length, 0);
      const perStep = steps ? wallMs / steps : NaN;
      const perEval = evalsDone ? evalWallMs / evalsDone : perStep * config.evalSequences / config.batch * 2;
      const left = (stepsTotal - steps) * perStep + (evalsTotal - evalsDone) * perEval;
      const fraction = stepsTotal ? (steps + evalsDone) / (stepsTotal + evalsTotal) : 0;
      return { fraction, steps, stepsTotal, evals: evalsDone, evalsTotal, tokensPerSecond: wallMs ? (tokens / wallMs) * 1000 : NaN, secondsLeft: left / 1000, seconds: activeMs / 1000 };
    },
  };

  // Runs fn; a failure stops the run with the core's message. Stale results (after a
  // reset) are dropped.
  async function guarded(fn) {
    const gen = generation;
    busy = true;
    const t0 = performance.now();
    try {
      await fn();
    } catch (e) {
      if (gen !== generation) return;
      playing = false;
      run.status = 'failed';
      run.error = e.message;
    } finally {
      busy = false;
      if (gen === generation) activeMs += performance.now() - t0;
    }
    if (gen === generation) onChange(run);
  }

  async function ensureCreated(r) {
    if (r.created) return;
    await client.call('create', { key: r.key, options: trainOptions(config, r.scheme, r.seed) });
    r.created = true;
  }

  async function stepRun(r, count) {
    const gen = generation;
    await ensureCreated(r);
    const t0 = performance.now();
    const res = await client.call('step', { key: r.key, count });
    if (gen !== generation) return;
    const ms = performance.now() - t0;
    wallMs += ms;
    tokens += count * config.batch * config.len;
    r.losses.push(...res.losses);
    r.msPerStep = ms / count;
    onChange(run);
  }

  // The next piece of work; false when there is none left.
  async function nextJob() {
    const behind = runs.filter((r) => r.losses.length < config.steps);
    if (behind.length) {
      run.phase = 'training';
      // Round-robin: the model furthest behind steps next.
      const r = behind.reduce((a, b) => (b.losses.length < a.losses.length ? b : a));
      const target = CHUNK_MS[client.mode] ?? 100;
      const count = r.msPerStep ? Math.max(1, Math.min(config.steps - r.losses.length, Math.round(target / r.msPerStep))) : 1;
      await stepRun(r, count);
      return true;
    }
    for (const r of runs)
      for (const len of config.evalLens)
        if (!r.eval[len]) {
          run.phase = 'evaluating';
          const gen = generation;
          const t0 = performance.now();
          const e = await client.call('evaluate', { key: r.key, len });
          if (gen !== generation) return false;
          evalWallMs += performance.now() - t0;
          evalsDone++;
          r.eval[len] = { loss: e.loss, accuracy: e.accuracy, applicable: e.applicable, reason: e.reason };
          onChange(run);
          return true;
        }
    if (run.phase !== 'finished') {
      run.phase = 'saving';
      onChange(run);
      const gen = generation;
      const models = [];
      for (const r of runs.filter((x) => x.seed === firstSeed)) models.push({ scheme: r.scheme, seed: r.seed, bytes: (await client.call('save', { key: r.key })).bytes });
      if (gen !== generation) return false;
      await client.call('freeAll');
      run.models = models;
      run.phase = 'finished';
      run.status = 'done';
      playing = false;
      return false;
    }
    return false;
  }

  async function loop() {
    if (busy) return;   // the chunk in flight picks up `playing` when it ends
    await guarded(async () => {
      while (playing && (await nextJob()));
    });
    // A pause and play while a chunk was in flight: go on.
    if (playing && run.status === 'running') loop();
  }

  return run;
}
