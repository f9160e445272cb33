// The lab's numbers, from a live run or the precomputed file, in one shape:
//   {source: 'live' | 'precomputed', config, lens, table, curves}
//   table:  {scheme: {len: {loss_mean, loss_min, loss_max, accuracy_mean, applicable}}}
//           over seeds (as pe-cli lab --json writes it; null where not applicable)
//   curves: {every, schemes: {scheme: [mean training loss of each block of `every` steps,
//            averaged over seeds]}}
// and the sentence under the extrapolation chart, computed from the table.
import { fmt } from '../dom.js';

// Averages of consecutive blocks of `every` values (the last block may be shorter).
export function blockMeans(values, every) {
  const out = [];
  for (let k = 0; k < values.length; k += every) {
    const part = values.slice(k, k + every);
    out.push(part.reduce((a, b) => a + b, 0) / part.length);
  }
  return out;
}

// Block size that leaves at most `points` points for `steps` steps.
export const blockSize = (steps, points = 120) => Math.max(1, Math.ceil(steps / points));

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

// Mean over seeds of the losses each seed has so far (the seeds step together).
export function meanCurve(runs) {
  const n = Math.min(...runs.map((r) => r.losses.length));
  return Array.from({ length: Number.isFinite(n) ? n : 0 }, (_, k) => mean(runs.map((r) => r.losses[k])));
}

// Results of a live run (some lengths may not be evaluated yet: then absent).
export function liveResults(run) {
  const { config } = run;
  const table = {}, curves = { every: blockSize(config.steps), schemes: {} };
  for (const scheme of config.schemes) {
    const rs = run.runs.filter((r) => r.scheme === scheme);
    curves.schemes[scheme] = blockMeans(meanCurve(rs), curves.every);
    const row = {};
    for (const len of config.evalLens) {
      const ev = rs.map((r) => r.eval[len]).filter(Boolean);
      if (ev.length < rs.length || !rs.length) continue;
      const ok = ev.every((e) => e.applicable);
      const losses = ev.map((e) => e.loss);
      const acc = ev.map((e) => e.accuracy).filter((a) => a !== null && Number.isFinite(a));
      row[len] = ok
        ? { loss_mean: mean(losses), loss_min: Math.min(...losses), loss_max: Math.max(...losses), accuracy_mean: acc.length ? mean(acc) : null, applicable: true }
        : { loss_mean: null, loss_min: null, loss_max: null, accuracy_mean: null, applicable: false, reason: ev.find((e) => !e.applicable).reason };
    }
    table[scheme] = row;
  }
  return { source: 'live', config, lens: config.evalLens, table, curves };
}

// The precomputed file (scripts/make-lab-results.mjs) in the same shape.
export function precomputedResults(file) {
  return { source: 'precomputed', config: file.config, lens: file.lens, table: file.table, curves: file.curves, made_by: file.made_by };
}

const pct = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 100))}%`;
const listAnd = (xs) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

// What the extrapolation chart shows, in plain words, from the numbers. Empty when
// there is nothing to say yet (no length evaluated past training). A scheme already far
// behind at the training length is reported as not trained, not as extrapolating.
export function describe(results) {
  const { table, config } = results;
  const L = config.len;
  const lens = results.lens.filter((l) => Object.values(table).some((row) => row[l]));
  const far = Math.max(...lens);
  if (!lens.includes(L) || !(far > L)) return '';
  const seeds = config.seeds.length;
  const rows = Object.entries(table).map(([scheme, row]) => ({
    scheme,
    base: row[L]?.applicable ? row[L].loss_mean : null,
    farCell: row[far],
    far: row[far]?.applicable ? row[far].loss_mean : null,
    accFar: row[far]?.applicable ? row[far].accuracy_mean : null,
  }));
  for (const r of rows) r.rise = r.far !== null && r.base !== null ? r.far / r.base - 1 : null;
  const bases = rows.filter((r) => r.base !== null);
  const lo = Math.min(...bases.map((r) => r.base));
  const behind = bases.filter((r) => r.base > lo * 1.3);
  const out = [`Trained at ${L} tokens and evaluated at up to ${far} (${far / L}× longer), ${seeds > 1 ? `mean of ${seeds} seeds` : 'one seed'}:`];
  const able = rows.filter((r) => r.rise !== null && !behind.includes(r)).sort((a, b) => a.far - b.far);
  if (able.length) {
    const best = able[0];
    out.push(`${best.scheme} ${best.rise < 0.1 ? 'kept working past the training length' : 'degraded least'}: its loss went from ${fmt(best.base, 3)} to ${fmt(best.far, 3)} (${pct(best.rise)}).`);
    const worse = able.slice(1).filter((r) => r.rise >= 0.1).sort((a, b) => b.rise - a.rise);
    if (worse.length) out.push(`At ${far} tokens the loss rose by ${listAnd(worse.map((r) => `${Math.round(r.rise * 100)}% for ${r.scheme}`))}.`);
    const steady = able.slice(1).filter((r) => r.rise < 0.1);
    if (steady.length) out.push(`${listAnd(steady.map((r) => r.scheme))} also stayed within 10% of ${steady.length > 1 ? 'their' : 'its'} loss at ${L}.`);
    if (seeds > 1 && able.length > 1) {
      const second = able[1];
      out.push(best.farCell.loss_max < second.farCell.loss_min
        ? `Every seed of ${best.scheme} beat every seed of ${second.scheme} at ${far}, so that lead is larger than the seed spread.`
        : `The ranges of ${best.scheme} and ${second.scheme} at ${far} overlap across seeds: that gap is within the seed spread.`);
    }
    const accs = able.filter((r) => r.accFar !== null && r.accFar !== undefined && Number.isFinite(r.accFar));
    if (accs.length > 1) out.push(`Answer accuracy at ${far}: ${[...accs].sort((a, b) => b.accFar - a.accFar).map((r) => `${r.scheme} ${Math.round(r.accFar * 100)}%`).join(', ')}.`);
  }
  const cannot = rows.filter((r) => r.base !== null && r.far === null);
  if (cannot.length) {
    const last = lens.filter((l) => cannot.every((r) => table[r.scheme][l]?.applicable)).at(-1) ?? L;
    out.push(`${listAnd(cannot.map((r) => r.scheme))} cannot read past ${last} tokens (no position beyond ${cannot.length > 1 ? 'their tables' : 'its table'}), so ${cannot.length > 1 ? 'they have' : 'it has'} no point there.`);
  }
  if (behind.length) out.push(`${listAnd(behind.map((r) => r.scheme))} ${behind.length > 1 ? 'were' : 'was'} already far behind at the training length (${behind.map((r) => fmt(r.base, 3)).join(', ')} against ${fmt(lo, 3)}): ${behind.length > 1 ? 'they' : 'it'} had not learned the task in ${config.steps} steps, so ${behind.length > 1 ? 'their' : 'its'} longer lengths say little.`);
  return out.join(' ');
}

// Rows for the CSV export: every curve point and every table cell.
export function csvRows(results, runs = null) {
  const rows = [['kind', 'scheme', 'seed', 'step_or_len', 'loss', 'loss_min', 'loss_max', 'accuracy', 'applicable']];
  if (runs) for (const r of runs) r.losses.forEach((v, k) => rows.push(['train_loss', r.scheme, r.seed, k + 1, v, '', '', '', '']));
  else
    for (const [scheme, ys] of Object.entries(results.curves.schemes))
      ys.forEach((v, k) => rows.push([`train_loss_mean_of_${results.curves.every}_steps`, scheme, 'mean', (k + 1) * results.curves.every, v, '', '', '', '']));
  for (const [scheme, row] of Object.entries(results.table))
    for (const len of results.lens) {
      const c = row[len];
      if (c) rows.push(['eval', scheme, results.config.seeds.length > 1 ? 'mean' : results.config.seeds[0], len, c.loss_mean ?? '', c.loss_min ?? '', c.loss_max ?? '', c.accuracy_mean ?? '', c.applicable ? 1 : 0]);
    }
  return rows;
}
