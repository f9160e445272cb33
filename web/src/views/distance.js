// Score as a function of distance r between query and key: the "profile" entry of the
// scheme's table (rows: heads, or one row; column r = 0..len-1), e.g. RoPE's expected
// q.k decay, ALiBi's line, T5's buckets, PE(0) . PE(r) for schemes on the input. A scheme with a choice parameter "scaling" gets every
// scaling overlaid (dashed), as the context-extension methods do to RoPE.
import { h, clear, fmt } from '../dom.js';
import { lines } from '../charts.js';
import { SERIES, schemeColor } from '../colors.js';
import { tableFor } from '../tables.js';
import { toCsv } from '../exports.js';

export function profileSeries(engine, store, name, len, extra) {
  const r = tableFor(engine, store, name, len, extra);
  if (r.error) return { error: r.error };
  const t = r.tables;
  if (t.profile) {
    const [rows, n] = t.profile.shape.length === 1 ? [1, t.profile.shape[0]] : t.profile.shape;
    return { what: 'profile', rows: [...Array(rows).keys()].map((k) => Array.from(t.profile.data.subarray(k * n, (k + 1) * n))) };
  }
  return { error: 'this scheme has no distance profile (its positions depend on the content; see the heatmaps)' };
}

export function mountDistance(root, store, engine) {
  const grid = h('div', { class: 'side-by-side' });
  root.append(h('p', { class: 'small' }, 'Drag "length" in the length view to change the range of r.'), grid);
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
        const xs = [...Array(len).keys()];
        const series = base.rows.length === 1
          ? [{ name: `${name} (current settings)`, xs, ys: base.rows[0], color: schemeColor(name) }]
          : base.rows.slice(0, 8).map((ys, k) => ({ name: `head ${k}`, xs, ys, color: SERIES[k % SERIES.length] }));
        data[name] = { what: base.what, r: xs, current: base.rows };
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
        const yLabel = info.where === 'input' ? 'PE similarity at distance r' : 'score added / expected q·k';
        const f = lines({ series, title: `${name}: score vs distance r = i − j`, xLabel: 'distance r', yLabel, width: 560, height: 260, markers: [{ x: st.train, label: `training length ${st.train}` }] });
        col.append(f.figure);
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
        d.current.forEach((ys, k) => ys.forEach((v, r) => rows.push([name, d.current.length > 1 ? `head ${k}` : d.what, r, v])));
        for (const [c, ys] of Object.entries(d.scalings || {})) ys.forEach((v, r) => rows.push([name, `scaling=${c}`, r, v]));
      }
      return { name: `pe-distance-${[st.scheme, st.vs].filter(Boolean).join('-vs-')}`, title: 'Score vs distance', svgs: current.svgs, csv: toCsv(rows), json: current.data };
    },
  };
}
