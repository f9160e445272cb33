// Which frequencies carry the score: for a rotary scheme (rope, xpos, fope), the logit of
// one query and one key of one head, split into one term per rotated pair of dimensions,
// from the probe's `pair_terms` (probe.hpp, "Details"):
//   terms[k] = s (q'_i[a_k] k'_j[a_k] + q'_i[b_k] k'_j[b_k]),  pair k turning at inv_freq[k]
//   logit    = sum(terms) + rest (dimensions left unrotated by partial RoPE)
// Drawn as term against frequency (log axis; pairs that do not turn at the left) and as
// bars of |term| per pair, highest frequency first, coloured by sign; the words say which
// frequencies carry most of |logit|. Schemes that rotate no pairs get the probe's reason.
//
// Query and key: the state's `query` and `key` (default: the last token and the first),
// chosen with two selects; the head is the heatmaps' head (`head`; "all" reads head 0).
// The numbers come from compute.js computePairs (result.pairs), like every other view's:
// the view only draws.
import { h, clear, fmt } from '../dom.js';
import { bars, lines } from '../charts.js';
import { schemeColor, diverging } from '../colors.js';
import { toCsv } from '../exports.js';
import { pairWant } from '../compute.js';

export const MAX_BARS = 64;          // pairs drawn as bars (dh <= 128); the line chart draws all
export const CARRY_SHARE = 0.6;      // a half of the frequencies "carries" |logit| from this share on

// Shares of sum |terms| (+ |rest|): by frequency half (high: the floor(P/2) fastest pairs),
// by whether the pair turns less than 90 degrees between the two tokens, and the largest terms.
export function pairSummary(pt) {
  const terms = Array.from(pt.terms), freq = Array.from(pt.inv_freq);
  const P = terms.length;
  const total = terms.reduce((a, t) => a + Math.abs(t), 0) + Math.abs(pt.rest);
  const order = [...terms.keys()].sort((a, b) => freq[b] - freq[a]);  // fastest first
  const high = new Set(order.slice(0, Math.floor(P / 2)));
  const distance = Math.abs(pt.query - pt.key);
  let highSum = 0, lowSum = 0, slowSum = 0;
  terms.forEach((t, k) => {
    if (high.has(k)) highSum += Math.abs(t);
    else lowSum += Math.abs(t);
    if (distance * freq[k] < Math.PI / 2) slowSum += Math.abs(t);
  });
  const share = (x) => (total > 0 ? x / total : 0);
  const top = [...terms.keys()].sort((a, b) => Math.abs(terms[b]) - Math.abs(terms[a])).slice(0, 3);
  const medianFreq = P ? freq[order[Math.floor(P / 2)]] : 0;
  return {
    pairs: P, total, sum: terms.reduce((a, t) => a + t, 0) + pt.rest, distance, medianFreq,
    high: share(highSum), low: share(lowSum), rest: share(Math.abs(pt.rest)), slow: share(slowSum),
    still: freq.filter((w) => w === 0).length, top,
  };
}

const pct = (x) => `${Math.round(x * 100)}%`;
const wavelength = (w) => (w > 0 ? `wavelength ${fmt((2 * Math.PI) / w, 3)} tokens` : 'does not turn');

// Plain words about one scheme's split, from the numbers.
export function pairWords(name, pt, tokens) {
  const m = pairSummary(pt);
  const tok = (i) => `${i} ("${tokens[i] ?? ''}")`;
  const carry = m.low >= CARRY_SHARE ? 'Most of |logit| sits in the low frequencies'
    : m.high >= CARRY_SHARE ? 'Most of |logit| sits in the high frequencies'
      : 'The low and high frequencies share |logit|';
  const out = [
    `${name}, head ${pt.head}, query ${tok(pt.query)}, key ${tok(pt.key)}: logit ${fmt(pt.logit, 5)} = the sum of ${m.pairs} pair terms` +
      (m.rest ? ` plus ${fmt(pt.rest, 4)} from the unrotated dimensions` : '') +
      (pt.masked ? ' (the causal mask hides this key from this query: the layer never uses this logit)' : '') + '.',
    `${carry}: the ${m.pairs - Math.floor(m.pairs / 2)} slower pairs (ω ≤ ${fmt(m.medianFreq, 3)}) carry ${pct(m.low)} of the total |term| ${fmt(m.total, 4)}, the ${Math.floor(m.pairs / 2)} faster ones ${pct(m.high)}` +
      (m.rest ? `, the unrotated dimensions ${pct(m.rest)}` : '') + '.',
    `Over the distance of ${m.distance} token${m.distance === 1 ? '' : 's'} between them, pairs that turn less than a quarter turn (ω < ${fmt(Math.PI / 2 / Math.max(m.distance, 1e-9), 3)}${m.still ? `, including ${m.still} that do not turn at all` : ''}) carry ${pct(m.slow)}: these pairs see the two tokens almost as if they had no position.`,
    `Largest: ${m.top.map((k) => `pair ${k} (ω ${fmt(pt.inv_freq[k], 3)}, ${wavelength(pt.inv_freq[k])}) ${pt.terms[k] >= 0 ? '+' : ''}${fmt(pt.terms[k], 3)}`).join(', ')}.`,
  ];
  if (pt.note) out.push(`Note: ${pt.note}.`);
  return out.join(' ');
}

export function mountPairs(root, store, engine) {
  const pickers = h('div', { class: 'inline pair-pickers' });
  const charts = h('div', { class: 'side-by-side' });
  const words = h('div', { class: 'pair-words', 'aria-live': 'polite' });
  root.append(h('p', { class: 'small' }, 'One logit of a rotary scheme, split into one term per rotated pair of query/key dimensions, against the frequency the pair turns at.'), pickers, charts, words);
  let current = null;

  function renderPickers(st, tokens, want) {
    clear(pickers);
    const mk = (label, id, value, k) => {
      const sel = h('select', { id, 'aria-label': label }, tokens.map((t, i) => h('option', { value: i, selected: i === value }, `${i}: ${t}`)));
      sel.addEventListener('change', () => store.set({ [k]: Number(sel.value) }));
      return [h('label', { for: id }, `${label} `), sel];
    };
    pickers.append(...mk('Query', 'pairs-query', want.query, 'query'), ' ', ...mk('Key', 'pairs-key', want.key, 'key'),
      h('span', { class: 'small' }, ` head ${want.head}${st.head < 0 ? ' (pick a head in the heatmaps to change it)' : ''}`));
  }

  // The terms of one scheme, as computed for result.pairs.want.
  function termsFor(result, name) {
    const g = result.pairs?.schemes?.[name];
    if (!g) return { error: result.detail.errors?.[name] || 'not computed yet' };
    if (g.error) return { error: g.error };
    if (g.reason) return { reason: g.reason };
    return { pt: g.pair_terms };
  }

  return {
    render(st, result) {
      clear(charts);
      clear(words);
      clear(pickers);
      current = null;
      if (!result?.ok) return;
      if (result.trained) {
        words.append(h('p', { class: 'message' }, 'The per-pair split is computed for the random one-layer probe only; switch "Weights" to random to see it.'));
        return;
      }
      const tokens = result.detail.tokens || [];
      const n = tokens.length;
      if (!n) return;
      const want = pairWant(st, n);
      const drawn = result.pairs?.want ?? want;   // what the numbers are for (want, once computed)
      renderPickers(st, tokens, want);
      const picked = [st.scheme, st.vs].filter((x, k, arr) => x && arr.indexOf(x) === k);
      const series = [], svgs = [], data = {};
      let zeroAt = null, lo = Infinity, hi = -Infinity;
      const got = picked.map((name) => [name, termsFor(result, name)]);
      for (const [, g] of got)
        for (const w of g.pt ? g.pt.inv_freq : []) if (w > 0) { lo = Math.min(lo, Math.log10(w)); hi = Math.max(hi, Math.log10(w)); }
      if (Number.isFinite(lo)) zeroAt = Math.floor(lo) - 1;
      for (const [name, g] of got) {
        const label = name;
        if (g.error) { words.append(h('p', { class: 'error' }, `${name}: ${g.error}`)); continue; }
        if (g.reason) { words.append(h('p', { class: 'message', 'data-scheme': name }, `${label}: ${g.reason}.`)); continue; }
        const pt = g.pt;
        data[name] = { head: pt.head, query: pt.query, key: pt.key, masked: pt.masked, logit: pt.logit, rest: pt.rest, note: pt.note, pairs: Array.from(pt.terms, (t, k) => ({ pair: k, inv_freq: pt.inv_freq[k], dim_a: pt.dim_a[k], dim_b: pt.dim_b[k], term: t })) };
        const xs = Array.from(pt.inv_freq, (w) => (w > 0 ? Math.log10(w) : zeroAt ?? 0));
        series.push({ name, xs, ys: Array.from(pt.terms), color: schemeColor(name) });
        if (pt.terms.length <= MAX_BARS) {
          const sign = diverging(1);
          const items = Array.from(pt.terms, (t, k) => ({
            key: `${name}-${k}`, label: `pair ${k} · ω ${fmt(pt.inv_freq[k], 3)}`, value: Math.abs(t),
            note: t >= 0 ? 'adds' : 'subtracts', color: sign(t >= 0 ? 0.8 : -0.8),
          }));
          svgs.push(bars({ items, title: `${name}: |term| per pair, in pair order (swatch: orange adds to the logit, blue subtracts)` }));
        } else {
          words.append(h('p', { class: 'small' }, `${name}: ${pt.terms.length} pairs, too many for bars; the chart above shows every one.`));
        }
        words.append(h('p', { 'data-scheme': name }, pairWords(label, pt, tokens)));
      }
      if (series.length) {
        const xTicks = [];
        if (zeroAt !== null) {
          if (series.some((se) => se.xs.includes(zeroAt))) xTicks.push({ x: zeroAt, label: 'ω = 0' });
          for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) xTicks.push({ x: e, label: e === 0 ? '1' : `1e${e}` });
        }
        const xFormat = (x) => (x === zeroAt ? '0 (does not turn)' : fmt(10 ** x, 4));
        const f = lines({ series, title: `Term per pair against its frequency ω (head ${drawn.head}, query ${drawn.query}, key ${drawn.key})`, xLabel: 'frequency ω (log scale)', yLabel: 'term of the logit', width: 560, height: 260, dots: true, xTicks: xTicks.length ? xTicks : null, xFormat, readoutDigits: 5 });
        charts.append(f.figure);
        svgs.unshift(f.svg);
      }
      for (const svg of svgs.slice(1)) charts.append(h('figure', { class: 'chart' }, svg));
      current = { svgs, data, tokens, want: drawn };
    },
    exportable() {
      if (!current) return null;
      const rows = [['scheme', 'head', 'query', 'key', 'pair', 'inv_freq', 'dim_a', 'dim_b', 'term']];
      for (const [name, v] of Object.entries(current.data)) {
        for (const p of v.pairs) rows.push([name, v.head, v.query, v.key, p.pair, p.inv_freq, p.dim_a, p.dim_b, p.term]);
        rows.push([name, v.head, v.query, v.key, 'rest', '', '', '', v.rest]);
      }
      const names = Object.keys(current.data);
      return { name: `pe-pairs-${names.join('-vs-') || 'none'}`, title: `Per-pair terms of one logit: ${names.join(' and ')}`, svgs: current.svgs, layout: [current.svgs.slice(0, 1), current.svgs.slice(1)], csv: toCsv(rows), json: { tokens: current.tokens, ...current.want, schemes: current.data } };
    },
  };
}
