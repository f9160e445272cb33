// Exports of the current view: PNG and SVG of its charts, CSV and JSON of its numbers.
// A view hands over {name, svgs: [SVGSVGElement], csv: string, json: object}; the
// charts are stacked into one standalone SVG with its own style sheet (no page CSS).
import { h, SVG_NS } from './dom.js';

const SVG_STYLE = `
text { font: 11px system-ui, sans-serif; fill: #1a1a1a; }
.chart-title { font-weight: 600; font-size: 12px; }
.axis { font-size: 11px; fill: #444; }
.tick { font-size: 10px; fill: #444; }
.plot-bg { fill: #ffffff; stroke: #bbb; }
.grid { stroke: #e5e5e5; }
.axis-zero { stroke: #888; }
.marker { stroke: #b35806; stroke-dasharray: 4 3; }
.guide, .cursor { display: none; }
.bar-fill { fill: #31688e; }
.bar.selected .bar-fill { fill: #b35806; }
.zero { stroke: #1a1a1a; stroke-width: 2; }
`;

export function combineSvgs(svgs, title) {
  const gap = 16;
  let y = title ? 24 : 0, width = 0;
  const parts = [];
  for (const svg of svgs) {
    const w = Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
    const hgt = Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height;
    const c = svg.cloneNode(true);
    c.setAttribute('x', 0);
    c.setAttribute('y', y);
    c.removeAttribute('tabindex');
    parts.push(c);
    y += hgt + gap;
    width = Math.max(width, w);
  }
  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', width);
  out.setAttribute('height', y);
  out.setAttribute('viewBox', `0 0 ${width} ${y}`);
  const style = document.createElementNS(SVG_NS, 'style');
  style.textContent = SVG_STYLE;
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  out.append(style, bg);
  if (title) {
    const t = document.createElementNS(SVG_NS, 'text');
    t.setAttribute('x', 0);
    t.setAttribute('y', 14);
    t.setAttribute('class', 'chart-title');
    t.textContent = title;
    out.append(t);
  }
  out.append(...parts);
  return out;
}

export function svgText(svgs, title) {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(combineSvgs(svgs, title));
}

export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function toPng(svgs, title, scale = 2) {
  const svg = combineSvgs(svgs, title);
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

// The toolbar; get() returns the view's current exportable.
export function exportBar(get, onError) {
  const run = (kind) => async () => {
    const x = get();
    if (!x) return;
    try {
      if (kind === 'svg') download(`${x.name}.svg`, new Blob([svgText(x.svgs, x.title)], { type: 'image/svg+xml' }));
      if (kind === 'png') download(`${x.name}.png`, await toPng(x.svgs, x.title));
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
