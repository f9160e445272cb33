// Norm and direction: how much each picked scheme (A, and B when "vs" is set) distorts
// the vectors it acts on, position by position of sentence A, from the probe's `norms`
// (probe.hpp, "Details"; the detail call asks for them with `norms: true`):
//   input schemes (sinusoidal, learned, ...):  |x_p + PE(p)| / |x_p| and cos(x_p, x_p + PE(p))
//   rotary schemes (rope, xpos, fope):         the same for q and k of one head, before and
//                                              after the rotation (RoPE: a flat line at 1)
//   logit schemes (alibi, t5, ...):            the vectors are unchanged (measured: 1 and 1)
// Two line charts (ratio, cosine) with one colour per scheme (solid: input or query,
// dashed: key), and plain words under them computed from the numbers.
import { h, clear, fmt } from '../dom.js';
import { lines } from '../charts.js';
import { schemeColor } from '../colors.js';
import { toCsv } from '../exports.js';

// |ratio - 1| and 1 - cos below this are float32 rounding of the layer, not a change.
export const NORM_ROUNDING = 1e-6;

const degrees = (c) => (Math.acos(Math.max(-1, Math.min(1, c))) * 180) / Math.PI;

// The series of one scheme's norms for head `head`: [{what, ratio, cos}] (n values each).
export function normSeries(norms, head) {
  if (norms.acts_on === 'query_key') {
    const [heads, n] = norms.shape;
    const hd = Math.min(Math.max(head, 0), heads - 1);
    const row = (a) => Array.from(a.subarray(hd * n, (hd + 1) * n));
    return [
      { what: `query, head ${hd}`, ratio: row(norms.query_ratio), cos: row(norms.query_cos) },
      { what: `key, head ${hd}`, ratio: row(norms.key_ratio), cos: row(norms.key_cos), dash: '5 3' },
    ];
  }
  return [{ what: norms.acts_on === 'none' ? 'token vector (unchanged)' : 'x + PE', ratio: Array.from(norms.input_ratio), cos: Array.from(norms.input_cos) }];
}

// One or two sentences about one scheme, from its numbers.
export function normWords(name, norms, series, tokens) {
  if (norms.acts_on === 'none')
    return `${name} changes no token vector (ratio 1 and cosine 1 at every position, measured): its position signal goes into the attention logits, not into the words.`;
  const parts = series.map((se) => {
    const lo = Math.min(...se.ratio), hi = Math.max(...se.ratio);
    const worst = se.cos.reduce((k, c, i) => (c < se.cos[k] ? i : k), 0);
    const spread = Math.max(Math.abs(hi - 1), Math.abs(lo - 1));
    const length = spread < NORM_ROUNDING
      ? `keeps its length (ratio 1 within ${fmt(Math.max(spread, 1e-16), 2)}, float32 rounding)`
      : `changes its length by a factor ${fmt(lo, 5)} to ${fmt(hi, 5)}`;
    const c = se.cos[worst];
    const turn = 1 - c < NORM_ROUNDING
      ? 'and keeps its direction'
      : `and turns by up to ${fmt(degrees(c), 3)}° (cos ${fmt(c, 3)} at position ${worst}, "${tokens[worst] ?? ''}")`;
    return `the ${se.what.replace(/, head \d+/, '')} ${length} ${turn}`;
  });
  let tail = '';
  if (norms.acts_on === 'input') {
    const mean = series[0].cos.reduce((a, b) => a + b, 0) / series[0].cos.length;
    tail = ` The word and its position share one vector: on average the encoded vector points ${fmt(degrees(mean), 3)}° away from the word alone.`;
  } else if (series.every((se) => se.ratio.every((r) => Math.abs(r - 1) < NORM_ROUNDING))) {
    tail = ' A rotation: the position lives in the angle only, never in the length.';
  }
  const where = norms.acts_on === 'input' ? 'on the input' : 'on queries and keys';
  return `${name} (acts ${where}): ${parts.join('; ')}.${tail}`;
}

export function mountNorms(root, store, engine) {
  const lead = h('p', { class: 'small' }, 'How much each scheme changes the vectors it acts on, position by position of sentence A: the length ratio |after| / |before| and the cosine between before and after. A rotation keeps the ratio at exactly 1.');
  const charts = h('div', { class: 'side-by-side' });
  const words = h('div', { class: 'norm-words', 'aria-live': 'polite' });
  root.append(lead, charts, words);
  let current = null;

  return {
    render(st, result) {
      clear(charts);
      clear(words);
      current = null;
      if (!result?.ok) return;
      if (result.trained) {
        words.append(h('p', { class: 'message' }, 'Norm and direction are computed for the random one-layer probe only; switch "Weights" to random to see them.'));
        return;
      }
      const d = result.detail;
      const tokens = d.tokens || [];
      const picked = [st.scheme, st.vs].filter((n, k, arr) => n && arr.indexOf(n) === k);
      const head = st.head >= 0 ? st.head : 0;
      const ratio = [], cos = [], data = {};
      const xs = tokens.map((_, i) => i);
      for (const name of picked) {
        const s = d.schemes?.[name];
        if (!s) {
          words.append(h('p', { class: 'error' }, `${name}: ${d.errors?.[name] || 'no result'}`));
          continue;
        }
        if (!s.norms) {
          words.append(h('p', { class: 'message' }, `${name}: the probe was not asked for norms (the detail call needs norms: true).`));
          continue;
        }
        const series = normSeries(s.norms, head);
        data[name] = { acts_on: s.norms.acts_on, series };
        for (const se of series) {
          const label = `${name}: ${se.what}`;
          ratio.push({ name: label, xs, ys: se.ratio, color: schemeColor(name), dash: se.dash });
          cos.push({ name: label, xs, ys: se.cos, color: schemeColor(name), dash: se.dash });
        }
        words.append(h('p', { 'data-scheme': name }, normWords(name, s.norms, series, tokens)));
      }
      if (!ratio.length) return;
      // RoPE's unchanged norms beside an absolute scheme: one click away when not shown.
      if (!Object.values(data).some((v) => v.acts_on === 'query_key') && engine.schemes().some((x) => x.name === 'rope'))
        words.append(h('p', null, h('button', { type: 'button', id: 'norms-vs-rope', onclick: () => store.set({ vs: 'rope' }) }, 'Compare with RoPE'), ' a rotation: its ratio stays at exactly 1 at every position.'));
      const xFormat = (x) => `${x} ("${tokens[x] ?? ''}")`;
      // Fixed ranges around 1, so rounding (RoPE's 1 +- 1e-8) draws flat, not stretched.
      const all = (ss) => ss.flatMap((se) => se.ys.filter(Number.isFinite));
      const rs = all(ratio), cs = all(cos);
      const ratioRange = [Math.min(0.9, ...rs), Math.max(1.1, ...rs)];
      const cosRange = [Math.min(0.8, ...cs), 1];
      const headNote = Object.values(data).some((v) => v.acts_on === 'query_key') ? `Queries and keys of head ${head}${st.head < 0 ? ' (pick a head in the heatmaps to change it)' : ''}; solid: input or query, dashed: key.` : '';
      const f1 = lines({ series: ratio, title: 'Length ratio |after| / |before| by position', xLabel: 'position', yLabel: 'ratio', width: 560, height: 240, yRange: ratioRange, dots: tokens.length <= 32, readoutDigits: 8, xFormat });
      const f2 = lines({ series: cos, title: 'Cosine between before and after, by position', xLabel: 'position', yLabel: 'cos', width: 560, height: 240, yRange: cosRange, dots: tokens.length <= 32, readoutDigits: 6, xFormat });
      charts.append(f1.figure, f2.figure);
      if (headNote) words.prepend(h('p', { class: 'small' }, headNote));
      current = { svgs: [f1.svg, f2.svg], data, tokens, head };
    },
    exportable() {
      if (!current) return null;
      const st = store.get();
      const rows = [['scheme', 'vector', 'position', 'token', 'ratio', 'cos']];
      for (const [name, v] of Object.entries(current.data))
        for (const se of v.series) se.ratio.forEach((r, p) => rows.push([name, se.what, p, current.tokens[p], r, se.cos[p]]));
      const names = Object.keys(current.data);
      return { name: `pe-norms-${names.join('-vs-')}`, title: `Norm and direction: ${names.join(' and ')}`, svgs: current.svgs, layout: [current.svgs], csv: toCsv(rows), json: { sentence: st.a, tokens: current.tokens, head: current.head, schemes: current.data } };
    },
  };
}
