// Order sensitivity of every scheme: a ranked bar chart of the probe's sentence
// distance (1 - cos of the mean outputs of A and B), the shift probe, and a per-token
// breakdown (token distance, scheme x token). Click a bar to pick the scheme. With the
// "trained" switch on, the same numbers come from the lab's trained models.
import { h, clear, fmt } from '../dom.js';
import { bars, heatmap, legendBar } from '../charts.js';
import { sequential, schemeColor } from '../colors.js';
import { toCsv } from '../exports.js';

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
  const chart = h('div', { id: 'ranking', class: 'chart-wrap' });
  const breakdown = h('div', { id: 'breakdown', class: 'chart-wrap' });
  const timing = h('p', { class: 'small', id: 'timing' });
  root.append(lead, chart, breakdown, timing);
  let current = null;
  const titleOf = (n) => engine.schemes().find((x) => x.name === n)?.title || n;

  return {
    render(st, result) {
      clear(chart);
      clear(breakdown);
      if (!result?.ok) {
        current = null;
        lead.textContent = 'No scores: see the message under the sentences.';
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
      const svg = bars({ items: items.map((d) => ({ ...d, color: schemeColor(d.key) })), title: `Order sensitivity${tr ? ' (trained)' : ''}, 1 - cos(mean output A, mean output B)`, selected: st.scheme, onPick: (k) => store.set({ scheme: k }) });
      const list = h('ol', { class: 'score-list', 'aria-label': 'Scores by scheme' });
      for (const d of items)
        list.append(h('li', { 'data-scheme': d.key, 'data-score': Number.isFinite(d.value) ? String(d.value) : '' },
          h('span', { class: 'swatch-dot', style: `--c:${schemeColor(d.key)}`, 'aria-hidden': 'true' }),
          h('button', { type: 'button', class: 'linklike', onclick: () => store.set({ scheme: d.key }), 'aria-current': d.key === st.scheme ? 'true' : null }, d.key),
          ` ${titleOf(d.key)}: `, h('span', { class: 'score' }, d.error ? 'error' : fmt(d.value, 6)),
          d.error ? h('span', { class: 'field-error' }, ` (${d.error})`) : ` · shift ${st.shift}: logits move by ${fmt(d.shift, 3)}`));
      chart.append(h('figure', { class: 'chart' }, svg, h('figcaption', { class: 'small' }, 'Click a bar or a name to show that scheme below. The list gives the exact values and the shift probe (max change of any logit when every position moves by K).'), list));

      // Per-token breakdown: rows schemes (ranked), columns tokens of A.
      const ok = items.filter((d) => !d.error);
      const n = r.tokens.length;
      if (n && n <= 64 && ok.length) {
        const vals = new Float64Array(ok.length * n);
        let hi = 0;
        ok.forEach((d, i) => r.schemes[d.key].token_distance.forEach((v, j) => {
          vals[i * n + j] = v === null ? NaN : v;
          if (Number.isFinite(v)) hi = Math.max(hi, v);
        }));
        const scale = sequential(0, hi || 1);
        const fig = heatmap({
          values: vals, rows: ok.length, cols: n, rowLabels: ok.map((d) => d.key), colLabels: r.tokens, scale,
          title: 'Per token: 1 - cos(output in A, output of the same token in B)', maxSize: 420,
          readout: (i, j, v) => `${ok[i].key}, token "${r.tokens[j]}" (#${j}): ${Number.isNaN(v) ? 'no match in B' : fmt(v, 6)}`,
          legend: legendBar(scale, 0, hi || 1, 'token distance'),
        });
        breakdown.append(fig.figure);
        current = { svgs: [svg, fig.svg], items, tokens: r.tokens, ranking: r, trained: tr };
      } else current = { svgs: [svg], items, tokens: r.tokens, ranking: r, trained: tr };
      timing.textContent = tr
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
