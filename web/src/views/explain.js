// A short, exact explanation of each scheme with its formula in MathML (native in the
// browser: no network, no fonts) and the source paper and code from the scheme's
// description. Formulas follow /work/shared/REFERENCE.md; a scheme without a written
// formula here still shows its summary, paper and source from engine.schemes().
import { h, clear, MATHML_NS } from '../dom.js';

// Tiny MathML builder: strings become text; mi/mn/mo are the leaves.
const M = (tag, ...kids) => {
  const el = document.createElementNS(MATHML_NS, tag);
  for (const k of kids.flat()) el.append(typeof k === 'string' ? document.createTextNode(k) : k);
  return el;
};
const i = (x) => M('mi', x), n = (x) => M('mn', String(x)), o = (x) => M('mo', x);
const row = (...k) => M('mrow', ...k);
const sub = (a, b) => M('msub', a, b), sup = (a, b) => M('msup', a, b), subsup = (a, b, c) => M('msubsup', a, b, c);
const frac = (a, b) => M('mfrac', a, b), sqrt = (a) => M('msqrt', a);
const txt = (x) => M('mtext', x);
const fn = (name, ...arg) => row(i(name), o('\u2061'), o('('), ...arg, o(')'));
// Factories, not shared nodes: a DOM node can sit in one place only.
const eq = () => o('='), plus = () => o('+'), minus = () => o('\u2212'), dot = () => o('\u00b7'), larr = () => o('\u2190');
const qi = () => sub(i('q'), i('i')), kj = () => sub(i('k'), i('j'));
const sdh = () => sqrt(sub(i('d'), i('h')));
const logit = (...extra) => row(sub(i('s'), row(i('i'), i('j'))), eq(), frac(row(qi(), dot(), kj()), sdh()), ...extra);

// Block <math> from a builder result (mrow). The attribute "display" is set here.
function block(...k) {
  const m = M('math', row(...k));
  m.setAttribute('display', 'block');
  return m;
}

const FORMULAS = {
  none: (set) => [
    block(logit()),
    block(sub(i('x'), i('p')), eq(), fn('e', sub(i('t'), i('p')))),
    'No position signal: the token embedding alone. Without a causal mask, permuting the input permutes the output rows and changes nothing else, so the mean output (the score above) is exactly the same for A and B. With a causal mask, query i sees only keys j ≤ i, and order leaks in through the mask alone.',
  ],
  sinusoidal: (set) => set.layout === 'concat'
    ? [
        block(fn('PE', i('p'), o(','), i('k')), eq(), fn('sin', i('p'), sub(i('ω'), i('k'))), o(','), fn('PE', i('p'), o(','), row(i('d'), o('/'), n(2), plus(), i('k'))), eq(), fn('cos', i('p'), sub(i('ω'), i('k')))),
        block(sub(i('ω'), i('k')), eq(), fn('exp', minus(), frac(row(i('k'), fn('ln', i('base'))), row(i('d'), o('/'), n(2), minus(), n(1))))),
        block(sub(i('x'), i('p')), larr(), sub(i('x'), i('p')), plus(), fn('PE', i('p'))),
        'Shown: the concatenated [sin | cos] layout of tensor2tensor and fairseq; its lowest frequency is exactly 1/base. The attention then sees the sum of token and position vectors.',
      ]
    : [
        block(fn('PE', i('p'), o(','), row(n(2), i('k'))), eq(), fn('sin', frac(i('p'), sup(i('base'), row(n(2), i('k'), o('/'), i('d')))))),
        block(fn('PE', i('p'), o(','), row(n(2), i('k'), plus(), n(1))), eq(), fn('cos', frac(i('p'), sup(i('base'), row(n(2), i('k'), o('/'), i('d')))))),
        block(sub(i('x'), i('p')), larr(), sub(i('x'), i('p')), plus(), fn('PE', i('p'))),
        'Shown: the interleaved layout of the paper (sin, cos pairs); the lowest frequency approaches but never reaches 1/base. The attention then sees the sum of token and position vectors.',
      ],
  learned: () => [
    block(sub(i('x'), i('p')), larr(), sub(i('x'), i('p')), plus(), sub(i('W'), i('p')), o(','), i('W'), o('∈'), sup(i('ℝ'), row(i('max_len'), o('×'), i('d'))), o(','), sub(i('W'), row(i('p'), i('c'))), o('∼'), fn('𝒩', n(0), o(','), sup(n('0.02'), n(2)))),
    'One trained row per position (GPT-2 wpe); here seeded random rows. There is no row past max_len: the page shows the refusal instead of wrapping.',
  ],
  integer: () => [
    block(sub(i('x'), row(i('p'), i('c'))), larr(), sub(i('x'), row(i('p'), i('c'))), plus(), i('p'), txt('  (or '), i('p'), o('/'), i('N'), txt(')')),
    'The integer position added to every component: it swamps the token signal as p grows, and dividing by N makes one position mean different things at different lengths.',
  ],
  binary: () => [
    block(fn('PE', i('p'), o(','), i('k')), eq(), txt('bit '), i('k'), txt(' of '), i('p')),
    'Unique for every position, but each component jumps discontinuously.',
  ],
  rope: () => [
    block(row(o('('), subsup(i('x'), i('a'), o('′')), o(','), subsup(i('x'), i('b'), o('′')), o(')')), eq(), row(o('('), sub(i('x'), i('a')), fn('cos', i('θ')), minus(), sub(i('x'), i('b')), fn('sin', i('θ')), o(','), sub(i('x'), i('b')), fn('cos', i('θ')), plus(), sub(i('x'), i('a')), fn('sin', i('θ')), o(')')), o(','), i('θ'), eq(), i('p'), dot(), sub(i('ω'), i('k'))),
    block(sub(i('ω'), i('k')), eq(), frac(n(1), sup(i('theta'), row(n(2), i('k'), o('/'), sub(i('d'), i('r')))))),
    block(row(fn('R', sub(i('θ'), i('i'))), qi()), dot(), row(fn('R', sub(i('θ'), i('j'))), kj()), eq(), sup(qi(), txt('T')), fn('R', row(sub(i('θ'), i('j')), minus(), sub(i('θ'), i('i')))), kj()),
    'Each pair k of a query and key (half-split: dims k and k + dr/2; interleaved: 2k and 2k+1) is rotated by position × ω_k, so q_i·k_j depends on i and j only through j − i, and the rotation keeps norms. Scalings (linear, ntk, dynamic, yarn, llama3, longrope) change ω_k for longer contexts; yarn and longrope also multiply cos and sin by an attention factor.',
  ],
  xpos: () => [
    block(sub(i('q'), i('n')), larr(), fn('R', sub(i('θ'), i('n'))), sub(i('q'), i('n')), dot(), sup(sub(i('ζ'), i('k')), row(i('n'), o('/'), n(512))), o(','), sub(i('k'), i('n')), larr(), fn('R', sub(i('θ'), i('n'))), sub(i('k'), i('n')), dot(), sup(sub(i('ζ'), i('k')), row(minus(), i('n'), o('/'), n(512)))),
    block(sub(i('ζ'), i('k')), eq(), frac(row(n(2), i('k'), plus(), n('0.4'), sub(i('d'), i('r'))), row(n('1.4'), sub(i('d'), i('r'))))),
    'RoPE plus a per-pair scale, so the logits carry ζ_k^((i − j)/512): a decay with distance. Positions in the scale are centred on the sequence, as in torchscale.',
  ],
  fope: (set) => [
    block(sub(i('f'), i('cos')), eq(), fn('cos', i('p'), i('ω')), sub(i('C'), i('cos')), o(','), sub(i('f'), i('sin')), eq(), fn('sin', i('p'), i('ω')), sub(i('C'), i('sin')), o(','), sub(i('ω'), i('k')), larr(), n(0), txt(' if '), sub(i('ω'), i('k')), o('<'), frac(row(n(2), i('π')), sub(i('L'), i('train')))),
    (set.init === 'eye_norm' ? 'Coefficients: identity plus N(0, σ) noise per head. ' : 'Coefficients (the authors’ default): identity plus Xavier-normal noise with gain σ, per head. ') + (set.ignore_zero === 'false' ? 'Clipped frequencies are kept as zero-frequency pairs. ' : 'Clipped frequencies are dropped; at most dh/4 pairs are mixed and the other pairs get coefficients of 1 for cos and sin. ') + 'RoPE frequencies that cannot finish a period within the training length are clipped to zero, and each dimension carries a weighted sum of frequencies, applied as half-split RoPE.',
  ],
  alibi: (set) => [
    block(logit(minus(), sub(i('m'), i('h')), (set.causal === 'true' ? row(o('('), i('i'), minus(), i('j'), o(')')) : row(o('|'), i('i'), minus(), i('j'), o('|'))))),
    block(sub(i('m'), i('h')), eq(), sup(n(2), row(minus(), n(8), i('h'), o('/'), i('H'))), txt('  (H a power of two, h = 1..H)')),
    'A fixed linear penalty on distance, a different slope per head; for H not a power of two, the slopes of the largest power of two below H followed by every other slope of twice that. ' + (set.causal === 'true' ? 'Shown: the causal form.' : 'Shown: the bidirectional form −m_h|i − j|.'),
  ],
  shaw: () => [
    block(sub(i('e'), row(i('i'), i('j'))), eq(), frac(row(qi(), dot(), o('('), kj(), plus(), sup(sub(i('a'), row(i('r'))), i('K')), o(')')), sdh()), o(','), sub(i('z'), i('i')), eq(), row(M('munder', o('∑'), i('j')), sub(i('α'), row(i('i'), i('j'))), o('('), sub(i('v'), i('j')), plus(), sup(sub(i('a'), i('r')), i('V')), o(')'))),
    block(i('r'), eq(), fn('clip', i('j'), minus(), i('i'), o(','), minus(), i('k'), o(','), i('k'))),
    'Learned vectors for each clipped relative distance (2k + 1 of them, shared across heads), added to the keys in the logits and to the values in the output.',
  ],
  t5: () => [
    block(sub(i('s'), row(i('i'), i('j'))), eq(), qi(), dot(), kj(), plus(), sub(i('b'), i('h')), o('['), fn('bucket', i('j'), minus(), i('i')), o(']')),
    'A learned scalar per (bucket, head). Distances below max_exact = nb/2 get their own bucket; farther ones share logarithmically wider buckets up to max_distance, then the last one. T5 does not divide by √dh.',
  ],
  cpe: () => [
    block(i('X'), larr(), i('X'), plus(), fn('DWConv', i('X')), txt('  (width 3, zero padding)')),
    'A depthwise convolution over neighbouring tokens, added to the embeddings; the zero padding at the edges is what tells it absolute position.',
  ],
  cope: () => [
    block(sub(i('g'), row(i('i'), i('j'))), eq(), fn('σ', qi(), dot(), kj()), o(','), sub(i('p'), row(i('i'), i('j'))), eq(), row(M('munderover', o('∑'), row(i('t'), eq(), i('j')), i('i')), sub(i('g'), row(i('i'), i('t'))))),
    block(sub(i('z'), row(i('i'), i('j'))), eq(), row(o('('), i('p'), minus(), o('⌊'), i('p'), o('⌋'), o(')')), sub(i('q'), i('i')), dot(), sub(i('e'), row(o('⌈'), i('p'), o('⌉'))), plus(), row(o('('), n(1), minus(), i('p'), plus(), o('⌊'), i('p'), o('⌋'), o(')')), sub(i('q'), i('i')), dot(), sub(i('e'), row(o('⌊'), i('p'), o('⌋')))),
    'Positions counted by gates on the content under the causal mask (words or sentences, not tokens), interpolated in a learned table and added to the logits; as in the reference code, the position logit is divided by √dh together with q·k (divide=false: added after the division, as in the paper’s figure).',
  ],
  kerple: (set) => [
    set.variant === 'power'
      ? block(logit(minus(), sub(i('r'), n(1)), sup(row(o('|'), i('i'), minus(), i('j'), o('|')), sub(i('r'), n(2)))))
      : block(logit(minus(), sub(i('r'), n(1)), fn('log', n(1), plus(), sub(i('r'), n(2)), row(o('|'), i('i'), minus(), i('j'), o('|'))))),
    'A kernel of the distance with two positive parameters per head, r1 and r2, learned in training (here seeded). The power variant with r2 = 1 is ALiBi with a learned slope; the logarithmic one decays ever more slowly with distance. It only shows its point once trained: train it in the lab.',
  ],
  sandwich: () => [
    block(logit(plus(), frac(row(M('munderover', o('∑'), row(i('k'), eq(), n(1)), row(i('D'), o('/'), n(2))), fn('cos', row(o('('), i('i'), minus(), i('j'), o(')')), sub(i('ω'), i('k'))), minus(), i('D'), o('/'), n(2)), row(n(8), i('h'), o('/'), i('H'))))),
    'The inner product of the sinusoidal encodings of the two positions, PE(i)·PE(j) = Σ cos((i−j)ω_k), shifted so that distance 0 gives 0 and scaled per head. It falls with distance and then levels off at a plateau instead of falling without bound, unlike ALiBi. Its point, that a model trained with it keeps working past its training length, only shows in trained models: train it in the lab.',
  ],
  fire: () => [
    block(logit(plus(), fn(sub(i('f'), i('θ')), frac(fn('ψ', row(i('i'), minus(), i('j'))), fn('ψ', fn('max', i('i'), o(','), i('L'))))), o(','), fn('ψ', i('x')), eq(), fn('log', row(i('c'), i('x'), plus(), n(1))))),
    'A small learned MLP f of the log distance, normalised by the log of the query position (or the threshold L when the query is earlier), so distances are read relative to how far the query is into the sequence. Below L it is translation-invariant; past L it depends on the query position. It only shows its point once trained.',
  ],
  fourier: () => [
    block(fn('PE', i('p'), o(','), i('k')), eq(), fn('cos', frac(row(n(2), i('π'), i('k'), i('p')), i('N'))), o(','), sub(i('x'), i('p')), larr(), sub(i('x'), i('p')), plus(), fn('PE', i('p'))),
    'The encoding source article 002 calls FoPE: a fixed table of cosines of the position over the sequence length N, added to the input. It is not FoPE of Hua et al. 2024 (the scheme "fope", which mixes RoPE frequencies on queries and keys). Because cos is even, positions p and N − p get the same encoding: in a five-word sentence, swapping words 1 and 4 changes nothing.',
  ],
  randomized: (set) => [
    block(i('I'), eq(), fn('sort', row(i('n'), txt(' distinct integers drawn uniformly from '), o('{'), n(0), o(','), o('…'), o(','), i('L'), minus(), n(1), o('}')))),
    set.inner === 'rope'
      ? block(sub(i('q'), i('i')), o(','), sub(i('k'), i('i')), txt(' rotated by '), sub(i('I'), i('i')), sub(i('θ'), i('k')), txt(' instead of '), i('i'), sub(i('θ'), i('k')))
      : block(sub(i('x'), i('i')), larr(), sub(i('x'), i('i')), plus(), fn('PE', sub(i('I'), i('i')))),
    `Each sequence gets its positions drawn at random: n different whole numbers are picked from 0 to L−1 (L = noise_max_length, ${set.noise_max_length ?? 2048} here), sorted, and given to an ordinary encoding (${set.inner ?? 'sinusoidal'} here; sinusoidal, learned or RoPE) in place of 0, 1, …, n−1. Word order survives, because the drawn positions still increase along the sentence, but the gaps between neighbours are random. So even a short training sequence uses positions spread over the whole range up to L, and a test sequence many times longer still lands on positions the model has already seen. As in the reference code, positions are drawn again for every sequence in training and in evaluation (from a seeded stream here); this view uses one fixed draw, the same for both sentences. Its point, length generalisation, only shows in trained models: train it in the lab.`,
  ],
  txl: () => [
    block(sub(i('s'), row(i('i'), i('j'))), eq(), frac(row(row(o('('), qi(), plus(), i('u'), o(')')), dot(), kj(), plus(), row(o('('), qi(), plus(), i('v'), o(')')), dot(), sub(i('W'), i('r')), fn('R', row(i('i'), minus(), i('j')))), sdh())),
    'Transformer-XL: the key is split into content (k_j) and relative position (W_r R(i−j), R sinusoids of the distance); u and v are learned biases for the query’s content and position terms. Only i − j enters, so a shift of every position changes nothing.',
  ],
};

export function mountExplain(root, store, engine) {
  const grid = h('div', { class: 'side-by-side' });
  root.append(grid);
  return {
    render(st) {
      clear(grid);
      const picked = [st.scheme, st.vs].filter((x, k, arr) => x && arr.indexOf(x) === k);
      for (const name of picked) {
        const info = engine.schemes().find((x) => x.name === name);
        if (!info) continue;
        const settings = Object.fromEntries(info.params.map((p) => [p.key, store.setting(name, p.key)]));
        const col = h('article', { class: 'scheme-col explain', 'data-scheme': name }, h('h3', null, info.title));
        col.append(h('p', null, info.summary), h('p', { class: 'small' }, `Acts on: ${info.acts_on} (${info.where}).`));
        const f = FORMULAS[name];
        if (f) for (const part of f(settings)) col.append(typeof part === 'string' ? h('p', null, part) : part);
        col.append(h('p', { class: 'small' }, 'Attention everywhere: logits s_ij = q_i·k_j/√dh plus any bias, softmax over keys j; positions start at 0.'));
        col.append(h('p', { class: 'cite' }, 'Paper: ', h('cite', null, info.paper)), h('p', { class: 'cite small' }, 'Reference code: ', info.source));
        grid.append(col);
      }
    },
  };
}
