// Order sensitivity of every scheme: the probe's sentence distance (1 - cos of the mean
// outputs of A and B) per scheme on a log axis, with a plain verdict against stated
// thresholds (ORDER_THRESHOLDS), the spread over a few seeds (random weights are one
// draw), the shift headline (which schemes notice every position moving by K, from
// shift_logit_change), and a per-token breakdown (token distance, scheme x token) on a
// fixed scale. Click a bar to pick the scheme. With the "trained" switch on, the same
// numbers come from the lab's trained models.
import { h, clear, fmt, narrowScreen } from '../dom.js';
import { bars, heatmap, legendBar, createMotion } from '../charts.js';
import { distanceScale, schemeColor, DISTANCE_RANGE } from '../colors.js';
import { toCsv } from '../exports.js';

// 1 - cos below `barely` is at the level of float32 rounding of the layer's outputs (the
// engine already reads values below float32 resolution as exactly 0); from `sees` on the
// outputs of A and B differ in the third decimal of the cosine.
export const ORDER_THRESHOLDS = { barely: 1e-6, sees: 1e-3 };
export const VERDICTS = ['not at all', 'barely', 'sees order'];
export function orderVerdict(d) {
  if (!Number.isFinite(d)) return null;
  return d < ORDER_THRESHOLDS.barely ? VERDICTS[0] : d < ORDER_THRESHOLDS.sees ? VERDICTS[1] : VERDICTS[2];
}
const LOG_RANGE = [1e-8, 1];
const ex = (x) => x.toExponential();   // 1e-6, 1e-3

// Which schemes notice a shift of every position by K: the probe's shift_logit_change is
// 0 when no logit moves at float32 resolution. Returns {quiet: [names], notice: [names]}.
export function shiftGroups(items) {
  const ok = items.filter((d) => !d.error && Number.isFinite(d.shift));
  return { quiet: ok.filter((d) => d.shift === 0).map((d) => d.key), notice: ok.filter((d) => d.shift > 0).sort((x, y) => y.shift - x.shift).map((d) => d.key) };
}

function noneText(v, raw) {
  const head = 'Order sensitivity: how far the layer\'s mean output moves when A becomes B. ';
  if (v === undefined) return head;
  const rounding = raw ? ` (the float32 layer's rounding left ${fmt(raw)}, below what float32 can resolve)` : '';
  if (v === 0) return head + `"none" reads exactly 0${rounding}: without position (and without a causal mask) attention treats a sentence as a bag of words, so reordering it changes nothing.`;
  if (Math.abs(v) < 1e-9) return head + `"none" reads ${fmt(v)}, rounding only (exactly 0 in exact arithmetic): without position, attention treats a sentence as a bag of words.`;
  return head + `"none" reads ${fmt(v)}: B is not just a reordering of A (the words differ), so even a layer without position sees a different bag of words.`;
}

export function mountOrder(root, store, engine) {
  const lead = h('p', { class: 'lead', id: 'order-lead' });
  const weights = h('p', { class: 'weights-note', id: 'order-weights' });
  const shiftLine = h('p', { class: 'headline', id: 'shift-headline' });
  const thresholds = h('p', { class: 'small', id: 'order-thresholds', 'data-barely': ORDER_THRESHOLDS.barely, 'data-sees': ORDER_THRESHOLDS.sees },
    `Verdict from 1 − cos: "not at all" below ${ex(ORDER_THRESHOLDS.barely)} (float32 rounding of the layer's outputs), "barely" from ${ex(ORDER_THRESHOLDS.barely)} to ${ex(ORDER_THRESHOLDS.sees)}, "sees order" from ${ex(ORDER_THRESHOLDS.sees)} up. The bars are on a log scale, so a tiny value draws a short bar, not a long one.`);
  const spreadLine = h('p', { class: 'small', id: 'seed-spread' });
  const chart = h('div', { id: 'ranking', class: 'chart-wrap' });
  const breakdown = h('div', { id: 'breakdown', class: 'chart-wrap' });
  const timing = h('p', { class: 'small', id: 'timing' });
  root.append(lead, weights, shiftLine, thresholds, chart, spreadLine, breakdown, timing);
  let current = null, listOpen = null;
  const barMotion = createMotion((a, b, p) => a + (b - a) * p);
  const titleOf = (n) => engine.schemes().find((x) => x.name === n)?.title || n;

  return {
    render(st, result) {
      clear(chart);
      clear(breakdown);
      if (!result?.ok) {
        current = null;
        lead.textContent = 'No scores: see the message under the sentences.';
        weights.textContent = shiftLine.textContent = spreadLine.textContent = '';
        return;
      }
      const r = result.ranking;
      const names = r.names || engine.schemes().map((x) => x.name);
      const items = names.map((n) => ({
        key: n,
        label: n,
        value: r.schemes[n] ? r.schemes[n].sentence_distance : NaN,
        shift: r.schemes[n] ? r.schemes[n].shift_logit_change : NaN,
        error: r.errors[n],
      }));
      items.sort((x, y) => (y.error ? -1 : y.value) - (x.error ? -1 : x.value) || names.indexOf(x.key) - names.indexOf(y.key));
      const none = r.schemes.none;
      const tr = result.trained;
      if (tr) {
        const c = tr.config;
        lead.textContent = `Trained weights: ${names.length} model${names.length > 1 ? 's' : ''} from the lab (${tr.task}, ${c.layers} layer${c.layers > 1 ? 's' : ''}, d = ${c.dim}, ${c.heads} heads), read through the whole model to its last LayerNorm. They are causal decoders, so even "none"${none ? ` (${fmt(none.sentence_distance, 3)})` : ''} sees order through the mask; what training adds is which order matters.`;
      } else {
        lead.textContent = (st.causal
          ? `Causal mask on: "none" now reads ${fmt(none?.sentence_distance ?? NaN, 3)}. Each token sees only the tokens before it, so the set it averages over depends on the order, even with no position signal at all.`
          : noneText(none?.sentence_distance, none?.sentence_distance_raw))
          + (result.trainedMissing ? ' (Trained weights are switched on but no model is trained yet: train in the lab, or load a model file; these are random weights.)' : '');
      }
      // Random weights are a draw: say so, and show the spread over seeds.
      const spread = !tr && result.spread ? result.spread : null;
      const seedsText = spread ? `seeds ${spread.seeds.join(', ')}` : '';
      weights.textContent = tr
        ? 'Weights: trained in the lab. These models had to learn their task, so the numbers say what training made of each scheme (switch "Weights" to random to compare with untrained layers).'
        : `Weights: random and untrained (seed ${st.seed}). The numbers say what each scheme's position signal does to one randomly initialised attention layer, not what a trained model learns; switch "Weights" to "trained in the lab" to read trained models. The ranking of random layers changes with the seed: the whiskers show each scheme's min–max over ${seedsText}.`;
      for (const d of items) {
        d.verdict = d.error ? null : orderVerdict(d.value);
        if (spread?.schemes[d.key]) Object.assign(d, { lo: spread.schemes[d.key].min, hi: spread.schemes[d.key].max });
      }
      if (spread) {
        const tops = spread.top.filter((x) => x.scheme);
        const distinct = new Set(tops.map((x) => x.scheme));
        spreadLine.textContent = `Most order-sensitive random layer by seed: ${tops.map((x) => `seed ${x.seed} ${x.scheme}`).join(', ')}. `
          + (distinct.size > 1 ? `${distinct.size} different schemes come first, so read the ranking of random layers as a draw, not a result.` : `The same scheme comes first for every seed tried; the order below it still moves (see the whiskers).`);
      } else spreadLine.textContent = '';
      // The shift headline, from the numbers.
      const g = shiftGroups(items);
      clear(shiftLine);
      if (!st.shift) shiftLine.append('Shift K is 0: set "Shift K" above 0 to see which schemes notice every position moving by K.');
      else {
        const byKey = Object.fromEntries(items.map((d) => [d.key, d]));
        shiftLine.append(h('strong', null, `Shift every position by ${st.shift}`), ' (same words, positions start at ' + st.shift + ' instead of 0): ',
          g.quiet.length ? h('span', { class: 'shift-group', 'data-group': 'quiet' }, g.quiet.join(', ')) : 'no scheme', g.quiet.length === 1 ? ' does not notice it' : ' do not notice it',
          ' (no logit moves, at float32 resolution); ',
          g.notice.length ? h('span', { class: 'shift-group', 'data-group': 'notice' }, g.notice.map((n) => `${n} (${fmt(byKey[n].shift, 3)})`).join(', ')) : 'none of them',
          g.notice.length === 1 ? ' does' : ' do', ' (largest logit change). ',
          g.quiet.length && g.notice.length ? 'A scheme that reads only the distance between positions cannot notice a shift; one that tags each absolute position does.' : '');
      }
      const logHi = Math.max(LOG_RANGE[1], ...items.map((d) => (Number.isFinite(d.hi) ? d.hi : Number.isFinite(d.value) ? d.value : 0)));
      const svg = bars({
        items: items.map((d) => ({ ...d, color: schemeColor(d.key), note: d.verdict })),
        title: narrowScreen() ? `Order sensitivity${tr ? ' (trained)' : ''}, 1 − cos, log` : `Order sensitivity${tr ? ' (trained)' : ''}, 1 - cos(mean output A, mean output B), log scale`,
        selected: st.scheme, onPick: (k) => store.set({ scheme: k }), compact: narrowScreen(),
        log: [LOG_RANGE[0], logHi], marks: [{ value: ORDER_THRESHOLDS.barely, label: 'barely' }, { value: ORDER_THRESHOLDS.sees, label: 'sees order' }],
        motion: barMotion,
      });
      const list = h('ol', { class: 'score-list', 'aria-label': 'Scores by scheme' });
      for (const d of items)
        list.append(h('li', {
          'data-scheme': d.key, 'data-score': Number.isFinite(d.value) ? String(d.value) : '', 'data-verdict': d.verdict || '',
          'data-shift': Number.isFinite(d.shift) ? String(d.shift) : '',
          'data-min': Number.isFinite(d.lo) ? String(d.lo) : null, 'data-max': Number.isFinite(d.hi) ? String(d.hi) : null,
        },
          h('span', { class: 'swatch-dot', style: `--c:${schemeColor(d.key)}`, 'aria-hidden': 'true' }),
          h('button', { type: 'button', class: 'linklike', onclick: () => store.set({ scheme: d.key }), 'aria-current': d.key === st.scheme ? 'true' : null }, d.key),
          ` ${titleOf(d.key)}: `, h('span', { class: 'score' }, d.error ? 'error' : fmt(d.value, 6)),
          d.verdict ? [' ', h('span', { class: 'verdict' }, `(${d.verdict})`)] : null,
          Number.isFinite(d.lo) ? ` · ${seedsText}: ${fmt(d.lo, 3)}–${fmt(d.hi, 3)}` : null,
          d.error ? h('span', { class: 'field-error' }, ` (${d.error})`) : ` · shift ${st.shift}: logits move by ${fmt(d.shift, 3)}`));
      // The exact values, folded on a phone (the bars say the same at a glance).
      listOpen ??= !narrowScreen();
      const values = h('details', { class: 'score-details', open: listOpen, ontoggle: () => (listOpen = values.open) },
        h('summary', null, `Exact values and the shift probe (${items.length} schemes)`), list);
      chart.append(h('figure', { class: 'chart' }, svg, h('figcaption', { class: 'small' }, `Click a bar or a name to show that scheme below. Bars on a log axis from ${ex(LOG_RANGE[0])} (a value at or below it, such as an exact 0, draws no bar); dashed lines at the verdict thresholds${spread ? '; whiskers: min–max over ' + seedsText : ''}. The list gives the exact values and the shift probe (max change of any logit when every position moves by K).`)), values);

      // Per-token breakdown: rows schemes (ranked), columns tokens of A.
      const ok = items.filter((d) => !d.error);
      const n = r.tokens.length;
      if (n && n <= 64 && ok.length) {
        const vals = new Float64Array(ok.length * n);
        ok.forEach((d, i) => r.schemes[d.key].token_distance.forEach((v, j) => {
          vals[i * n + j] = v === null ? NaN : v;
        }));
        const scale = distanceScale();
        const fig = heatmap({
          values: vals, rows: ok.length, cols: n, rowLabels: ok.map((d) => d.key), colLabels: r.tokens, scale,
          title: 'Per token: 1 - cos(output in A, output of the same token in B)', maxSize: 420, link: { rows: null, cols: r.tokens.map((_, j) => `a${j}`) },
          readout: (i, j, v) => `${ok[i].key}, token "${r.tokens[j]}" (#${j}): ${Number.isNaN(v) ? 'no match in B' : fmt(v, 6)}`,
          legend: legendBar(scale, 0, DISTANCE_RANGE, 'token distance, 1 − cos (fixed scale for every scheme)', { ticks: [0, DISTANCE_RANGE / 2, DISTANCE_RANGE], clipped: true }),
        });
        breakdown.append(fig.figure);
        current = { svgs: [svg, fig.svg], items, tokens: r.tokens, ranking: r, trained: tr };
      } else current = { svgs: [svg], items, tokens: r.tokens, ranking: r, trained: tr };
      timing.textContent = result.precomputed
        ? `These numbers for the default sentences were computed when the page was built, by the same engine, so they show at once; every change is computed live (${names.length} schemes).`
        : tr
        ? `Computed ${names.length} trained models (scores and attention) in ${fmt(result.ms.ranking, 3)} ms, ${engine.simd ? 'SIMD' : 'scalar'} WebAssembly.`
        : `Computed ${names.length} schemes in ${fmt(result.ms.ranking, 3)} ms (scores) + ${fmt(result.ms.detail, 3)} ms (attention weights for the picked scheme), ${engine.simd ? 'SIMD' : 'scalar'} WebAssembly.`;
    },
    exportable() {
      if (!current) return null;
      const st = store.get();
      const rows = [['scheme', 'sentence_distance', 'shift_logit_change', ...current.tokens.map((t, j) => `token_${j}:${t}`), 'error']];
      for (const d of current.items) {
        const sc = current.ranking.schemes[d.key];
        rows.push([d.key, sc ? sc.sentence_distance : '', sc ? sc.shift_logit_change : '', ...current.tokens.map((_, j) => (sc ? sc.token_distance[j] ?? '' : '')), d.error || '']);
      }
      return {
        name: `pe-order-sensitivity${current.trained ? '-trained' : ''}`,
        title: current.trained
          ? `"${st.a}" vs "${st.b}" (trained on ${current.trained.task}: d=${current.trained.config.dim}, H=${current.trained.config.heads}, ${current.trained.config.layers} layers)`
          : `"${st.a}" vs "${st.b}" (d=${st.dim}, H=${st.heads}, seed=${st.seed}${st.causal ? ', causal' : ''})`,
        svgs: current.svgs,
        csv: toCsv(rows),
        json: {
          weights: current.trained ? 'trained' : 'random',
          ...(current.trained ? { trained: current.trained } : {}),
          sentence: st.a, compare: st.b, dim: st.dim, heads: st.heads, seed: st.seed, causal: st.causal, shift: st.shift,
          tokens: current.ranking.tokens, tokens_compare: current.ranking.tokens_compare,
          schemes: Object.fromEntries(current.items.map((d) => {
            const sc = current.ranking.schemes[d.key];
            return [d.key, sc ? { sentence_distance: sc.sentence_distance, shift_logit_change: sc.shift_logit_change, token_distance: Array.from(sc.token_distance, (v) => (Number.isNaN(v) ? null : v)) } : { error: d.error }];
          })),
        },
      };
    },
  };
}
