// Attention heatmaps of the picked scheme (two side by side when a second is chosen):
// per head, sentence A, sentence B, and A - B with B's rows and columns put in A's
// token order (k-th occurrence to k-th occurrence), so "none" without a mask shows an
// exact zero difference. Hover or arrow keys read exact values; each map has a table.
// With trained weights, the maps are one layer of the trained model (layer buttons).
// {main: true} is the page's main picture above the fold: the picked scheme only, one
// head (the chosen one, else head 0), large, with a head picker and no tables.
// Every map shares one fixed scale (colors.js): weights on [0, 1], A - B on
// [-DIFF_RANGE, DIFF_RANGE], rounding below FLOAT_ZERO drawn as 0, and keys hidden by the
// causal mask drawn masked (grey, hatched), not as a zero weight; one legend says so.
import { h, clear, fmt } from '../dom.js';
import { heatmap, legendBar, maskedLegend, maskedKey, createMotion } from '../charts.js';
import { weightScale, differenceScale, DIFF_RANGE, FLOAT_ZERO } from '../colors.js';
import { toCsv } from '../exports.js';

export const MAX_HEATMAP_TOKENS = 64;


function slice(flat, shape, hd) {
  const [, n, m] = shape;
  return flat.subarray(hd * n * m, (hd + 1) * n * m);
}

// Schemes whose point (length extrapolation) needs training to show (issue 12).
export const TRAINED_POINT = new Set(['kerple', 'sandwich', 'fire', 'randomized']);

export function mountHeatmaps(root, store, engine, { main = false } = {}) {
  const headBar = h('div', { class: 'buttons', role: 'group', 'aria-label': 'Heads to show' });
  const layerBar = h('div', { class: 'buttons', role: 'group', 'aria-label': 'Layer of the trained model' });
  const legends = h('div', { class: 'legends scale-legend' });
  const grid = h('div', { class: 'side-by-side' });
  // The main picture puts the maps first and their colour bars under them.
  if (main) root.append(headBar, layerBar, grid, legends);
  else root.append(headBar, layerBar, legends, grid);
  let current = null;
  const cellMotion = {};   // main picture: role + head -> createMotion() across redraws

  function renderHeads(st, heads) {
    clear(headBar);
    const mk = (v, label) => h('button', { type: 'button', 'aria-pressed': String(st.head === v || (main && v === 0 && st.head < 0)), onclick: () => store.set({ head: v }) }, label);
    headBar.append(h('span', { class: 'small' }, main ? 'Head:' : 'Heads:'));
    if (!main) headBar.append(mk(-1, 'all'));
    for (let k = 0; k < heads; k++) headBar.append(mk(k, String(k)));
  }

  function renderLayers(st, layers) {
    clear(layerBar);
    layerBar.hidden = !layers;
    if (!layers) return;
    const mk = (v) => h('button', { type: 'button', 'aria-pressed': String(Math.min(st.layer, layers - 1) === v), onclick: () => store.set({ layer: v }) }, String(v));
    layerBar.append(h('span', { class: 'small' }, 'Layer of the trained model:'), [...Array(layers).keys()].map(mk));
  }

  return {
    render(st, result) {
      const trained = result?.ok && result.trained ? result.detail : null;
      const picked0 = trained && Object.keys(trained.heads).find((n) => n === st.scheme || n === st.vs);
      const heads = picked0 ? trained.heads[picked0] : st.heads;
      renderHeads(st, heads);
      renderLayers(st, picked0 ? trained.layers[picked0].of : 0);
      clear(grid);
      clear(legends);
      current = null;
      if (!result?.ok) return;
      // Trained models are causal decoders; random weights follow the mask switch.
      const causal = Boolean(trained) || st.causal;
      const seq = weightScale();
      const dv = differenceScale();
      const keys = [
        legendBar(seq, 0, 1, 'attention weight (A, B)', { ticks: [0, 0.5, 1] }),
        legendBar(dv, -DIFF_RANGE, DIFF_RANGE, `A − B (same scale for every head and scheme; below ${fmt(FLOAT_ZERO)} is float rounding, drawn as 0)`, { ticks: [-DIFF_RANGE, 0, DIFF_RANGE], clipped: true }),
      ];
      legends.append(...keys);
      const maskedText = 'masked: the causal mask hides a key after its query (not a zero weight)';
      if (causal) legends.append(maskedLegend(maskedText));
      const layout = [];
      const d = result.detail;
      const picked = main ? [st.scheme] : [st.scheme, st.vs].filter((n, k, arr) => n && arr.indexOf(n) === k);
      const ta = d.tokens || [], tb = d.tokens_compare || [];
      // For each token of A, the index of its same occurrence in B (-1: none), from the probe.
      const match = Array.from(d.token_match || []);
      // Linked hover keys: A's tokens by index, B's by the A token they match.
      const keyA = ta.map((_, i) => `a${i}`);
      const keyB = tb.map((_, k) => { const i = match.indexOf(k); return i >= 0 ? `a${i}` : `b${k}`; });
      const svgs = [];
      const data = {};
      for (const name of picked) {
        const col = h('div', { class: 'scheme-col', 'data-scheme': name }, h('h3', null, engine.schemes().find((x) => x.name === name)?.title || name));
        grid.append(col);
        const sc = d.schemes?.[name];
        if (!sc) {
          col.append(h('p', { class: 'error' }, `${name}: ${d.errors?.[name] || 'no result'}`));
          continue;
        }
        const [H, n] = sc.attention_shape;
        const m = sc.attention_compare_shape[1];
        if (n > MAX_HEATMAP_TOKENS || m > MAX_HEATMAP_TOKENS) {
          col.append(h('p', { class: 'message' }, `Heatmaps are drawn for sentences of up to ${MAX_HEATMAP_TOKENS} tokens (these have ${n} and ${m}); the scores above cover the whole text.`));
          continue;
        }
        const heads = st.head >= 0 && st.head < H ? [st.head] : main ? [0] : [...Array(H).keys()];
        if (!trained && !main && TRAINED_POINT.has(name))
          col.append(h('p', { class: 'small trained-point', 'data-scheme': name }, `${name} only shows its point in a trained model: it is built to keep a model working past the length it was trained on, which random weights cannot show. `, h('a', { href: '#view=lab' }, 'Train it in the lab'), ', then switch Weights to trained.'));
        if (trained) col.append(h('p', { class: 'small' }, `Trained model, layer ${trained.layers[name].layer} of ${trained.layers[name].of} (causal: a token attends only to itself and earlier tokens).`));
        const size = heads.length > 1 ? 200 : 300;
        const maxCell = main ? 36 : 26;   // the main picture reads from across a room
        data[name] = { heads: [] };
        for (const hd of heads) {
          const A = slice(sc.attention, sc.attention_shape, hd);
          const B = slice(sc.attention_compare, sc.attention_compare_shape, hd);
          const diff = new Float64Array(n * n);
          let mx = 0;
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) {
              const bi = match[i], bj = match[j];
              const v = bi < 0 || bj < 0 ? NaN : A[i * n + j] - B[bi * m + bj];
              diff[i * n + j] = v;
              if (Number.isFinite(v)) mx = Math.max(mx, Math.abs(v));
            }
          const row = h('div', { class: 'head-row' }, h('h4', null, `Head ${hd}`, h('span', { class: 'small' }, ` · largest |A − B| ${mx < FLOAT_ZERO ? `${fmt(mx, 2)} (rounding: 0)` : fmt(mx, 3)}`)));
          const maskA = causal ? (i, j) => j > i : null;
          const maskD = causal ? (i, j) => j > i && match[j] > match[i] : null;
          const q = (toks) => (i, j, v) => `query "${toks[i]}" (#${i}) → key "${toks[j]}" (#${j}): ${fmt(v, 6)}`;
          const oa = { values: A, rows: n, cols: n, rowLabels: ta, colLabels: ta, scale: seq, title: `${name} · A, head ${hd}`, rowAxis: 'query', colAxis: 'key', maxSize: size, maxCell, readout: q(ta), masked: maskA, link: { rows: keyA, cols: keyA } };
          const ob = { values: B, rows: m, cols: m, rowLabels: tb, colLabels: tb, scale: seq, title: `${name} · B, head ${hd}`, rowAxis: 'query', colAxis: 'key', maxSize: size, maxCell, readout: q(tb), masked: maskA, link: { rows: keyB, cols: keyB } };
          const od = {
            values: diff, rows: n, cols: n, rowLabels: ta, colLabels: ta, scale: dv, title: main ? `${name} · A − B, head ${hd}` : `${name} · A − B (B in A's order), head ${hd}`, rowAxis: 'query', colAxis: 'key', maxSize: size, maxCell, masked: maskD, link: { rows: keyA, cols: keyA },
            readout: (i, j, v) => `"${ta[i]}" → "${ta[j]}": A ${fmt(A[i * n + j], 6)} − B ${match[i] < 0 || match[j] < 0 ? '(no match)' : fmt(B[match[i] * m + match[j]], 6)} = ${fmt(v, 6)}`,
          };
          // The main picture's cells change colour from the last drawing (charts.js createMotion).
          const draw = (o, role) => heatmap(main ? { ...o, motion: (cellMotion[`${role}${hd}`] ||= createMotion()) } : o);
          const fa = draw(oa, 'A'), fb = draw(ob, 'B'), fd = draw(od, 'D');
          row.append(h('div', { class: 'maps' }, fa.figure, fb.figure, fd.figure));
          col.append(row);
          svgs.push(fa.svg, fb.svg, fd.svg);
          layout.push([fa.svg, fb.svg, fd.svg]);
          data[name].heads.push({ head: hd, attention_a: Array.from(A), attention_b: Array.from(B), difference: Array.from(diff, (v) => (Number.isNaN(v) ? null : v)), max_abs_difference: mx });
        }
      }
      current = { svgs, data, ta, tb, layout: [...layout, ...keys, ...(causal ? [maskedKey(maskedText)] : [])] };
    },
    exportable() {
      if (!current) return null;
      const st = store.get();
      const rows = [['scheme', 'head', 'matrix', 'query', 'query_token', 'key', 'key_token', 'value']];
      for (const [name, x] of Object.entries(current.data))
        for (const hd of x.heads) {
          const n = current.ta.length, m = current.tb.length;
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rows.push([name, hd.head, 'A', i, current.ta[i], j, current.ta[j], hd.attention_a[i * n + j]]);
          for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) rows.push([name, hd.head, 'B', i, current.tb[i], j, current.tb[j], hd.attention_b[i * m + j]]);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rows.push([name, hd.head, 'A-B', i, current.ta[i], j, current.ta[j], hd.difference[i * n + j] ?? '']);
        }
      return {
        name: `pe-attention-${[st.scheme, st.vs].filter(Boolean).join('-vs-')}`,
        title: `Attention: "${st.a}" vs "${st.b}"`,
        svgs: current.svgs,
        layout: current.layout,
        csv: toCsv(rows),
        json: { sentence: st.a, compare: st.b, tokens: current.ta, tokens_compare: current.tb, dim: st.dim, heads: st.heads, seed: st.seed, causal: st.causal, schemes: current.data },
      };
    },
  };
}
