// The guided path under the tool: seven "try this" steps (none → causal mask →
// sinusoidal → shift → RoPE → ALiBi → length), each setting the view for its point and
// saying what to look at, with one line read from the numbers on screen (never canned:
// a step whose number is not there yet says so). The step the state is on is marked.
import { h, clear, fmt, narrowScreen } from '../dom.js';
import { DEFAULT_A, DEFAULT_B } from '../state.js';

const score = (result, name) => result?.ok ? result.ranking?.schemes?.[name]?.sentence_distance : undefined;
const shift = (result, name) => result?.ok ? result.ranking?.schemes?.[name]?.shift_logit_change : undefined;
const num = (v, digits = 3) => (Number.isFinite(v) ? fmt(v, digits) : '…');

// Each step: the state it sets (settings: {scheme: {key: value}}, all others cleared for
// that scheme), what to look at, and a line from the numbers.
export const GUIDE = [
  {
    id: 'none', title: 'No position at all',
    patch: { scheme: 'none', vs: '', causal: false, view: 'heatmaps', head: -1, a: DEFAULT_A, b: DEFAULT_B },
    text: 'A and B have the same words in another order. Without any position signal, attention treats a sentence as a bag of words: every A − B map is blank.',
    read: (r) => `Here "none" reads ${num(score(r, 'none'))}: the layer's output does not move when the words swap.`,
  },
  {
    id: 'causal', title: 'A causal mask alone sees order',
    patch: { scheme: 'none', vs: '', causal: true, view: 'heatmaps', head: -1, a: DEFAULT_A, b: DEFAULT_B },
    text: 'Switch on the decoder\'s mask: each token attends only to itself and the tokens before it (hatched cells are hidden, not zero). What a token can see now depends on the order, even with no position signal at all.',
    read: (r) => `"none" now reads ${num(score(r, 'none'))}, above 0: the mask alone makes the layer order-sensitive.`,
  },
  {
    id: 'sinusoidal', title: 'Sinusoidal: a fixed tag for every position',
    patch: { scheme: 'sinusoidal', vs: '', causal: false, view: 'adds', a: DEFAULT_A, b: DEFAULT_B },
    text: 'The original Transformer adds a pattern of sines and cosines to each word: fast stripes in the first dimensions, slow ones in the last. The same word at another position becomes another vector.',
    read: (r) => `Sinusoidal reads ${num(score(r, 'sinusoidal'))} without a mask.`,
  },
  {
    id: 'shift', title: 'Shift every position',
    patch: { scheme: 'sinusoidal', vs: 'rope', causal: false, view: 'heatmaps', shift: 16, a: DEFAULT_A, b: DEFAULT_B },
    text: 'Keep the words, but start counting positions at 16 instead of 0 (the headline above the ranking). A scheme that tags absolute positions notices; one that reads only the distance between two positions cannot.',
    read: (r) => `Largest logit change under the shift: sinusoidal ${num(shift(r, 'sinusoidal'))}, RoPE ${num(shift(r, 'rope'))}.`,
  },
  {
    id: 'rope', title: 'RoPE: turn queries and keys',
    patch: { scheme: 'rope', vs: '', causal: false, view: 'adds', a: DEFAULT_A, b: DEFAULT_B },
    text: 'RoPE turns each pair of query and key dimensions by an angle proportional to the position (play the rotation below). In q·k only the difference of the two angles is left: relative position, from an absolute rotation.',
    read: (r) => `RoPE reads ${num(score(r, 'rope'))} and its logits move by ${num(shift(r, 'rope'))} under the shift.`,
  },
  {
    id: 'alibi', title: 'ALiBi: a penalty that grows with distance',
    patch: { scheme: 'alibi', vs: '', causal: false, view: 'distance', a: DEFAULT_A, b: DEFAULT_B },
    text: 'ALiBi adds nothing to the words: it subtracts m × distance from every logit, one slope m per head, so far-away keys count less. The curves below are those straight lines.',
    read: (r) => `ALiBi reads ${num(score(r, 'alibi'))}; its logits move by ${num(shift(r, 'alibi'))} under the shift.`,
  },
  {
    id: 'length', title: 'Past the training length',
    patch: { scheme: 'learned', vs: 'rope', causal: false, view: 'length', len: 128, train: 64, a: DEFAULT_A, b: DEFAULT_B },
    settings: { learned: { max_len: '64' } },
    text: 'A learned table has one row per position it was trained on, and no row past it; RoPE\'s slow pairs reach angles they never reached in training. Trained models show what that costs: the training lab measures it.',
    read: (_, st) => `Length ${st.len} against a training length of ${st.train}: the learned table stops at 64 rows (its message below); RoPE goes on.`,
  },
];


export function mountGuide(root, store) {
  const list = h('ol', { class: 'guide-steps' });
  // Open on a wide screen; folded on a phone, where the page is one long column.
  root.append(h('h2', { id: 'guide-h' }, 'A guided path: seven steps'),
    h('details', { class: 'guide-box', open: !narrowScreen() },
      h('summary', null, 'Each step sets the tool above for one idea; read what it says, then look. Every number comes from the engine.'), list));
  // On a step: its fields (not the view it opens) and its settings (store.matches).
  const onStep = (step, st) => {
    const { view, ...patch } = step.patch;
    return store.matches(st, { patch, settings: step.settings || {} });
  };
  const apply = (step) => {
    store.apply({ patch: step.patch, settings: step.settings || {} });
    document.getElementById(step.patch.view === 'heatmaps' ? 'view-main' : `view-${step.patch.view}`)?.scrollIntoView?.({ block: 'start' });
  };
  return {
    // current: the reader's state; st and result: the state of the result drawn (the
    // numbers of a step are read only once its own result is there).
    render(current, st, result) {
      clear(list);
      GUIDE.forEach((step, k) => {
        const here = onStep(step, current);
        const line = !here ? null : onStep(step, st) && result?.ok ? step.read(result, st) : 'Computing…';
        list.append(h('li', { class: 'guide-step' + (here ? ' current' : ''), 'data-step': step.id, 'aria-current': here ? 'step' : null },
          h('h3', null, step.title),
          h('p', null, step.text),
          here ? h('p', { class: 'guide-read', role: 'status' }, line) : null,
          h('button', { type: 'button', 'data-step': step.id, onclick: () => apply(step) }, here ? 'Shown above' : `Try step ${k + 1}`)));
      });
    },
  };
}
