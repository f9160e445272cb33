// Exports of the current view: PNG and SVG of its charts, CSV and JSON of its numbers.
// A view hands over {name, svgs: [SVGSVGElement], csv: string, json: object}; the
// charts are stacked into one standalone SVG with its own style sheet (no page CSS).
import { h, SVG_NS } from './dom.js';

const SVG_STYLE = `
text { font: 11px system-ui, sans-serif; fill: #1a1a1a; }
.figure-title { font-size: 14px; }
.figure-caption { fill: #333; }
.figure-credit { font-size: 10px; fill: #777; }
.chart-title { font-weight: 600; font-size: 12px; }
.axis { font-size: 11px; fill: #444; }
.tick { font-size: 10px; fill: #444; }
.plot-bg { fill: #ffffff; stroke: #bbb; }
.grid { stroke: #e5e5e5; }
.axis-zero { stroke: #888; }
.marker { stroke: #b35806; stroke-dasharray: 4 3; }
.guide, .cursor, .link-bands { display: none; }
.bar-fill { fill: #31688e; }
.bar.selected .bar-fill { fill: #b35806; }
.zero { stroke: #1a1a1a; stroke-width: 2; }
`;

// One self-contained figure: the title, a caption that says what is shown (sentences,
// schemes, settings, weights: figureCaption), the view's charts in their on-screen
// layout (parts: each entry one row; an array is a row of charts side by side), each
// line chart's key under it (its data-legend), and the page's name, on white.
const FIG = { gap: 16, pad: 12, line: 15, minWidth: 480, charW: 6.2 };
function svgSize(svg) {
  return [Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width, Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height];
}
function svgEl(name, attrs = {}, text) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
// Words wrapped to lines of at most `chars` characters.
function wrap(text, chars) {
  const out = [];
  let line = '';
  for (const w of String(text).split(/\s+/)) {
    if (line && (line + ' ' + w).length > chars) { out.push(line); line = w; } else line = line ? line + ' ' + w : w;
  }
  if (line) out.push(line);
  return out;
}
// A line chart's key (data-legend: [[name, colour, dash]]) as rows of swatches: {g, height}.
function legendOf(svg, width) {
  let items = [];
  try { items = JSON.parse(svg.getAttribute('data-legend') || '[]'); } catch { items = []; }
  const g = svgEl('g', { class: 'figure-legend' });
  let x = 0, y = 12;
  for (const [name, color, dash] of items) {
    const w = 26 + String(name).length * FIG.charW;
    if (x && x + w > width) { x = 0; y += FIG.line; }
    g.append(svgEl('line', { x1: x, x2: x + 18, y1: y - 4, y2: y - 4, stroke: color, 'stroke-width': 2.5, ...(dash ? { 'stroke-dasharray': dash } : {}) }),
      svgEl('text', { x: x + 22, y }, name));
    x += w + 8;
  }
  return { g, height: items.length ? y + 6 : 0 };
}

export function combineSvgs(parts, { title = '', caption = [] } = {}) {
  const rows = parts.map((p) => (Array.isArray(p) ? p : [p])).filter((r) => r.length);
  const placed = [];
  let y = 0, width = FIG.minWidth;
  for (const row of rows) {
    let x = 0, rowH = 0;
    for (const svg of row) {
      const [w, hgt] = svgSize(svg);
      const c = svg.cloneNode(true);
      c.removeAttribute('tabindex');
      for (const a of c.querySelectorAll('animate')) a.remove();   // a figure is still
      const key = legendOf(svg, w);
      placed.push({ c, x, y, w, hgt, key });
      rowH = Math.max(rowH, hgt + (key.height ? key.height + 4 : 0));
      x += w + FIG.gap;
    }
    width = Math.max(width, x - FIG.gap);
    y += rowH + FIG.gap;
  }
  const chars = Math.floor((width - 2 * FIG.pad) / FIG.charW);
  const head = [];
  if (title) head.push(...wrap(title, Math.floor(chars * 0.85)).map((t) => ['chart-title figure-title', t]));
  for (const c of caption) head.push(...wrap(c, chars).map((t) => ['figure-caption', t]));
  const top = FIG.pad + head.length * FIG.line + (head.length ? 8 : 0);
  const footer = FIG.line + FIG.pad;
  const W = width + 2 * FIG.pad, H = top + y + footer;
  const out = svgEl('svg', { xmlns: SVG_NS, width: W, height: H, viewBox: `0 0 ${W} ${H}` });
  out.append(svgEl('style', {}, SVG_STYLE), svgEl('rect', { width: '100%', height: '100%', fill: '#ffffff' }));
  head.forEach(([cls, t], k) => out.append(svgEl('text', { x: FIG.pad, y: FIG.pad + 11 + k * FIG.line, class: cls }, t)));
  for (const { c, x, y: py, hgt, key } of placed) {
    c.setAttribute('x', FIG.pad + x);
    c.setAttribute('y', top + py);
    out.append(c);
    if (key.height) {
      key.g.setAttribute('transform', `translate(${FIG.pad + x} ${top + py + hgt + 4})`);
      out.append(key.g);
    }
  }
  out.append(svgEl('text', { x: FIG.pad, y: H - FIG.pad, class: 'figure-credit' }, 'Positional Encoding Playground (pe-playground), computed in WebAssembly'));
  return out;
}

// What a figure shows, in words, from the page state: the sentences, the schemes, the
// settings that change the numbers, and whether the weights are random or trained.
export function figureCaption(st, engine, result) {
  const titleOf = (n) => engine.schemes().find((x) => x.name === n)?.title || n;
  const picked = [st.scheme, st.vs].filter((n, k, arr) => n && arr.indexOf(n) === k);
  const lines = [`A: "${st.a}" · B: "${st.b}"`];
  if (picked.length) lines.push(`Scheme${picked.length > 1 ? 's' : ''}: ${picked.map((n) => `${n} (${titleOf(n)})`).join(' vs ')}`);
  const set = [];
  for (const n of picked) for (const [k, v] of Object.entries(st.settings?.[n] || {})) set.push(`${n}.${k}=${v}`);
  const trained = result?.ok && result.trained;
  lines.push(trained
    ? `Trained models (task ${trained.task}, ${trained.config.layers} layers, width ${trained.config.dim}, ${trained.config.heads} heads); shift ${st.shift}${set.length ? '; ' + set.join(', ') : ''}`
    : `One attention layer with random, untrained weights: width ${st.dim}, ${st.heads} head${st.heads === 1 ? '' : 's'}, seed ${st.seed}, causal mask ${st.causal ? 'on' : 'off'}, shift ${st.shift}${set.length ? '; ' + set.join(', ') : ''}`);
  return lines;
}

export function svgText(parts, opts) {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(combineSvgs(parts, opts));
}

export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function toPng(parts, opts, scale = 2) {
  const svg = combineSvgs(parts, opts);
  const w = Number(svg.getAttribute('width')), hgt = Number(svg.getAttribute('height'));
  const text = new XMLSerializer().serializeToString(svg);
  return new Promise((resolve, reject) => {
    const img = new Image();
    const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = Math.ceil(w * scale);
      c.height = Math.ceil(hgt * scale);
      const ctx = c.getContext('2d');
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      c.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png');
    };
    img.onerror = () => reject(new Error('could not render the SVG'));
    img.src = url;
  });
}

const csvCell = (v) => {
  const t = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v);
  return /[",\n\r]/.test(t) || /^[=+\-@]/.test(t) && isNaN(Number(t)) ? `"${t.replace(/"/g, '""')}"` : t;
};
export const toCsv = (rows) => rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';

// The toolbar; get() returns the view's current exportable ({name, title, svgs, layout?,
// csv, json}: layout, when given, is svgs in rows as on screen), caption() the figure's
// caption lines (figureCaption).
export function exportBar(get, onError, caption = () => []) {
  const run = (kind) => async () => {
    const x = get();
    if (!x) return;
    try {
      const fig = { title: x.title, caption: caption() };
      const parts = x.layout || x.svgs;
      if (kind === 'svg') download(`${x.name}.svg`, new Blob([svgText(parts, fig)], { type: 'image/svg+xml' }));
      if (kind === 'png') download(`${x.name}.png`, await toPng(parts, fig));
      if (kind === 'csv') download(`${x.name}.csv`, new Blob([x.csv], { type: 'text/csv' }));
      if (kind === 'json') download(`${x.name}.json`, new Blob([JSON.stringify(x.json, null, 1)], { type: 'application/json' }));
    } catch (e) {
      onError?.(e.message);
    }
  };
  return h('div', { class: 'exports', role: 'group', 'aria-label': 'Export this view' },
    h('span', { class: 'small' }, 'Export:'),
    ['png', 'svg', 'csv', 'json'].map((k) => h('button', { type: 'button', class: 'export', 'data-export': k, onclick: run(k) }, k.toUpperCase())));
}
