// What the scheme adds, drawn from its table entries (engine.table), so a new scheme
// shows up without code here:
//   rank-2 entries (e.g. "pe": position x dimension, "buckets", "index") as heatmaps,
//   rank-3 entries (e.g. "bias": head x query x key) as one heatmap per head,
//   rank-1 entries (e.g. "slopes", "inv_freq") as lines, scalars as text,
//   "angles" with "inv_freq" as the rotation of one 2-D pair per frequency, animated as
//   the position moves (not when the reader prefers reduced motion).
// "profile" belongs to the distance view.
import { h, s, clear, fmt, prefersReducedMotion } from '../dom.js';
import { heatmap, lines, legendBar } from '../charts.js';
import { sequential, diverging, SERIES } from '../colors.js';
import { tableFor, at } from '../tables.js';
import { toCsv } from '../exports.js';

export const ADDS_LEN = 32;   // positions shown
const ANIM_LEN = 64;          // positions the rotation runs through

const rowName = { pe: ['position', 'dimension'], buckets: ['query i', 'key j'], index: ['query i', 'key j'], bias: ['query i', 'key j'] };

function matrixFigure(name, entry, { title, integer, sub }) {
  const [rows, cols] = entry.shape.slice(-2);
  let lo = Infinity, hi = -Infinity;
  for (const v of entry.data) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  const signed = lo < 0 && hi > 0;
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  const scale = signed ? diverging(m) : sequential(lo, hi === lo ? lo + 1 : hi);
  const axes = rowName[name] || ['row', 'column'];
  const values = sub === undefined ? entry.data : entry.data.subarray(sub * rows * cols, (sub + 1) * rows * cols);
  const fig = heatmap({
    values, rows, cols, scale, title, rowAxis: axes[0], colAxis: axes[1], maxSize: 260,
    rowLabels: [...Array(rows).keys()].map(String), colLabels: [...Array(cols).keys()].map(String),
    readout: (i, j, v) => `${name}${sub !== undefined ? `[${sub}]` : ''} ${axes[0]} ${i}, ${axes[1]} ${j}: ${Number.isNaN(v) ? 'masked' : integer ? String(v) : fmt(v, 6)}`,
    legend: legendBar(scale, signed ? -m : lo, signed ? m : hi, name),
  });
  return fig;
}

function rotationWidget(tables, onSvg) {
  const inv = tables.inv_freq.data;
  const af = tables.attention_factor ? tables.attention_factor.data[0] : 1;
  const angles = tables.angles;
  const pairs = inv.length;
  const shown = pairs <= 8 ? [...Array(pairs).keys()] : [...new Set([...Array(8).keys()].map((k) => Math.round((k * (pairs - 1)) / 7)))];
  const R = 34, cell = 2 * R + 26;
  const width = shown.length * cell, height = 2 * R + 58;
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'rotation', 'aria-label': 'Rotation of one 2-D pair per frequency at the chosen position' });
  const slider = h('input', { type: 'range', min: 0, max: ANIM_LEN - 1, value: 0, id: 'rotation-pos' });
  const posOut = h('output', { for: 'rotation-pos' }, '0');
  const play = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Play');
  const parts = shown.map((k, c) => {
    const cx = c * cell + cell / 2, cy = R + 18;
    const g = s('g');
    g.append(s('circle', { cx, cy, r: R, class: 'ring' }));
    const trail = s('path', { class: 'trail', fill: 'none' });
    const vec = s('line', { x1: cx, y1: cy, x2: cx + R, y2: cy, stroke: SERIES[c % SERIES.length], 'stroke-width': 2.5 });
    const wl = 2 * Math.PI / inv[k];
    g.append(trail, vec,
      s('text', { x: cx, y: 12, 'text-anchor': 'middle', class: 'tick' }, `pair ${k}`),
      s('text', { x: cx, y: 2 * R + 34, 'text-anchor': 'middle', class: 'tick' }, `ω=${fmt(inv[k], 3)}`),
      s('text', { x: cx, y: 2 * R + 48, 'text-anchor': 'middle', class: 'tick' }, Number.isFinite(wl) ? `λ=${fmt(wl, 3)}` : 'λ=∞'));
    svg.append(g);
    return { k, cx, cy, trail, vec };
  });
  const readout = h('output', { class: 'readout', 'aria-live': 'off' });
  const draw = (p) => {
    for (const { k, cx, cy, trail, vec } of parts) {
      const a = at(angles, p, k);
      vec.setAttribute('x2', cx + R * Math.cos(a));
      vec.setAttribute('y2', cy - R * Math.sin(a));
      let d = '';
      for (let q = 0; q <= p; q++) {
        const b = at(angles, q, k);
        d += `${q ? 'L' : 'M'}${(cx + R * 0.82 * Math.cos(b)).toFixed(1)},${(cy - R * 0.82 * Math.sin(b)).toFixed(1)}`;
      }
      trail.setAttribute('d', d);
    }
    posOut.textContent = String(p);
    readout.textContent = `position ${p}: angles ` + parts.map(({ k }) => `pair ${k} ${fmt(at(angles, p, k), 4)} rad`).join(', ') + (af !== 1 ? ` (cos and sin times attention factor ${fmt(af, 4)})` : '');
  };
  slider.addEventListener('input', () => draw(Number(slider.value)));
  let raf = 0, last = 0;
  const tick = (t) => {
    if (!svg.isConnected) return stop();
    if (t - last > 180) {
      last = t;
      slider.value = String((Number(slider.value) + 1) % ANIM_LEN);
      draw(Number(slider.value));
    }
    raf = requestAnimationFrame(tick);
  };
  const stop = () => { cancelAnimationFrame(raf); raf = 0; play.textContent = 'Play'; play.setAttribute('aria-pressed', 'false'); };
  const start = () => { raf = requestAnimationFrame(tick); play.textContent = 'Pause'; play.setAttribute('aria-pressed', 'true'); };
  play.addEventListener('click', () => (raf ? stop() : start()));
  draw(0);
  if (!prefersReducedMotion()) start();
  onSvg(svg);
  return h('figure', { class: 'chart' }, h('figcaption', null, `Each pair of query/key dimensions turns by position × ω; a low ω barely moves over ${ANIM_LEN} positions. ${pairs} pairs, ${shown.length} shown.`), svg,
    h('div', { class: 'inline' }, h('label', { for: 'rotation-pos' }, 'Position '), slider, posOut, play), readout);
}

// Positive values over three decades or more (RoPE's inv_freq) read on a log axis.
const spansDecades = (v) => {
  let lo = Infinity, hi = 0;
  for (const x of v) { if (!(x > 0)) return false; lo = Math.min(lo, x); hi = Math.max(hi, x); }
  return hi / lo >= 1000;
};

export function mountAdds(root, store, engine) {
  const grid = h('div', { class: 'side-by-side' });
  root.append(grid);
  let current = null;

  return {
    render(st) {
      clear(grid);
      const picked = [st.scheme, st.vs].filter((n, k, arr) => n && arr.indexOf(n) === k);
      const svgs = [];
      const data = {};
      for (const name of picked) {
        const info = engine.schemes().find((x) => x.name === name);
        const col = h('div', { class: 'scheme-col', 'data-scheme': name }, h('h3', null, info?.title || name),
          h('p', { class: 'small' }, `Acts on: ${info?.acts_on || '?'}.`));
        grid.append(col);
        const len = ADDS_LEN;
        const r = tableFor(engine, store, name, len);
        if (r.error) {
          col.append(h('p', { class: 'error' }, r.error));
          continue;
        }
        const t = r.tables;
        data[name] = Object.fromEntries(Object.entries(t).map(([k, e]) => [k, { shape: e.shape, data: Array.from(e.data, (v) => (Number.isNaN(v) ? null : v)) }]));
        if (t.angles && t.inv_freq) {
          const anim = tableFor(engine, store, name, ANIM_LEN);
          if (!anim.error) col.append(rotationWidget(anim.tables, (svg) => svgs.push(svg)));
        }
        for (const [ename, e] of Object.entries(t)) {
          if (ename === 'profile' || ename === 'angles') continue;
          const rank = e.shape.length;
          if (rank === 0 || e.data.length === 1) {
            col.append(h('p', null, `${ename} = `, h('strong', null, fmt(e.data[0], 6))));
          } else if (rank === 1) {
            const xs = [...Array(e.data.length).keys()];
            const f = lines({ series: [{ name: ename, xs, ys: Array.from(e.data), color: SERIES[0] }], title: ename === 'slopes' ? `slopes m_h, one per head: ${Array.from(e.data, (v) => fmt(v, 4)).join(', ')}` : `${ename} (${e.data.length} values)`, xLabel: ename === 'slopes' ? 'head h' : 'index k', yLabel: spansDecades(e.data) ? `${ename} (log scale)` : ename, width: 420, height: 200, yLog: spansDecades(e.data) });
            col.append(f.figure);
            svgs.push(f.svg);
          } else if (rank === 2) {
            const all = e.shape[0] * e.shape[1];
            if (all > 65536) { col.append(h('p', { class: 'small' }, `${ename}: ${e.shape.join(' × ')} values (too many to draw)`)); continue; }
            const f = matrixFigure(ename, e, { title: `${ename} (${e.shape.join(' × ')}${ename === 'pe' ? `, d = ${r.dim}` : ''})`, integer: e.integer });
            col.append(f.figure);
            svgs.push(f.svg);
          } else if (rank === 3) {
            const heads = Math.min(e.shape[0], 8);
            const row = h('div', { class: 'maps' });
            for (let k = 0; k < heads; k++) {
              const f = matrixFigure(ename, e, { title: `${ename}, head ${k}${t.slopes ? ` (m = ${fmt(at(t.slopes, k), 4)})` : ''}`, integer: e.integer, sub: k });
              row.append(f.figure);
              svgs.push(f.svg);
            }
            col.append(row);
            if (e.shape[0] > heads) col.append(h('p', { class: 'small' }, `First ${heads} of ${e.shape[0]} heads shown.`));
          }
        }
      }
      current = { svgs, data };
    },
    exportable() {
      if (!current) return null;
      const st = store.get();
      const rows = [['scheme', 'entry', 'index', 'value']];
      for (const [name, ents] of Object.entries(current.data))
        for (const [ename, e] of Object.entries(ents)) e.data.forEach((v, k) => rows.push([name, ename, unravel(k, e.shape).join(' '), v ?? '']));
      return { name: `pe-adds-${[st.scheme, st.vs].filter(Boolean).join('-vs-')}`, title: `What ${[st.scheme, st.vs].filter(Boolean).join(' and ')} add`, svgs: current.svgs, csv: toCsv(rows), json: { len: ADDS_LEN, dim: st.dim, heads: st.heads, settings: st.settings, tables: current.data } };
    },
  };
}

function unravel(k, shape) {
  const idx = [];
  for (let a = shape.length - 1; a >= 0; a--) {
    idx.unshift(k % shape[a]);
    k = Math.floor(k / shape[a]);
  }
  return idx;
}
