// The lab's configuration from the page state, shared by the view and by
// scripts/make-lab-results.mjs, so the precomputed results are made with exactly the
// page's defaults. Evaluation: the training length and 2x, 4x, 8x it (the core's
// default) up to MAX_EVAL_LEN, 16 fresh sequences each. (At 2,048 tokens the core's
// limit on attention weights refuses 8 heads, and one evaluation of a large model takes
// many seconds: too long for a request that a pause has to wait for.)
import { LAB_DEFAULTS, LAB_SCHEMES } from '../state.js';

export const EVAL_SEQUENCES = 16;
export const MAX_EVAL_LEN = 1024;

export function labConfig(st) {
  const len = st['lab.len'];
  return {
    task: st['lab.task'], text: st['lab.task'] === 'text' ? st['lab.text'] : '',
    schemes: [...st['lab.schemes']], seeds: [...st['lab.seeds']],
    len, steps: st['lab.steps'], batch: st['lab.batch'], dim: st['lab.dim'], heads: st['lab.heads'], layers: st['lab.layers'],
    evalLens: [len, 2 * len, 4 * len, 8 * len].filter((l) => l <= MAX_EVAL_LEN), evalSequences: EVAL_SEQUENCES,
  };
}

// The page's default lab, as labConfig gives it for a fresh state.
export const defaultLabConfig = () => labConfig({
  'lab.task': LAB_DEFAULTS.task, 'lab.text': '', 'lab.schemes': LAB_SCHEMES, 'lab.seeds': LAB_DEFAULTS.seeds,
  'lab.len': LAB_DEFAULTS.len, 'lab.steps': LAB_DEFAULTS.steps, 'lab.batch': LAB_DEFAULTS.batch,
  'lab.dim': LAB_DEFAULTS.dim, 'lab.heads': LAB_DEFAULTS.heads, 'lab.layers': LAB_DEFAULTS.layers,
});

// Same experiment apart from the seeds (the precomputed file has more seeds than a
// reader's default run).
export function sameSetup(a, b) {
  const pick = (c) => JSON.stringify([c.task, c.text || '', [...c.schemes].sort(), c.len, c.steps, c.batch, c.dim, c.heads, c.layers, c.evalLens, c.evalSequences]);
  return pick(a) === pick(b);
}

// pe-cli lab arguments for a configuration (without --text: the script has none).
export function cliArgs(c) {
  return ['lab', '--task', c.task, '--schemes', c.schemes.join(','), '--seeds', c.seeds.join(','),
    '--len', String(c.len), '--steps', String(c.steps), '--batch', String(c.batch), '--dim', String(c.dim),
    '--heads', String(c.heads), '--layers', String(c.layers), '--eval-lens', c.evalLens.join(','),
    '--eval-sequences', String(c.evalSequences), '--json'];
}
