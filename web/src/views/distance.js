// Score as a function of distance r between query and key: the "profile" entry of the
// scheme's table (rows: heads, or one row; column r = 0..len-1), e.g. RoPE's expected
// q.k decay, ALiBi's line, PE(0) . PE(r) for schemes on the input; for schemes with a
// bias matrix (T5, KERPLE, Sandwich, FIRE) both directions, r < 0 being a key after its
// query (T5's buckets as steps). Each curve says what it is and in which units, and
// only a length the scheme has of its own is marked. A scheme with a choice parameter
// "scaling" gets every scaling overlaid (dashed), as the context-extension methods do to RoPE.
import { h, clear, fmt } from '../dom.js';
import { lines } from '../charts.js';
import { SERIES, schemeColor } from '../colors.js';
import { tableFor } from '../tables.js';
import { toCsv } from '../exports.js';

// What each scheme's curve is, in words and units (the "profile" of its table, table.hpp
// and each scheme's header), and the y-axis label.
const MEANING = {
  none: ['nothing: no position reaches the layer', 'score'],
  sinusoidal: ['PE(0) · PE(r): the dot product of the encodings of two positions r apart (no units; the most alike at r = 0)', 'PE(0) · PE(r)'],
  learned: ['PE(0) · PE(r) for the learned table (random until trained)', 'PE(0) · PE(r)'],
  fourier: ['PE(0) · PE(r) = Σ cos(2πk·r/N): periodic in r with period N', 'PE(0) · PE(r)'],
  integer: ['−|PE(0) − PE(r)|²: minus the squared distance between the encodings of two positions r apart', '−|PE(0) − PE(r)|²'],
  binary: ['−|PE(0) − PE(r)|²: minus the number of bits in which positions 0 and r differ', '−|PE(0) − PE(r)|²'],
  rope: ['q_r · k_0 for all-ones q and k over the rotated dimensions: how the score of a fixed pair changes with distance alone (logit units before 1/√d_head)', 'q_r · k_0'],
  xpos: ['q_r · k_0 for all-ones q and k: RoPE\'s curve times xPos\'s decay ζ^(r / scale_base)', 'q_r · k_0'],
  fope: ['q_r · k_0 of head 0 for all-ones q and k, through FoPE\'s Fourier coefficients', 'q_r · k_0'],
  alibi: ['the bias −m_h · r added to the logit, one line per head (logit units)', 'bias (logit units)'],
  shaw: ['q · aK[clip(−r)] / √d_head for the probe\'s query: the relative-key term of the logit (logit units; flat past max_relative)', 'logit term'],
  t5: ['the learned bias of r\'s bucket, per head (logit units; random until trained): steps, one per bucket, in both directions', 'bias (logit units)'],
  kerple: ['the bias −r1 · log(1 + r2·|r|) (log variant) or −r1 · |r|^r2 (power), per head (logit units)', 'bias (logit units)'],
  sandwich: ['the bias from the inner product of the two positions\' sinusoids, scaled per head (logit units)', 'bias (logit units)'],
  fire: ['the MLP\'s bias for the log-transformed distance normalised by the query position, per head (logit units; random until trained)', 'bias (logit units)'],
  txl: ['the position-only term v_h · R(r) of Transformer-XL\'s logit, per head (logit units)', 'v · R(r)'],
  randomized: ['the inner encoding\'s curve at the drawn positions: PE(I_0) · PE(I_r) (sinusoidal, learned) or q · k rotated by (I_r − I_0)θ (RoPE), r counting tokens, not drawn positions', 'similarity at the drawn positions'],
  cpe: ['the root-mean-square weight with which a token r positions away enters the convolution', 'RMS weight'],
  cope: ['the contextual position of a key r tokens before the query, when every gate is open (positions, not logits)', 'contextual position'],
};
const meaningOf = (info) => MEANING[info.name] ?? [info.where === 'input' ? 'PE(0) · PE(r)' : 'the score added at distance r', 'value', false];

// Lengths a scheme has of its own (a setting), marked on its curve; none for schemes
// without one (ALiBi, KERPLE, ...). RoPE's trained context only with a scaling on.
const LENGTH_KEYS = {
  learned: [['max_len', 'max_len: the last learned position']],
  shaw: [['max_relative', 'max_relative: farther is clipped']],
  t5: [['max_distance', 'max_distance: the last bucket']],
  fope: [['train_len', 'train_len']],
  fire: [['L', 'L: threshold']],
  cope: [['npos', 'npos']],
  txl: [['clamp_len', 'clamp_len']],
  rope: [['original_max', 'original context']],
};
function lengthMarks(name, store, range) {
  const out = [];
  for (const [key, label] of LENGTH_KEYS[name] || []) {
    if (name === 'rope' && (store.setting(name, 'scaling') ?? 'none') === 'none') continue;
    const v = Number(store.setting(name, key));
    if (!(v > 0) || v > range[1]) continue;
    out.push({ x: v, label });
    if (range[0] < 0) out.push({ x: -v, label: '' });
  }
  return out;
}

// Rows of the profile, r = 0..len-1 (or both directions from the bias matrix when the
// scheme has one: r = i − j from −(len−1), a key after its query, to len−1).
export function profileSeries(engine, store, name, len, extra) {
  const r = tableFor(engine, store, name, len, extra);
  if (r.error) return { error: r.error };
  const t = r.tables;
  const bias = t.bias && t.bias.shape.length === 3 ? t.bias : null;
  if (bias) {
    const [H, n] = bias.shape;
    const rows = [];
    const xs = [];
    for (let d = -(n - 1); d <= n - 1; d++) xs.push(d);
    for (let hd = 0; hd < H; hd++) {
      const m = bias.data.subarray(hd * n * n, (hd + 1) * n * n);
      // r >= 0: the last query and the keys before it; r < 0: the first query and the keys after it.
      rows.push(xs.map((d) => (d >= 0 ? m[(n - 1) * n + (n - 1 - d)] : m[-d])));
    }
    return { what: 'bias', xs, rows };
  }
  if (t.profile) {
    const [rows, n] = t.profile.shape.length === 1 ? [1, t.profile.shape[0]] : t.profile.shape;
    return { what: 'profile', xs: [...Array(n).keys()], rows: [...Array(rows).keys()].map((k) => Array.from(t.profile.data.subarray(k * n, (k + 1) * n))) };
  }
  return { error: 'this scheme has no distance profile (its positions depend on the content; see the heatmaps)' };
}

// Piecewise-constant curves (bucketed) draw as steps.
const STEPPED = new Set(['t5']);

export function mountDistance(root, store, engine) {
  const grid = h('div', { class: 'side-by-side' });
  root.append(h('p', { class: 'small' }, 'Each curve is what the scheme adds, or how alike two positions look, as a function of the distance r = i − j between a query i and a key j. Drag "length" in the length view to change the range of r.'), grid);
  let current = null;
  return {
    render(st) {
      clear(grid);
      const picked = [st.scheme, st.vs].filter((n, k, arr) => n && arr.indexOf(n) === k);
      const svgs = [], data = {};
      const len = Math.min(st.len, 512);
      for (const name of picked) {
        const info = engine.schemes().find((x) => x.name === name);
        const col = h('div', { class: 'scheme-col', 'data-scheme': name }, h('h3', null, info?.title || name));
        grid.append(col);
        const base = profileSeries(engine, store, name, len);
        if (base.error) {
          col.append(h('p', { class: 'message' }, base.error));
          continue;
        }
        const [meaning, yLabel, described = true] = meaningOf(info);
        const xs = base.xs;
        const step = STEPPED.has(name);
        const series = base.rows.length === 1
          ? [{ name: `${name} (current settings)`, xs, ys: base.rows[0], color: schemeColor(name), step }]
          : base.rows.slice(0, 8).map((ys, k) => ({ name: `head ${k}`, xs, ys, color: SERIES[k % SERIES.length], step }));
        data[name] = { what: base.what, meaning, r: xs, current: base.rows };
        const scaling = info.params.find((p) => p.key === 'scaling' && p.kind === 'choice');
        if (scaling) {
          const now = store.setting(name, 'scaling');
          data[name].scalings = {};
          let c = 1;
          for (const choice of scaling.choices) {
            if (choice === now) continue;
            const o = profileSeries(engine, store, name, len, { scaling: choice });
            if (o.error) continue;
            series.push({ name: `scaling=${choice}`, xs, ys: o.rows[0], color: SERIES[c++ % SERIES.length], dash: '5 3' });
            data[name].scalings[choice] = o.rows[0];
          }
        }
        const both = xs[0] < 0;
        const markers = lengthMarks(name, store, [xs[0], xs.at(-1)]);
        const f = lines({ series, title: `${name}: ${yLabel} against distance r = i − j`, xLabel: both ? 'distance r = i − j (negative: the key comes after the query)' : 'distance r = i − j (positions)', yLabel, width: 560, height: 260, markers });
        col.append(h('p', { class: 'small curve-meaning', 'data-described': String(described) }, `The curve: ${meaning}.`), f.figure);
        if (scaling) col.append(h('p', { class: 'small' }, `Dashed: the other scalings with this scheme's other settings (factor ${store.setting(name, 'factor') ?? '?'}).`));
        svgs.push(f.svg);
      }
      current = { svgs, data };
    },
    exportable() {
      if (!current) return null;
      const st = store.get();
      const rows = [['scheme', 'series', 'r', 'value']];
      for (const [name, d] of Object.entries(current.data)) {
        d.current.forEach((ys, k) => ys.forEach((v, i) => rows.push([name, d.current.length > 1 ? `head ${k}` : d.what, d.r[i], v])));
        for (const [c, ys] of Object.entries(d.scalings || {})) ys.forEach((v, i) => rows.push([name, `scaling=${c}`, d.r[i], v]));
      }
      return { name: `pe-distance-${[st.scheme, st.vs].filter(Boolean).join('-vs-')}`, title: 'Score vs distance', svgs: current.svgs, csv: toCsv(rows), json: current.data };
    },
  };
}
