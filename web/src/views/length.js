// The length view: drag the sequence length past a training length and watch each
// scheme's quantities there. Absolute tables run out (a learned table has no row past
// its max_len: the core refuses and the page shows why), rotary angles wrap (cos of
// position x frequency; low frequencies never complete a turn within the training
// length), biases keep their form (the last query's bias row).
import { h, clear, fmt } from '../dom.js';
import { heatmap, lines, legendBar } from '../charts.js';
import { diverging, SERIES } from '../colors.js';
import { tableFor } from '../tables.js';
import { toCsv } from '../exports.js';

export const MAX_LEN = 512;
// Parameters that say how long a scheme was built or trained for.
const LENGTH_KEYS = /^(max_len|train_len|original_max|npos|max_pos)$/;

export function mountLength(root, store, engine) {
  const lenIn = h('input', { type: 'range', id: 'len-range', min: 1, max: MAX_LEN, step: 1 });
  const lenOut = h('output', { for: 'len-range' });
  const trainIn = h('input', { type: 'number', id: 'train-len', min: 1, max: 1024, step: 1 });
  const grid = h('div', { class: 'side-by-side' });
  let timer = 0;
  lenIn.addEventListener('input', () => {
    lenOut.textContent = lenIn.value;
    clearTimeout(timer);
    timer = setTimeout(() => store.set({ len: Number(lenIn.value) }), 30);
  });
  trainIn.addEventListener('change', () => {
    const v = Number(trainIn.value);
    if (Number.isInteger(v) && v >= 1 && v <= 1024) store.set({ train: v });
    else trainIn.value = store.get().train;
  });
  root.append(h('div', { class: 'inline' }, h('label', { for: 'len-range' }, 'Length '), lenIn, lenOut,
    h('label', { for: 'train-len' }, ' Training length '), trainIn,
    h('span', { class: 'help' }, 'a scheme with its own maximum (e.g. a learned max_len) refuses past it')), grid);
  let current = null;

  return {
    render(st) {
      lenIn.value = String(Math.min(st.len, MAX_LEN));
      lenOut.textContent = lenIn.value;
      if (trainIn.getRootNode().activeElement !== trainIn) trainIn.value = String(st.train);
      clear(grid);
      const len = Math.min(st.len, MAX_LEN);
      const picked = [st.scheme, st.vs].filter((n, k, arr) => n && arr.indexOf(n) === k);
      const svgs = [], data = {};
      for (const name of picked) {
        const info = engine.schemes().find((x) => x.name === name);
        const col = h('div', { class: 'scheme-col', 'data-scheme': name }, h('h3', null, `${info?.title || name} at length ${len}`));
        grid.append(col);
        // A length parameter of the scheme itself (a table's rows, a training length).
        for (const spec of info?.params || []) {
          if (spec.kind !== 'integer' || !LENGTH_KEYS.test(spec.key)) continue;
          const v = Number(store.setting(name, spec.key));
          col.append(h('p', { class: 'small' }, `${name} has its own ${spec.key} = ${v}${len > v ? ` (the length is past it)` : ''}. `,
            v !== st.train && st.train >= spec.min && st.train <= spec.max
              ? h('button', { type: 'button', onclick: () => store.setSetting(name, spec.key, String(st.train)) }, `Set ${spec.key} to the training length ${st.train}`)
              : null));
        }
        const r = tableFor(engine, store, name, len);
        if (r.error) {
          col.append(h('p', { class: 'message', role: 'status' }, `At length ${len}: ${r.error}`));
          continue;
        }
        const t = r.tables;
        const past = len > st.train ? `${len - st.train} positions past the training length` : `within the training length`;
        col.append(h('p', { class: 'small' }, past + '.'));
        let m = null;
        if (t.angles) {
          const [n, pairs] = t.angles.shape;
          const cosv = Float64Array.from(t.angles.data, Math.cos);
          m = { values: cosv, rows: n, cols: pairs, title: `cos(position × ω_k), ${n} positions × ${pairs} pairs`, axes: ['position', 'pair k'], name: 'cos_angles' };
          const turns = Array.from(t.inv_freq.data, (w) => (st.train * w) / (2 * Math.PI));
          const never = turns.filter((x) => x < 1).length;
          col.append(h('p', { class: 'small' }, `${never} of ${pairs} pairs turn less than once within ${st.train} positions: past it they reach angles never seen in training.`));
        } else if (t.pe) {
          const [n, d] = t.pe.shape;
          m = { values: t.pe.data, rows: n, cols: d, title: `pe, ${n} positions × ${d} dims`, axes: ['position', 'dimension'], name: 'pe' };
        }
        if (m) {
          let mx = 0;
          for (const v of m.values) if (Number.isFinite(v)) mx = Math.max(mx, Math.abs(v));
          const sc = diverging(mx || 1);
          const f = heatmap({
            values: m.values, rows: m.rows, cols: m.cols, scale: sc, title: m.title, rowAxis: m.axes[0], colAxis: m.axes[1], maxSize: 300,
            readout: (i, j, v) => `${m.axes[0]} ${i}${i >= st.train ? ' (past training)' : ''}, ${m.axes[1]} ${j}: ${fmt(v, 6)}`,
            legend: legendBar(sc, -mx, mx, m.name), tableLimit: 0,
          });
          // Mark the training length on the position axis.
          if (st.train < m.rows) {
            const svg = f.svg;
            // heatmap() without labels puts the matrix at (34, 22)
            const ch = Math.max(1, Math.min(26, Math.floor(300 / m.rows)));
            const cw = Math.max(1, Math.min(26, Math.floor(300 / m.cols)));
            const top = 22, left = 34;
            const y = top + st.train * ch;
            const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
            for (const [k, v] of Object.entries({ x1: left - 4, x2: left + m.cols * cw + 4, y1: y, y2: y, class: 'marker' })) line.setAttribute(k, v);
            svg.append(line);
          }
          col.append(f.figure);
          svgs.push(f.svg);
          data[name] = { entry: m.name, shape: [m.rows, m.cols], values: Array.from(m.values) };
        }
        if (t.bias && t.bias.shape.length === 3) {
          const [H, n] = t.bias.shape;
          const xs = [...Array(n).keys()];
          const series = [];
          for (let k = 0; k < Math.min(H, 8); k++) {
            const row = t.bias.data.subarray(k * n * n + (n - 1) * n, k * n * n + n * n);
            series.push({ name: `head ${k}`, xs, ys: Array.from(row), color: SERIES[k % SERIES.length] });
          }
          const f = lines({ series, title: `bias of the last query (i = ${n - 1}) over keys j`, xLabel: 'key position j', yLabel: 'bias', width: 520, height: 240, markers: [{ x: n - 1 - st.train, label: `i − ${st.train}` }] });
          col.append(f.figure);
          svgs.push(f.svg);
          data[name] = { entry: 'bias_last_row', series: series.map((x) => ({ name: x.name, values: x.ys })) };
        }
        if (!m && !t.bias) col.append(h('p', { class: 'small' }, `Entries at this length: ${Object.entries(t).map(([k, e]) => `${k} (${e.shape.join(' × ') || 'scalar'})`).join(', ') || 'none'}. See the distance view for its profile.`));
      }
      current = { svgs, data, len };
    },
    exportable() {
      if (!current) return null;
      const st = store.get();
      const rows = [['scheme', 'entry', 'i', 'j', 'value']];
      for (const [name, d] of Object.entries(current.data)) {
        if (d.values) d.values.forEach((v, k) => rows.push([name, d.entry, Math.floor(k / d.shape[1]), k % d.shape[1], v]));
        if (d.series) d.series.forEach((se) => se.values.forEach((v, j) => rows.push([name, `${d.entry} ${se.name}`, current.len - 1, j, v])));
      }
      return { name: `pe-length-${current.len}`, title: `Length ${current.len} (training length ${st.train})`, svgs: current.svgs, csv: toCsv(rows), json: { len: current.len, train: st.train, schemes: current.data } };
    },
  };
}
