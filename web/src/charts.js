// SVG charts shared by the views: heatmap (with token labels, a hover readout and a
// data-table alternative), ranked bars and line charts. Pure builders: they return
// elements and never read the state. Every label goes in as text.
import { scaleLinear, scaleLog } from 'd3-scale';
import { h, s, fmt, uid, clear, prefersReducedMotion } from './dom.js';
import { MASKED_FILL } from './colors.js';

const FONT = 11;
const clampLabel = (t, n = 10) => (t.length > n ? t.slice(0, n - 1) + '…' : t);

// Motion on change: a value that moved since the last drawing animates from where it was
// (bars grow or shrink, cells change colour), so the eye finds what changed. Never with
// prefers-reduced-motion, never blocking input (SMIL on the drawing only), and stripped
// from exports (exports.js). A chart keeps one createMotion() across its redraws: a
// redraw with the same values (the seed spread arriving) continues the running animation
// instead of cutting it short; new values start from where the old ones were.
// A chart given a plan (its `motion` option) reports its new values to it and animates the
// elements whose value moved.
export const MOTION_S = 0.35;
// plan(target {key: value}) -> {from: {key: value}, elapsed: seconds} for this drawing, or null.
export function createMotion(lerp = null) {
  let st = null;
  const same = (a, b) => Object.keys(a).length === Object.keys(b).length && Object.keys(b).every((k) => a[k] === b[k]);
  return function plan(target) {
    const now = performance.now();
    if (prefersReducedMotion()) {
      st = { target, from: null, t0: now };
      return null;
    }
    if (st && same(st.target, target)) {
      const elapsed = (now - st.t0) / 1000;
      return st.from && elapsed < MOTION_S ? { from: st.from, elapsed } : null;
    }
    let from = null;
    if (st) {
      const p = Math.min(1, (now - st.t0) / 1000 / MOTION_S);
      from = {};
      for (const k of Object.keys(target)) {
        const a = st.from?.[k], b = st.target[k];
        from[k] = p < 1 && lerp && a !== undefined && b !== undefined ? lerp(a, b, p) : b;
      }
    }
    st = { target, from, t0: now };
    return from ? { from, elapsed: 0 } : null;
  };
}
// After a chart is built: targets {key: value}, elements {key: SVG element} whose
// attribute `attr` holds that value; `skip` values never animate (e.g. an empty cell).
function animateChanges(plan, attr, targets, elements, skip = null) {
  const m = plan?.(targets);
  if (!m) return;
  for (const [k, to] of Object.entries(targets)) {
    const from = m.from[k];
    if (from === undefined || from === to || from === skip || to === skip) continue;
    elements[k].append(s('animate', { attributeName: attr, from, to, dur: `${MOTION_S}s`, begin: m.elapsed > 0 ? `-${m.elapsed.toFixed(3)}s` : '0s', fill: 'freeze', class: 'motion' }));
  }
}

// Linked hover: every linked heatmap (weakly held, so redrawn charts can go) in the same
// document or shadow root as the source highlights the rows and columns of `keys`.
const linked = new Set();
export function linkHover(source, keys) {
  const root = source.getRootNode();
  for (const ref of linked) {
    const svg = ref.deref();
    if (!svg) { linked.delete(ref); continue; }
    if (svg.isConnected && svg.getRootNode() === root) svg._linkHighlight(keys);
  }
}

// Cell under a pointer event, in (row, col), or null.
function cellAt(svg, ev, x0, y0, cw, ch, rows, cols) {
  const pt = svg.createSVGPoint();
  pt.x = ev.clientX;
  pt.y = ev.clientY;
  const m = svg.getScreenCTM();
  if (!m) return null;
  const p = pt.matrixTransform(m.inverse());
  const j = Math.floor((p.x - x0) / cw);
  const i = Math.floor((p.y - y0) / ch);
  return i >= 0 && j >= 0 && i < rows && j < cols ? [i, j] : null;
}

// values: (rows * cols) row-major. scale: value -> colour.
// readout(i, j, v) -> text for the hover line. masked(i, j) -> true draws the cell in the
// masked style (neutral grey, hatched; class "masked"), not as a value. Returns {figure, svg}.
// link: {rows: [key], cols: [key]} names the token of each row and column (e.g. "a3": token
// 3 of sentence A; null: not a token); hovering a cell then highlights the same tokens'
// rows and columns in every linked chart of the same document (linkHover below).
export function heatmap({ values, rows, cols, rowLabels, colLabels, scale, title, rowAxis, colAxis, readout, maxSize = 300, legend, tableLimit = 4096, describe, masked = null, link = null, maxCell = 26, motion = null }) {
  // Cells may be rectangular (e.g. 128 positions x 8 pairs); labels only when legible.
  const cw = Math.max(1, Math.min(maxCell, Math.floor(maxSize / cols)));
  const ch = Math.max(1, Math.min(maxCell, Math.floor(maxSize / rows)));
  const labelled = rowLabels && Math.min(cw, ch) >= 11;
  const left = labelled ? 64 : 34, top = labelled ? 58 : 22;
  const width = Math.max(left + cols * cw + 8, Math.ceil(title.length * 7.2) + 4), height = top + rows * ch + 26;
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title + (describe ? ': ' + describe : ''), class: 'heatmap', tabindex: 0, style: `--w:${width}px` });
  svg.append(s('text', { x: 0, y: 12, class: 'chart-title' }, title));
  const fills = {}, cells = {};   // "i,j" -> colour and rect, for motion
  if (rows * cols <= 6000) {
    const g = s('g', { 'shape-rendering': 'crispEdges' });
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        const v = values[i * cols + j];
        const x = left + j * cw, y = top + i * ch;
        if (masked && masked(i, j)) {
          g.append(s('rect', { x, y, width: cw, height: ch, fill: MASKED_FILL, class: 'masked', dataset: { i, j } }));
          g.append(s('line', { x1: x, y1: y + ch, x2: x + cw, y2: y, class: 'hatch' }));
        } else {
          const fill = Number.isNaN(v) ? 'none' : scale(v);
          const cell = s('rect', { x, y, width: cw, height: ch, fill, class: 'cell', dataset: { i, j } });
          fills[`${i},${j}`] = fill;
          cells[`${i},${j}`] = cell;
          g.append(cell);
        }
      }
    svg.append(g);
    animateChanges(motion, 'fill', fills, cells, 'none');
  } else {
    // Large tables: one bitmap (data: URL) instead of thousands of nodes.
    const c = document.createElement('canvas');
    c.width = cols;
    c.height = rows;
    const ctx = c.getContext('2d');
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        ctx.fillStyle = scale(values[i * cols + j]);
        ctx.fillRect(j, i, 1, 1);
      }
    svg.append(s('image', { x: left, y: top, width: cols * cw, height: rows * ch, href: c.toDataURL('image/png'), preserveAspectRatio: 'none', style: 'image-rendering: pixelated' }));
  }
  if (labelled) {
    for (let j = 0; j < cols; j++) {
      const x = left + j * cw + cw / 2, y = top - 4;
      svg.append(s('text', { x, y, transform: `rotate(-55 ${x} ${y})`, class: 'tick' }, clampLabel(colLabels[j])));
    }
    for (let i = 0; i < rows; i++)
      svg.append(s('text', { x: left - 4, y: top + i * ch + ch / 2 + 4, 'text-anchor': 'end', class: 'tick' }, clampLabel(rowLabels[i])));
  } else {
    svg.append(s('text', { x: left, y: top - 4, class: 'tick' }, '0'));
    svg.append(s('text', { x: left + cols * cw, y: top - 4, 'text-anchor': 'end', class: 'tick' }, String(cols - 1)));
    svg.append(s('text', { x: left - 4, y: top + 8, 'text-anchor': 'end', class: 'tick' }, '0'));
    svg.append(s('text', { x: left - 4, y: top + rows * ch, 'text-anchor': 'end', class: 'tick' }, String(rows - 1)));
  }
  if (colAxis) svg.append(s('text', { x: left + (cols * cw) / 2, y: height - 8, 'text-anchor': 'middle', class: 'axis' }, colAxis));
  if (rowAxis) svg.append(s('text', { x: 10, y: top + (rows * ch) / 2, transform: `rotate(-90 10 ${top + (rows * ch) / 2})`, 'text-anchor': 'middle', class: 'axis' }, rowAxis));
  const cursor = s('rect', { class: 'cursor', width: cw, height: ch, x: -100, y: -100, fill: 'none' });
  const bands = s('g', { class: 'link-bands' });
  svg.append(bands, cursor);
  if (link) {
    svg._linkHighlight = (keys) => {
      clear(bands);
      if (!keys.length) return;
      link.rows?.forEach((k, i) => k && keys.includes(k) && bands.append(s('rect', { x: left, y: top + i * ch, width: cols * cw, height: ch, class: 'link-band', dataset: { i } })));
      link.cols?.forEach((k, j) => k && keys.includes(k) && bands.append(s('rect', { x: left + j * cw, y: top, width: cw, height: rows * ch, class: 'link-band', dataset: { j } })));
    };
    linked.add(new WeakRef(svg));
  }

  const out = h('output', { class: 'readout', 'aria-live': 'polite' }, '\u00a0');
  const text = (i, j) => (readout ? readout(i, j, values[i * cols + j]) : `(${i}, ${j}): ${fmt(values[i * cols + j], 6)}`) + (masked && masked(i, j) ? ' (masked: the causal mask hides this key from this query)' : '');
  let at = null;
  const show = (i, j) => {
    at = [i, j];
    cursor.setAttribute('x', left + j * cw);
    cursor.setAttribute('y', top + i * ch);
    out.textContent = text(i, j);
    if (link) linkHover(svg, [link.rows?.[i], link.cols?.[j]].filter(Boolean));
  };
  svg.addEventListener('pointermove', (ev) => {
    const c = cellAt(svg, ev, left, top, cw, ch, rows, cols);
    if (c) show(...c);
  });
  if (link) {
    svg.addEventListener('pointerleave', () => linkHover(svg, []));
    svg.addEventListener('blur', () => linkHover(svg, []));
  }
  svg.addEventListener('keydown', (ev) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[ev.key];
    if (!m) return;
    ev.preventDefault();
    const [i, j] = at || [0, -m[1] === 1 ? 1 : 0];
    show(Math.min(rows - 1, Math.max(0, i + m[0])), Math.min(cols - 1, Math.max(0, j + m[1])));
  });
  svg.addEventListener('focus', () => at || show(0, 0));

  const fig = h('figure', { class: 'chart' }, svg, legend || null, out);
  if (rows * cols <= tableLimit) fig.append(dataTable({ values, rows, cols, rowLabels, colLabels, caption: title }));
  else fig.append(h('p', { class: 'small' }, `Data table omitted (${rows} x ${cols} values); use the CSV export.`));
  return { figure: fig, svg };
}

// The data-table alternative to a heatmap, folded in a <details>.
// The table is built when the reader first opens it (a page of heatmaps stays light).
export function dataTable(opts) {
  const box = h('details', { class: 'table-alt' }, h('summary', null, 'Data table'));
  box.addEventListener('toggle', () => {
    if (box.open && !box.querySelector('table')) box.append(h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': `Data table: ${opts.caption}` }, buildTable(opts)));
  });
  return box;
}

function buildTable({ values, rows, cols, rowLabels, colLabels, caption }) {
  const table = h('table', { class: 'data' }, h('caption', null, caption));
  const head = h('tr', null, h('th', { scope: 'col' }, ''));
  for (let j = 0; j < cols; j++) head.append(h('th', { scope: 'col' }, colLabels ? colLabels[j] : String(j)));
  table.append(h('thead', null, head));
  const body = h('tbody');
  for (let i = 0; i < rows; i++) {
    const tr = h('tr', null, h('th', { scope: 'row' }, rowLabels ? rowLabels[i] : String(i)));
    for (let j = 0; j < cols; j++) tr.append(h('td', null, fmt(values[i * cols + j], 4)));
    body.append(tr);
  }
  table.append(body);
  return table;
}

// Colour legend: a gradient bar with its numbers (ticks: values to mark, default the two
// ends; clipped: the ends stand for "at or beyond", as on the page's fixed scales).
export function legendBar(scale, lo, hi, label, { ticks = [lo, hi], clipped = false } = {}) {
  const w = 160, steps = 32, x0 = 52;
  const X = (v) => x0 + ((v - lo) / (hi - lo || 1)) * w;
  const ends = clipped ? ` (≤ ${fmt(lo, 3)} and ≥ ${fmt(hi, 3)} saturate)` : '';
  const svg = s('svg', { width: Math.max(w + x0 + 60, x0 + Math.ceil(label.length * 6.2)), height: 42, class: 'legend', role: 'img', 'aria-label': `${label}: colour from ${fmt(lo)} to ${fmt(hi)}${ends}` });
  for (let k = 0; k < steps; k++) svg.append(s('rect', { x: x0 + (k * w) / steps, y: 4, width: w / steps + 0.5, height: 10, fill: scale(lo + ((hi - lo) * (k + 0.5)) / steps) }));
  for (const v of ticks) {
    const prefix = clipped && v === lo && lo !== 0 ? '≤' : clipped && v === hi ? '≥' : '';
    svg.append(s('line', { x1: X(v), x2: X(v), y1: 14, y2: 18, class: 'legend-tick' }));
    svg.append(s('text', { x: X(v), y: 28, 'text-anchor': 'middle', class: 'tick' }, prefix + fmt(v, 3)));
  }
  svg.append(s('text', { x: x0, y: 40, class: 'tick' }, label));
  return svg;
}

// The legend entry for masked cells (see heatmap's masked option).
// The same key as one SVG (for exported figures).
export function maskedKey(text) {
  return s('svg', { width: 24 + text.length * 6.2, height: 18 },
    s('rect', { x: 1, y: 3, width: 14, height: 12, fill: MASKED_FILL, class: 'masked' }),
    s('line', { x1: 1, y1: 15, x2: 15, y2: 3, stroke: '#777' }),
    s('text', { x: 20, y: 13 }, text));
}

export function maskedLegend(text = 'masked by the causal mask (not a zero weight)') {
  const svg = s('svg', { width: 18, height: 14, 'aria-hidden': 'true' },
    s('rect', { x: 1, y: 1, width: 14, height: 12, fill: MASKED_FILL, class: 'masked' }),
    s('line', { x1: 1, y1: 13, x2: 15, y2: 1, class: 'hatch' }));
  return h('p', { class: 'small masked-legend' }, svg, ' ', text);
}

// Ranked horizontal bars. items: [{key, label, value, note?, error?, color?, lo?, hi?}],
// sorted by caller; a colour draws a swatch before the label; lo/hi draw a whisker (e.g.
// the spread over seeds); note is written after the value. log: [lo, hi] puts the values
// on a log axis (values at or below lo draw no bar, with the zero line), with decade ticks;
// marks: [{value, label}] draw dashed lines (e.g. thresholds).
// compact: a narrow layout for phones (names and values keep their size, the bars shrink).
// motion: a createMotion() plan kept across redraws (bars grow or shrink from their last width).
export function bars({ items, title, onPick, selected, max, log = null, marks = [], compact = false, motion = null }) {
  const rowH = 22, left = compact ? 104 : 190, w = compact ? 150 : 300, right = compact ? (log ? 118 : 70) : log ? 200 : 120;
  const top = log ? 40 : 24;
  const height = top + items.length * rowH + 8;
  const svg = s('svg', { width: left + w + right, height, viewBox: `0 0 ${left + w + right} ${height}`, role: 'img', 'aria-label': title, class: 'bars', style: `--w:${left + w + right}px` });
  const widths = {}, fills = {};   // key -> bar width and rect, for motion
  svg.append(s('text', { x: 0, y: 14, class: 'chart-title' }, compact ? title.replace(/, log scale$/, '') : title));
  const m = max || Math.max(1e-12, ...items.map((d) => (Number.isFinite(d.value) ? d.value : 0)));
  const X = log
    ? (v) => (v <= log[0] ? 0 : (Math.min(1, (Math.log10(v) - Math.log10(log[0])) / (Math.log10(log[1]) - Math.log10(log[0])))) * w)
    : (v) => (v / m) * w;
  if (log) {
    for (let e = Math.ceil(Math.log10(log[0])); e <= Math.floor(Math.log10(log[1])); e++) {
      const x = left + X(10 ** e);
      svg.append(s('line', { x1: x, x2: x, y1: top - 4, y2: height - 6, class: 'grid' }));
      if (e % 2 === 0 || e === Math.floor(Math.log10(log[1]))) svg.append(s('text', { x, y: top - 8, 'text-anchor': 'middle', class: 'tick' }, e === 0 ? '1' : `1e${e}`));
    }
  }
  for (const mk of marks) {
    const x = left + X(mk.value);
    svg.append(s('line', { x1: x, x2: x, y1: top - 4, y2: height - 6, class: 'marker threshold' }));
    svg.append(s('text', { x: x + 3, y: 26, class: 'tick' }, mk.label));
  }
  items.forEach((d, k) => {
    const y = top + k * rowH;
    const g = s('g', { class: 'bar' + (d.key === selected ? ' selected' : ''), dataset: { scheme: d.key } });
    g.append(s('text', { x: left - (d.color ? 20 : 8), y: y + 15, 'text-anchor': 'end', class: 'label' }, d.label));
    if (d.color) g.append(s('rect', { x: left - 15, y: y + 6, width: 10, height: rowH - 12, fill: d.color, class: 'swatch-rect' }));
    const bw = Number.isFinite(d.value) ? Math.max(d.value > 0 && !log ? 1 : 0, X(d.value)) : 0;
    const bar = s('rect', { x: left, y: y + 4, width: bw, height: rowH - 8, class: 'bar-fill' });
    widths[d.key] = bw;
    fills[d.key] = bar;
    g.append(bar);
    if (d.value === 0 || (log && bw === 0)) g.append(s('line', { x1: left, x2: left, y1: y + 2, y2: y + rowH - 2, class: 'zero' }));
    if (Number.isFinite(d.lo) && Number.isFinite(d.hi)) {
      const x1 = left + X(d.lo), x2 = left + X(d.hi), yc = y + rowH / 2;
      g.append(s('line', { x1, x2, y1: yc, y2: yc, class: 'spread' }),
        s('line', { x1, x2: x1, y1: yc - 4, y2: yc + 4, class: 'spread' }),
        s('line', { x1: x2, x2, y1: yc - 4, y2: yc + 4, class: 'spread' }));
    }
    const vx = log ? left + w + 8 : left + bw + 6;
    g.append(s('text', { x: vx, y: y + 15, class: 'value' }, d.error ? 'error' : fmt(d.value, 3) + (d.note ? ` · ${d.note}` : '')));
    if (onPick) g.addEventListener('click', () => onPick(d.key));
    svg.append(g);
  });
  animateChanges(motion, 'width', widths, fills);
  return svg;
}

// Line chart. series: [{name, xs, ys, color, dash?, lo?, hi?, step?}]: step draws
// piecewise-constant data as steps; lo/hi (per x) shade a
// band (e.g. the spread over seeds). xTicks: [{x, label}] replaces the even ticks (e.g.
// lengths on a log axis); dots marks every point; yRange [lo, hi] fixes the y axis and
// clips what lies outside (the readout still gives every value); xRange [lo, hi] fixes
// the x axis (e.g. all the steps of a run still growing). Returns {figure, svg}.
export function lines({ series, title, xLabel, yLabel, width = 520, height = 240, markers = [], readoutDigits = 5, xTicks = null, dots = false, xFormat = null, yRange = null, xRange = null, yLog = false }) {
  const left = 56, right = 12, top = 26, bottom = 38;
  const pw = width - left - right, ph = height - top - bottom;
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (const se of series)
    se.xs.forEach((x, k) => {
      const y = se.ys[k];
      if (!Number.isFinite(y)) return;
      xmin = Math.min(xmin, x); xmax = Math.max(xmax, x);
      ymin = Math.min(ymin, y, se.lo?.[k] ?? y); ymax = Math.max(ymax, y, se.hi?.[k] ?? y);
    });
  if (xTicks) for (const t of xTicks) { xmin = Math.min(xmin, t.x); xmax = Math.max(xmax, t.x); }
  if (yRange) [ymin, ymax] = yRange;
  if (xRange) [xmin, xmax] = xRange;
  if (!Number.isFinite(xmin)) { xmin = 0; xmax = 1; ymin = 0; ymax = 1; }
  // Axes from d3-scale: round ("nice") ends and ticks, integer ticks on integer axes, a
  // log axis where values span decades (yLog), never a negative end on a positive quantity.
  const logY = yLog && ymin > 0;
  if (ymin === ymax) { ymin = logY ? ymin / 2 : ymin - 1; ymax = logY ? ymax * 2 : ymax + 1; }
  if (xmin === xmax) xmax = xmin + 1;
  const ys = (logY ? scaleLog() : scaleLinear()).domain([ymin, ymax]).range([top + ph, top]);
  if (!yRange) ys.nice();
  [ymin, ymax] = ys.domain();
  const xs = scaleLinear().domain([xmin, xmax]).range([left, left + pw]);
  const integerX = series.every((se) => Array.prototype.every.call(se.xs, Number.isInteger));
  const X = (x) => xs(x);
  const Y = (y) => ys(y);
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}: ${series.map((x) => x.name).join(', ')}`, class: 'lines', tabindex: 0, style: `--w:${width}px` });
  // The series key travels with the SVG, so an exported figure draws its own legend.
  svg.setAttribute('data-legend', JSON.stringify(series.map((se) => [se.name, se.color, se.dash || ''])));
  svg.append(s('text', { x: 0, y: 14, class: 'chart-title' }, title));
  svg.append(s('rect', { x: left, y: top, width: pw, height: ph, class: 'plot-bg' }));
  const clipId = yRange ? uid('clip') : null;
  if (clipId) svg.append(s('clipPath', { id: clipId }, s('rect', { x: left, y: top, width: pw, height: ph })));
  const clip = clipId ? `url(#${clipId})` : null;
  const yTicks = logY ? ys.ticks(5).filter((v, k, all) => all.length <= 8 || Math.abs(Math.log10(v) % 1) < 1e-9) : ys.ticks(5);
  const yFmt = logY ? (v) => fmt(v, 2) : ys.tickFormat(5);
  for (const yv of yTicks) {
    svg.append(s('line', { x1: left, x2: left + pw, y1: Y(yv), y2: Y(yv), class: 'grid' }));
    svg.append(s('text', { x: left - 4, y: Y(yv) + 4, 'text-anchor': 'end', class: 'tick' }, yFmt(yv)));
  }
  if (!xTicks) {
    const ticks = xs.ticks(6).filter((v) => !integerX || Number.isInteger(v));
    const xFmt = integerX ? (v) => String(v) : xs.tickFormat(6);
    for (const xv of ticks) svg.append(s('text', { x: X(xv), y: top + ph + 14, 'text-anchor': 'middle', class: 'tick' }, xFmt(xv)));
  }
  for (const t of xTicks || []) svg.append(s('text', { x: X(t.x), y: top + ph + 14, 'text-anchor': 'middle', class: 'tick' }, t.label));
  if (ymin < 0 && ymax > 0) svg.append(s('line', { x1: left, x2: left + pw, y1: Y(0), y2: Y(0), class: 'axis-zero' }));
  for (const mk of markers) {
    if (mk.x < xmin || mk.x > xmax) continue;
    svg.append(s('line', { x1: X(mk.x), x2: X(mk.x), y1: top, y2: top + ph, class: 'marker' }));
    svg.append(s('text', { x: X(mk.x) + 3, y: top + 10, class: 'tick' }, mk.label));
  }
  for (const se of series) {
    if (!se.lo || !se.hi) continue;
    const ks = Array.from(se.xs, (_, k) => k).filter((k) => Number.isFinite(se.lo[k]) && Number.isFinite(se.hi[k]) && (!logY || se.lo[k] > 0));
    if (ks.length < 2) continue;
    const d = ks.map((k, n) => `${n ? 'L' : 'M'}${X(se.xs[k]).toFixed(1)},${Y(se.hi[k]).toFixed(1)}`).join('')
      + [...ks].reverse().map((k) => `L${X(se.xs[k]).toFixed(1)},${Y(se.lo[k]).toFixed(1)}`).join('') + 'Z';
    svg.append(s('path', { d, fill: se.color, 'fill-opacity': 0.15, stroke: 'none', class: 'band', 'clip-path': clip }));
  }
  for (const se of series) {
    let d = '', pen = false;
    se.xs.forEach((x, k) => {
      const y = se.ys[k];
      if (!Number.isFinite(y) || (logY && y <= 0)) { pen = false; return; }
      // step: hold the previous value up to x, then jump (piecewise-constant data).
      if (pen && se.step) d += `L${X(x).toFixed(1)},${Y(se.ys[k - 1]).toFixed(1)}`;
      d += `${pen ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`;
      pen = true;
    });
    svg.append(s('path', { d, fill: 'none', stroke: se.color, 'stroke-width': 1.8, 'stroke-dasharray': se.dash || null, 'clip-path': clip }));
    if (dots) se.xs.forEach((x, k) => Number.isFinite(se.ys[k]) && (!logY || se.ys[k] > 0) && svg.append(s('circle', { cx: X(x).toFixed(1), cy: Y(se.ys[k]).toFixed(1), r: 3, fill: se.color, 'clip-path': clip })));
  }
  svg.append(s('text', { x: left + pw / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis' }, xLabel));
  svg.append(s('text', { x: 12, y: top + ph / 2, transform: `rotate(-90 12 ${top + ph / 2})`, 'text-anchor': 'middle', class: 'axis' }, yLabel));
  const guide = s('line', { x1: -10, x2: -10, y1: top, y2: top + ph, class: 'guide' });
  svg.append(guide);
  const legend = h('ul', { class: 'legend-list' }, series.map((se) => h('li', null, h('span', { class: 'swatch' + (se.dash ? ' dashed' : ''), style: `--c:${se.color}` }), se.name)));
  const out = h('output', { class: 'readout', 'aria-live': 'polite' }, '\u00a0');
  const xsAll = [...new Set(series.flatMap((se) => Array.from(se.xs)))].sort((a, b) => a - b);
  let idx = -1;
  const show = (x) => {
    guide.setAttribute('x1', X(x)); guide.setAttribute('x2', X(x));
    out.textContent = `${xLabel} = ${xFormat ? xFormat(x) : fmt(x, 6)}: ` + series.map((se) => {
      const k = Array.prototype.indexOf.call(se.xs, x);
      const band = k >= 0 && se.lo && Number.isFinite(se.lo[k]) ? ` [${fmt(se.lo[k], 3)}, ${fmt(se.hi[k], 3)}]` : '';
      return `${se.name} ${k < 0 || !Number.isFinite(se.ys[k]) ? '–' : fmt(se.ys[k], readoutDigits)}${band}`;
    }).join(' · ');
  };
  svg.addEventListener('pointermove', (ev) => {
    const pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
    const m = svg.getScreenCTM(); if (!m) return;
    const p = pt.matrixTransform(m.inverse());
    const xv = xmin + ((p.x - left) / pw) * (xmax - xmin);
    let best = 0;
    for (let k = 1; k < xsAll.length; k++) if (Math.abs(xsAll[k] - xv) < Math.abs(xsAll[best] - xv)) best = k;
    idx = best;
    if (xsAll.length) show(xsAll[best]);
  });
  svg.addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight') return;
    ev.preventDefault();
    idx = Math.max(0, Math.min(xsAll.length - 1, idx + (ev.key === 'ArrowRight' ? 1 : -1)));
    show(xsAll[idx]);
  });
  return { figure: h('figure', { class: 'chart' }, svg, legend, out), svg };
}
