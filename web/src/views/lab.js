// The training lab: one tiny transformer per scheme, trained here in the reader's
// browser (a Web Worker), to see which schemes keep working past the length they were
// trained on (the ALiBi paper's extrapolation chart in miniature) and how a trained
// model reads word order. Until the reader trains, the charts show the precomputed
// results for the defaults (lab/precomputed.json, made by scripts/make-lab-results.mjs
// with pe-cli lab), labelled as such; every chart says whose numbers it shows.
// Training goes through lab/run.js and lab/client.js; the trained models go on the
// shelf (lab/models.js), which compute.js reads for the "trained" switch.
import { h, clear, fmt } from '../dom.js';
import { lines, bars } from '../charts.js';
import { schemeColor } from '../colors.js';
import { toCsv, download } from '../exports.js';
import { LAB_TASKS, LAB_LENS, LAB_BATCHES, LAB_DIMS, LAB_HEADS, LAB_MAX_STEPS, LAB_MAX_SEEDS, LAB_MAX_TEXT } from '../state.js';
import { labConfig, sameSetup } from '../lab/config.js';
import { createLabRun } from '../lab/run.js';
import { liveResults, precomputedResults, describe, csvRows } from '../lab/results.js';
import precomputedFile from '../lab/precomputed.json';

const TASK_LABELS = {
  stories: 'stories: short stories with "who chased?" questions',
  copy: 'copy: a b c | a b c', reverse: 'reverse: a b c | c b a', sort: 'sort: c a b | a b c',
  recall: 'recall: keys and values, then lookups', text: 'your own text (paste it below)',
};
// Speed assumed before the reader's first run (WASM SIMD worker in Chromium, default
// model, on the loaded 2-core test machine: 12k-23k tokens/s, the default lab in 31-55 s);
// afterwards the measured one.
const ASSUMED_TOKENS_PER_SECOND = 15000;
const EVAL_OVERHEAD = 1.2;

const log2 = Math.log2;
const plural = (n, one, many = one + 's') => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function select(id, options, value, onchange) {
  const el = h('select', { id, onchange: (e) => onchange(e.target.value) });
  for (const [v, label] of options) el.append(h('option', { value: v, selected: String(v) === String(value) }, label));
  return el;
}

// "1" or "1, 2, 3": up to LAB_MAX_SEEDS distinct whole numbers.
export function parseSeeds(text) {
  const items = text.split(',').map((x) => x.trim());
  if (items.some((x) => !/^\d+$/.test(x) || Number(x) > 4294967295)) throw new Error('seeds are whole numbers from 0 to 4294967295, separated by commas');
  const seeds = items.map(Number);
  if (new Set(seeds).size !== seeds.length) throw new Error('a seed is repeated');
  if (seeds.length > LAB_MAX_SEEDS) throw new Error(`at most ${LAB_MAX_SEEDS} seeds`);
  return seeds;
}

export function mountLab(root, store, engine, shelf) {
  const names = engine.schemes().map((s) => s.name);
  const precomputed = precomputedResults(precomputedFile);
  let client = null, run = null, lastRun = null, note = '', runKey = '';

  // ---- layout
  const form = h('div', { class: 'lab-settings' });
  const formMsg = h('p', { class: 'message', id: 'lab-form-msg', role: 'status', 'aria-live': 'polite' });
  const trainBtn = h('button', { type: 'button', id: 'lab-train', class: 'primary' }, 'Train');
  const stepBtn = h('button', { type: 'button', id: 'lab-step', title: 'One optimisation step of every model' }, 'Step');
  const resetBtn = h('button', { type: 'button', id: 'lab-reset', title: 'Throw the run away and show the precomputed results again' }, 'Reset');
  const progress = h('progress', { id: 'lab-progress', max: 1, value: 0, 'aria-label': 'Training progress' });
  const status = h('p', { id: 'lab-status', class: 'small' });
  const live = h('p', { id: 'lab-live', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const source = h('p', { id: 'lab-source', class: 'lab-source' });
  const lossBox = h('div', { id: 'lab-loss', class: 'chart-wrap' });
  const extrapBox = h('div', { id: 'lab-extrap', class: 'chart-wrap' });
  const accBox = h('div', { id: 'lab-acc', class: 'chart-wrap' });
  const summary = h('p', { id: 'lab-summary', class: 'lead' });
  const numbers = h('div', { id: 'lab-numbers' });
  const probeBox = h('div', { id: 'lab-probe' });
  const sampleBox = h('div', { id: 'lab-sample' });
  const modelsBox = h('div', { id: 'lab-models' });
  const modelMsg = h('p', { id: 'lab-model-msg', class: 'small', role: 'status', 'aria-live': 'polite' });

  root.append(
    h('h2', { id: 'lab-h' }, 'Training lab: which schemes work past their training length'),
    h('p', { class: 'lead' }, 'Train one tiny transformer per scheme, here in your browser, and see which schemes keep working on sequences longer than the ones they were trained on. Then read the two sentences above with the trained models: a model that had to learn who chased whom.'),
    form, formMsg,
    h('div', { class: 'buttons lab-run', role: 'group', 'aria-label': 'Training' }, trainBtn, stepBtn, resetBtn, progress),
    status, live,
    source,
    h('div', { class: 'lab-charts' }, lossBox, extrapBox, accBox),
    summary, numbers,
    h('h3', null, 'The trained models read the sentences'), probeBox,
    h('h3', null, 'Continue a prompt'), sampleBox,
    h('h3', null, 'Model files'), modelsBox, modelMsg,
  );

  const announce = (text) => { live.textContent = text; };
  const formMessage = (text) => { formMsg.textContent = text || ''; };

  // ---- settings (rebuilt when a lab key changes; the focused control keeps focus)
  let formKey = '';
  function renderForm(st) {
    const key = JSON.stringify(Object.entries(st).filter(([k]) => k.startsWith('lab.')));
    if (key === formKey) return;
    formKey = key;
    const focused = root.getRootNode().activeElement?.id;
    clear(form);
    const field = (label, id, el, help) => h('div', { class: 'field' }, h('label', { for: id }, label), el, help ? h('span', { class: 'help' }, help) : null);
    const task = select('lab-task', LAB_TASKS.map((t) => [t, TASK_LABELS[t]]), st['lab.task'], (v) => store.set({ 'lab.task': v }));
    const steps = h('input', { id: 'lab-steps', type: 'number', min: 1, max: LAB_MAX_STEPS, step: 1, value: st['lab.steps'] });
    steps.addEventListener('change', () => {
      const v = Number(steps.value);
      if (Number.isInteger(v) && v >= 1 && v <= LAB_MAX_STEPS) { formMessage(''); store.set({ 'lab.steps': v }); } else {
        formMessage(`Steps: a whole number from 1 to ${LAB_MAX_STEPS}; kept ${store.get()['lab.steps']}.`);
        steps.value = store.get()['lab.steps'];
      }
    });
    const seeds = h('input', { id: 'lab-seeds', type: 'text', inputmode: 'numeric', value: st['lab.seeds'].join(','), size: 10 });
    seeds.addEventListener('change', () => {
      try {
        store.set({ 'lab.seeds': parseSeeds(seeds.value) });
        formMessage('');
      } catch (e) {
        formMessage(`Seeds: ${e.message}; kept ${store.get()['lab.seeds'].join(',')}.`);
        seeds.value = store.get()['lab.seeds'].join(',');
      }
    });
    const schemeBoxes = h('fieldset', { class: 'lab-schemes' }, h('legend', null, 'Schemes to compare'),
      names.map((n) => h('label', { class: 'check-item' },
        h('input', { type: 'checkbox', id: `lab-scheme-${n}`, value: n, checked: st['lab.schemes'].includes(n), onchange: (e) => {
          const now = store.get()['lab.schemes'];
          const next = e.target.checked ? names.filter((x) => x === n || now.includes(x)) : now.filter((x) => x !== n);
          if (!next.length) {
            e.target.checked = true;
            formMessage('Pick at least one scheme.');
            return;
          }
          formMessage('');
          store.set({ 'lab.schemes': next });
        } }),
        h('span', { class: 'swatch-dot', style: `--c:${schemeColor(n)}`, 'aria-hidden': 'true' }), n)));
    const dims = LAB_DIMS.filter((d) => d % st['lab.heads'] === 0);
    const heads = LAB_HEADS.filter((x) => st['lab.dim'] % x === 0);
    form.append(h('div', { class: 'control-grid' },
      field('Task', 'lab-task', task),
      field('Training length', 'lab-len', select('lab-len', LAB_LENS.map((l) => [l, `${l} tokens`]), st['lab.len'], (v) => store.set({ 'lab.len': Number(v) })), 'evaluated at 1×, 2×, 4× and 8× this (up to 1,024)'),
      field('Steps', 'lab-steps', steps),
      field('Batch', 'lab-batch', select('lab-batch', LAB_BATCHES.map((b) => [b, `${b} sequences`]), st['lab.batch'], (v) => store.set({ 'lab.batch': Number(v) }))),
      field('Width d', 'lab-dim', select('lab-dim', dims.map((d) => [d, String(d)]), st['lab.dim'], (v) => store.set({ 'lab.dim': Number(v) }))),
      field('Heads', 'lab-heads', select('lab-heads', heads.map((x) => [x, String(x)]), st['lab.heads'], (v) => store.set({ 'lab.heads': Number(v) }))),
      field('Layers', 'lab-layers', select('lab-layers', [1, 2, 3, 4].map((x) => [x, String(x)]), st['lab.layers'], (v) => store.set({ 'lab.layers': Number(v) }))),
      field('Seeds', 'lab-seeds', seeds, 'one run per seed, e.g. 1,2,3 (the chart shows their spread)'),
    ), schemeBoxes);
    if (st['lab.task'] === 'text') {
      const text = h('textarea', { id: 'lab-text', rows: 4, spellcheck: 'false', 'aria-describedby': 'lab-form-msg' });
      text.value = st['lab.text'];
      let timer = 0;
      text.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const v = text.value;
          if (v.length > LAB_MAX_TEXT) {
            text.setAttribute('aria-invalid', 'true');
            formMessage(`The text has ${v.length.toLocaleString('en')} characters; the lab trains on up to ${LAB_MAX_TEXT.toLocaleString('en')}. Shorten it to use it.`);
            return;
          }
          text.removeAttribute('aria-invalid');
          formMessage(v.trim() ? '' : 'Paste a text to train on: a few paragraphs of any language.');
          store.set({ 'lab.text': v });
        }, 200);
      });
      form.append(h('div', { class: 'field' }, h('label', { for: 'lab-text' }, 'Text to train on (word level; the vocabulary is its words)'), text));
      if (!st['lab.text'].trim()) formMessage('Paste a text to train on: a few paragraphs of any language.');
    }
    const c = labConfig(st);
    const models = c.schemes.length * c.seeds.length;
    const tokens = models * c.steps * c.batch * c.len;
    const tps = lastRun?.progress().tokensPerSecond || ASSUMED_TOKENS_PER_SECOND;
    form.append(h('p', { class: 'small', id: 'lab-estimate' },
      `${plural(models, 'model')} × ${plural(c.steps, 'step')} × ${c.batch} × ${c.len} tokens = ${tokens.toLocaleString('en')} training tokens: about ${fmt(Math.max(1, (tokens / tps) * EVAL_OVERHEAD), 2)} s at ${Math.round(tps).toLocaleString('en')} tokens/s${lastRun ? ' (your last run)' : ' (one laptop core)'}.`));
    if (focused) root.getRootNode().getElementById(focused)?.focus();
  }

  // ---- running
  const canTrain = (st) => st['lab.task'] !== 'text' || (st['lab.text'].trim() && st['lab.text'].length <= LAB_MAX_TEXT);

  // One start at a time: a second press while the worker loads joins the first.
  let starting = null;
  function ensureRun() {
    starting ||= startRun().finally(() => { starting = null; });
    return starting;
  }
  async function startRun() {
    const st = store.get();
    if (!canTrain(st)) {
      formMessage('Paste a text to train on first.');
      return null;
    }
    if (run && run.status !== 'done' && run.status !== 'failed') return run;
    if (!client) {
      status.textContent = 'Starting the training worker…';
      // Loaded on the first press: the worker carries its own copy of the module.
      const { createLabClient } = await import('../lab/client.js');
      client = await createLabClient();
    }
    note = '';
    run = createLabRun(client, labConfig(store.get()), changed);
    runKey = JSON.stringify(run.config);
    return run;
  }

  const startFailed = (e) => {
    status.textContent = `Training could not start: ${e.message}`;
    announce(status.textContent);
  };
  trainBtn.addEventListener('click', async () => {
    if (run?.status === 'running') return run.pause();
    const r = await ensureRun().catch(startFailed);
    if (!r) return;
    announce(r.progress().steps ? 'Training resumed.' : `Training ${plural(r.runs.length, 'model')} started.`);
    r.play();
  });
  stepBtn.addEventListener('click', async () => {
    const r = await ensureRun().catch(startFailed);
    if (r) await r.step();
  });
  resetBtn.addEventListener('click', () => {
    if (run) run.reset();
    run = null;
    note = '';
    announce('Reset: showing the precomputed results.');
    draw();
  });

  let frame = 0, lastStatus = '', announcedEval = null;
  function changed(r) {
    if (r !== run) return;
    if (r.status !== lastStatus) {
      lastStatus = r.status;
      if (r.status === 'paused') announce(`Paused at step ${Math.min(...r.runs.map((x) => x.losses.length))} of ${r.config.steps}.`);
      if (r.status === 'failed') {
        announce(`Training failed: ${r.error}`);
        // The next run starts a fresh worker (this one may have run out of memory).
        client?.close();
        client = null;
      }
      if (r.status === 'done') finish(r);
    }
    if (r.phase === 'evaluating' && announcedEval !== r) {
      announcedEval = r;
      announce(`Training done; evaluating at ${r.config.evalLens.join(', ')} tokens.`);
    }
    frame ||= requestAnimationFrame(() => { frame = 0; draw(); });
  }

  function finish(r) {
    lastRun = r;
    let loaded = 0;
    const problems = [];
    shelf.clear('lab');
    for (const m of r.models) {
      try {
        shelf.add(m.bytes, { source: 'lab', label: `trained in the lab: ${r.config.task}, ${r.config.steps} steps, seed ${m.seed}` });
        loaded++;
      } catch (e) {
        problems.push(`${m.scheme}: ${e.message}`);
      }
    }
    const p = r.progress();
    announce(`Done in ${fmt(p.seconds, 3)} s: ${plural(loaded, 'trained model')} ready.${problems.length ? ` Could not keep ${problems.join('; ')}.` : ''}`);
    formKey = '';   // the estimate uses the measured speed now
  }

  // ---- drawing
  function currentResults() {
    const liveR = run && run.runs.length ? liveResults(run) : null;
    return { liveR, anyLoss: liveR && Object.values(liveR.curves.schemes).some((c) => c.length), anyEval: liveR && Object.values(liveR.table).some((row) => Object.keys(row).length) };
  }

  let current = null;
  function draw() {
    const st = store.get();
    const { liveR, anyLoss, anyEval } = currentResults();
    const curvesFrom = anyLoss ? liveR : precomputed;
    const tableFrom = anyEval ? liveR : precomputed;
    // Buttons and status.
    const s = run?.status || 'ready';
    trainBtn.textContent = s === 'running' ? 'Pause' : s === 'paused' ? 'Resume' : s === 'done' || s === 'failed' ? 'Train again' : 'Train';
    trainBtn.setAttribute('aria-label', trainBtn.textContent === 'Pause' ? 'Pause training' : `${trainBtn.textContent} (${plural(labConfig(st).schemes.length * labConfig(st).seeds.length, 'model')})`);
    trainBtn.disabled = !canTrain(st);
    stepBtn.disabled = s === 'running' || !canTrain(st);
    resetBtn.disabled = !run;
    if (run) {
      const p = run.progress();
      progress.value = p.fraction;
      const per = Math.min(...run.runs.map((x) => x.losses.length));
      const where = run.mode === 'worker' ? 'in a Web Worker' : `on the main thread (${client?.reason || 'no worker'})`;
      const phase = run.status === 'failed' ? `Failed: ${run.error}`
        : run.status === 'done' ? `Done in ${fmt(p.seconds, 3)} s`
        : run.phase === 'evaluating' ? `Evaluating: ${p.evals} of ${p.evalsTotal} (model, length) pairs`
        : run.phase === 'saving' ? 'Saving the models'
        : `Step ${per} of ${run.config.steps} for each of ${plural(run.runs.length, 'model')}${run.status === 'paused' ? ' (paused)' : ''}`;
      const speed = Number.isFinite(p.tokensPerSecond) ? ` · ${Math.round(p.tokensPerSecond).toLocaleString('en')} tokens/s` : '';
      const left = run.status === 'running' && Number.isFinite(p.secondsLeft) ? ` · about ${fmt(Math.max(0, p.secondsLeft), 2)} s left` : '';
      status.textContent = `${phase}${speed}${left} · ${where}.`;
      status.dataset.status = run.status;
    } else {
      progress.value = 0;
      status.textContent = 'Not trained yet: the charts show the precomputed results.';
      status.dataset.status = 'ready';
    }
    if (note) status.textContent += ` ${note}`;

    // Which numbers are shown.
    const pre = precomputed.config;
    const differs = !sameSetup(labConfig(st), { ...pre, text: '' });
    source.textContent = curvesFrom === precomputed && tableFrom === precomputed
      ? `Showing precomputed results (${pre.task}, ${pre.steps} steps, training length ${pre.len}, ${plural(pre.seeds.length, 'seed')}), made natively by pe-cli lab with the same code.${differs ? ' Your settings differ from these: press Train to see yours.' : ' Press Train to run them yourself.'}`
      : tableFrom === precomputed
        ? 'Training curves: your run. The length chart still shows the precomputed results until your models are evaluated.'
        : `Showing your run (${run?.config.task ?? lastRun?.config.task}, trained in this browser).`;
    source.dataset.source = tableFrom === precomputed ? (curvesFrom === precomputed ? 'precomputed' : 'mixed') : 'live';

    // Loss curves.
    clear(lossBox);
    const every = curvesFrom.curves.every, steps = curvesFrom.config.steps;
    const lossSeries = Object.entries(curvesFrom.curves.schemes).map(([n, ys]) => ({
      name: n, color: schemeColor(n), xs: ys.map((_, k) => Math.min(steps, (k + 1) * every)), ys: ys.map((v) => (v === null ? NaN : v)),
    }));
    const who = curvesFrom === precomputed ? `precomputed, mean of ${plural(pre.seeds.length, 'seed')}` : 'your run';
    const lossChart = lines({ series: lossSeries, title: `Training loss (${who})`, xLabel: 'step', yLabel: every > 1 ? `loss (mean of ${every} steps)` : 'loss', width: 520, height: 250, xRange: [0, steps] });
    lossBox.append(lossChart.figure);

    // Loss (and accuracy) against evaluation length.
    clear(extrapBox);
    clear(accBox);
    const T = tableFrom, L = T.config.len, seeds = T.config.seeds.length;
    const ticks = T.lens.map((l) => ({ x: log2(l), label: String(l) }));
    const cellSeries = (field) => Object.entries(T.table).map(([n, row]) => {
      const cells = T.lens.map((l) => row[l]);
      const val = (c, f) => (c && c.applicable && c[f] !== null && c[f] !== undefined ? c[f] : NaN);
      const se = { name: n, color: schemeColor(n), xs: T.lens.map(log2), ys: cells.map((c) => val(c, field)) };
      if (field === 'loss_mean' && seeds > 1) { se.lo = cells.map((c) => val(c, 'loss_min')); se.hi = cells.map((c) => val(c, 'loss_max')); }
      return se;
    });
    const whoT = T === precomputed ? `precomputed, ${plural(seeds, 'seed')}` : `your run, ${plural(seeds, 'seed')}`;
    const common = { xLabel: 'evaluation length (tokens)', xTicks: ticks, dots: true, xFormat: (x) => String(Math.round(2 ** x)), markers: [{ x: log2(L), label: `trained at ${L}` }], width: 520, height: 250 };
    // A scheme far behind at the training length (it did not learn the task) would
    // squash the others: the axis fits the rest and a note gives its range.
    const lossS = cellSeries('loss_mean');
    const atL = lossS.map((se) => se.ys[T.lens.indexOf(L)]).filter(Number.isFinite);
    const behind = lossS.filter((se) => se.ys[T.lens.indexOf(L)] > 1.3 * Math.min(...atL));
    const kept = lossS.filter((se) => !behind.includes(se));
    const vals = kept.flatMap((se) => [...se.ys, ...(se.lo || []), ...(se.hi || [])]).filter(Number.isFinite);
    const yRange = behind.length && vals.length ? [Math.min(...vals), Math.max(...vals)] : null;
    const extrap = lines({ ...common, series: lossS, yRange, title: `Loss against length (${whoT}${seeds > 1 ? '; band: min–max over seeds' : ''})`, yLabel: 'loss per token' });
    extrapBox.append(extrap.figure);
    if (yRange) {
      const range = (se) => `${fmt(Math.min(...se.ys.filter(Number.isFinite)), 3)} to ${fmt(Math.max(...se.ys.filter(Number.isFinite)), 3)}`;
      extrapBox.append(h('p', { class: 'small', id: 'lab-offchart' }, `Above the chart: ${behind.map((se) => `${se.name} (${range(se)})`).join(', ')}, far behind already at the training length.`));
    }
    const accS = cellSeries('accuracy_mean');
    let accChart = null;
    if (accS.some((se) => se.ys.some(Number.isFinite))) {
      accChart = lines({ ...common, series: accS, title: `Answer accuracy against length (${whoT})`, yLabel: 'accuracy' });
      accBox.append(accChart.figure);
    }
    const said = describe(T);
    summary.textContent = said ? `${T === precomputed ? 'Precomputed' : 'Your run'}: ${said}` : 'Your run: the sentence appears once the models are evaluated past the training length.';

    // The numbers as a table.
    clear(numbers);
    const table = h('table', { class: 'data' }, h('caption', null, `Loss per token (answer accuracy) by evaluation length, ${whoT}`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'scheme'), T.lens.map((l) => h('th', { scope: 'col' }, `${l}${l === L ? ' (trained)' : ''}`)))),
      h('tbody', null, Object.entries(T.table).map(([n, row]) => h('tr', { 'data-scheme': n }, h('th', { scope: 'row' }, n), T.lens.map((l) => {
        const c = row[l];
        if (!c) return h('td', null, '…');
        if (!c.applicable) return h('td', null, 'n/a');
        const acc = c.accuracy_mean !== null && c.accuracy_mean !== undefined && Number.isFinite(c.accuracy_mean) ? ` (${Math.round(c.accuracy_mean * 100)}%)` : '';
        const spread = seeds > 1 ? ` [${fmt(c.loss_min, 3)}–${fmt(c.loss_max, 3)}]` : '';
        return h('td', { 'data-len': l, 'data-loss': c.loss_mean }, `${fmt(c.loss_mean, 4)}${spread}${acc}`);
      })))));
    numbers.append(h('details', { class: 'table-alt' }, h('summary', null, 'The numbers'), h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'Lab numbers' }, table)));

    current = { svgs: [lossChart.svg, extrap.svg, ...(accChart ? [accChart.svg] : [])], curvesFrom, tableFrom };
  }

  // ---- the trained models: probe, sampling, files
  function renderProbe(st, probe) {
    clear(probeBox);
    const have = shelf.schemes();
    if (!have.length) {
      probeBox.append(h('p', { class: 'small' }, 'No trained model yet. Press Train (or load a model file below); then the trained models read sentence A and sentence B, and the switch "Weights: trained" feeds them into every view.'));
      return;
    }
    if (!probe?.ok) {
      probeBox.append(h('p', { class: 'message', id: 'lab-probe-msg' }, probe?.message || 'No result.'));
      return;
    }
    const r = probe.ranking;
    const items = r.names.filter((n) => r.schemes[n]).map((n) => ({ key: n, label: n, value: r.schemes[n].sentence_distance, color: schemeColor(n) }))
      .sort((a, b) => b.value - a.value);
    const svg = bars({ items, title: `Trained: 1 - cos(mean output of "${st.a}", of "${st.b}")`, selected: st.scheme, onPick: (k) => store.set({ scheme: k }) });
    const hi = items[0], lo = items.at(-1);
    probeBox.append(h('figure', { class: 'chart' }, svg),
      h('p', { id: 'lab-probe-text' }, items.length > 1
        ? `Read by the trained models, A and B differ most for ${hi.key} (${fmt(hi.value, 3)}) and least for ${lo.key} (${fmt(lo.value, 3)}). These are causal decoders: every one, even "none", sees order through the mask; training decides how much the order of these words matters.`
        : `Read by the trained ${hi.key} model, A and B differ by ${fmt(hi.value, 3)}.`),
      h('ul', { class: 'score-list', 'aria-label': 'Trained scores by scheme' }, items.map((d) => h('li', { 'data-scheme': d.key, 'data-score': String(d.value) },
        h('span', { class: 'swatch-dot', style: `--c:${d.color}`, 'aria-hidden': 'true' }), `${d.key}: ${fmt(d.value, 6)}`))),
      h('button', { type: 'button', id: 'lab-use-trained', onclick: () => store.set({ trained: !st.trained }) },
        st.trained ? 'Back to random weights in every view' : 'Use the trained models in every view (ranking, heatmaps)'));
  }

  let sampleKey = '';
  function renderSample() {
    const have = shelf.schemes();
    const key = JSON.stringify([have, shelf.version]);
    if (key === sampleKey) return;
    sampleKey = key;
    const keep = { prompt: sampleBox.querySelector('#lab-prompt')?.value, scheme: sampleBox.querySelector('#lab-sample-scheme')?.value };
    clear(sampleBox);
    if (!have.length) {
      sampleBox.append(h('p', { class: 'small' }, 'Once a model is trained, type the start of a story and let it continue.'));
      return;
    }
    const scheme = select('lab-sample-scheme', have.map((n) => [n, n]), have.includes(keep.scheme) ? keep.scheme : have.includes('alibi') ? 'alibi' : have[0], () => {});
    const prompt = h('input', { id: 'lab-prompt', type: 'text', value: keep.prompt ?? (shelf.get(have[0]).task === 'stories' ? 'the dog' : ''), size: 28 });
    const out = h('output', { id: 'lab-sample-out', class: 'sample-out', 'aria-live': 'polite', for: 'lab-prompt' });
    let seed = 1;
    const go = () => {
      try {
        const tokens = shelf.sample(scheme.value, { prompt: prompt.value, count: 24, temperature: 0.8, seed: seed++ });
        out.textContent = `${prompt.value} ⟶ ${tokens.join(' ')}`;
        out.classList.remove('error');
      } catch (e) {
        out.textContent = e.message;
        out.classList.add('error');
      }
    };
    prompt.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
    sampleBox.append(h('div', { class: 'inline' },
      h('label', { for: 'lab-sample-scheme' }, 'Model'), scheme,
      h('label', { for: 'lab-prompt' }, 'Prompt'), prompt,
      h('button', { type: 'button', id: 'lab-sample-go', onclick: go }, 'Sample 24 tokens')), out,
    h('p', { class: 'small' }, 'Each press draws again (temperature 0.8, a new seed). Words must come from the model\'s vocabulary.'));
  }

  let modelsKey = '';
  function renderModels() {
    const have = shelf.schemes();
    const key = JSON.stringify([have, shelf.version]);
    if (key === modelsKey) return;
    modelsKey = key;
    clear(modelsBox);
    const file = h('input', { id: 'lab-load', type: 'file', accept: '.safetensors,application/octet-stream' });
    file.addEventListener('change', async () => {
      const f = file.files?.[0];
      if (!f) return;
      modelMsg.classList.remove('error');
      try {
        const bytes = new Uint8Array(await f.arrayBuffer());
        const e = shelf.add(bytes, { source: 'file', label: f.name });
        modelMsg.textContent = `Loaded "${f.name}": a ${e.scheme} model trained on ${e.task} (${e.config.layers} layers, d = ${e.config.dim}, ${e.config.heads} heads, vocabulary of ${e.vocab.length}). It now answers for ${e.scheme} when the weights are "trained".`;
      } catch (err) {
        modelMsg.classList.add('error');
        modelMsg.textContent = `Could not load "${f.name}": ${err.message}. The page keeps the models it had.`;
      }
      file.value = '';
    });
    const row = [h('label', { for: 'lab-load' }, 'Load a model (.safetensors)'), file];
    if (have.length) {
      const which = select('lab-download-scheme', have.map((n) => [n, `${n} (${shelf.get(n).source === 'file' ? shelf.get(n).label : 'trained here'})`]), have[0], () => {});
      row.unshift(h('label', { for: 'lab-download-scheme' }, 'Model'), which,
        h('button', { type: 'button', id: 'lab-download', onclick: () => {
          const e = shelf.get(which.value);
          download(`pe-lab-${e.scheme}-${e.task}.safetensors`, new Blob([e.bytes], { type: 'application/octet-stream' }));
        } }, 'Download (safetensors)'));
    }
    modelsBox.append(h('div', { class: 'inline' }, row),
      h('p', { class: 'small' }, 'A downloaded model loads back here, and in pe-cli (probe --model, sample --model).'));
  }

  // What render() redraws is keyed, so typing in the sentences while training costs the
  // main thread only the probe of the trained models (the run redraws itself, above).
  let drawKey = '', probeKey = null;
  return {
    render(st, probe) {
      renderForm(st);
      // A run in progress belongs to its settings: changing them starts over (as the
      // TensorFlow Playground does).
      if (run && run.status !== 'done' && run.status !== 'failed' && runKey !== JSON.stringify(labConfig(st))) {
        run.reset();
        run = null;
        note = 'The settings changed, so the run was reset.';
        announce(note);
      }
      const dk = formKey + st.trained;
      if (dk !== drawKey) {
        drawKey = dk;
        draw();
      }
      if (probe !== probeKey || !probe) {
        probeKey = probe;
        renderProbe(st, probe);
      }
      renderSample();
      renderModels();
    },
    exportable() {
      if (!current) return null;
      const { curvesFrom, tableFrom } = current;
      const runs = curvesFrom.source === 'live' ? run?.runs ?? [] : null;
      return {
        name: `pe-lab-${tableFrom.source}`,
        title: `Training lab (${tableFrom.source === 'live' ? 'your run' : 'precomputed'}): ${tableFrom.config.task}, trained at ${tableFrom.config.len}`,
        svgs: current.svgs,
        csv: toCsv(csvRows(tableFrom, runs)),
        json: {
          source: tableFrom.source, config: tableFrom.config, lens: tableFrom.lens, table: tableFrom.table, curves: curvesFrom.curves,
          ...(runs ? { runs: runs.map((r) => ({ scheme: r.scheme, seed: r.seed, losses: r.losses, eval: r.eval })) } : {}),
        },
      };
    },
    get run() { return run; },
    get client() { return client; },
  };
}
