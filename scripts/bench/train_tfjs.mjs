// The training step of `npm run bench` written in TensorFlow.js: the decoder of
// cpp/include/pe/model.hpp with scheme rope, so tfjs-backend-wasm can be timed doing the
// same work as pe::Trainer::step. Usable in Node and in the Chromium bench page: the
// caller passes `tf` (tfjs-core with a backend set); nothing here reads a clock.
//
//   x = tok_emb[token]                                (B*L, d), gather; its gradient is
//                                                     a scatter-add (tfjs's own, an
//                                                     unsortedSegmentSum, has no wasm kernel)
//   for each layer:
//     x += Wo attn(rope(Wq h), rope(Wk h), Wv h)      h = LN1(x); no biases; RoPE half layout
//                                                     on q and k, theta 10000, all dh dims;
//                                                     logits q k^T / sqrt(dh) + causal mask
//     x += W2 GELU_tanh(W1 LN2(x) + b1) + b2          W1 (d, 4d), W2 (4d, d) as (in, out)
//   logits = LN_f(x) tok_emb^T                        tied LM head, (B*L, V)
//   loss = mean cross-entropy over all B*L targets
//   step: autograd (tf.variableGrads), global gradient-norm clipping at `clip`, decoupled
//   weight decay on the matrices (p *= 1 - lr wd, as adamw_update does before its Adam
//   step), then tf.train.adam (beta1 0.9, beta2 0.95, eps 1e-8: the Trainer's defaults).
//
// Where it differs from ours, on purpose: the whole batch of B sequences goes through
// every op at once (tfjs's strength; the Trainer runs one sequence at a time); the
// learning rate is constant (ours warms up and decays: scalar arithmetic); tokens are
// seeded random ids, one fixed batch (the data does not change the cost; ours samples
// the task each step); every position is scored (stories leaves padding unscored); the
// attention computes the full L x L logits and masks them. Init as ours (N(0, 0.02),
// Wo and W2 N(0, 0.02 / sqrt(2 layers)), LayerNorm 1 and 0, biases 0), from another RNG,
// or ours exactly: `weights` maps model.hpp's parameter names to their values in its
// layout (matrices (out, in); here they are (in, out)), and `data` gives the batch.
// Needs tfjs's gradient functions registered (tfjs_node.mjs says how).
//
// transposes: 'flags' (default) writes q k^T, the tied head and every gradient product as
// tfjs's autograd does, with matMul's transpose flags; 'explicit' gives each transpose an
// op of its own (a customGrad around matMul), the same maths and losses. It exists
// because tfjs-backend-wasm's BatchMatMul is several times slower with a flag set than a
// tf.transpose followed by a plain product ([1024,64] x [256,64]^T: 17 ms against 2.6 ms).
//
//   createTfjsTrainer(tf, {layers, dim, heads, vocab, len, batch, lr, beta1, beta2, eps,
//                          weightDecay, clip, seed, weights, data: {tokens, targets}, transposes})
//     tokens and targets: Int32Array (batch * len), row-major (sequence, position)
//     -> {step() -> loss of the step (before its update), parameters, tokens, free()}

// xorshift32 uniforms in (0, 1) and Box-Muller normals: deterministic in every engine.
function normals(count, std, rng) {
  const a = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(rng())) * std;
    const t = 2 * Math.PI * rng();
    a[i] = r * Math.cos(t);
    if (i + 1 < count) a[i + 1] = r * Math.sin(t);
  }
  return a;
}

function xorshift(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) + 0.5) / 4294967296;
  };
}

// a (rows, cols) row-major -> (cols, rows).
function transpose(a, rows, cols) {
  const t = new Float32Array(a.length);
  for (let i = 0; i < rows; ++i) for (let j = 0; j < cols; ++j) t[j * rows + i] = a[i * cols + j];
  return t;
}

// cos and sin of the RoPE angles p * theta^(-2k/dh), repeated for both halves: (L, dh).
function ropeTables(len, dh) {
  const half = dh / 2;
  const cos = new Float32Array(len * dh);
  const sin = new Float32Array(len * dh);
  for (let p = 0; p < len; ++p)
    for (let k = 0; k < half; ++k) {
      const angle = p * Math.pow(10000, (-2 * k) / dh);
      cos[p * dh + k] = cos[p * dh + k + half] = Math.cos(angle);
      sin[p * dh + k] = sin[p * dh + k + half] = Math.sin(angle);
    }
  return [cos, sin];
}

export function createTfjsTrainer(tf, options = {}) {
  const {
    layers = 2, dim: d = 64, heads = 4, vocab: V = 129, len: L = 64, batch: B = 16,
    lr = 3e-3, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, weightDecay = 0.1, clip = 1, seed = 1,
    transposes = 'flags',
  } = options;
  if (transposes !== 'flags' && transposes !== 'explicit') throw new Error(`transposes: 'flags' or 'explicit', not '${transposes}'`);
  if (d % heads !== 0 || (d / heads) % 2 !== 0) throw new Error(`dim ${d} and heads ${heads}: head width must be even`);
  const dh = d / heads;
  const N = B * L;
  const rng = xorshift(seed);
  const decayed = [];  // matrices: AdamW decay
  // name: model.hpp's; init: 'ones', 'zeros' or the std of a normal; transposed: a
  // matrix stored (out, in) by model.hpp; decay: a matrix (AdamW decay).
  const variable = (name, shape, init, { transposed = false, decay = false } = {}) => {
    const size = shape.reduce((a, b) => a * b, 1);
    let data;
    if (options.weights) {
      data = options.weights[name];
      if (!data || data.length !== size) throw new Error(`weights: ${name} needs ${size} values`);
      if (transposed) data = transpose(data, shape[1], shape[0]);
    } else
      data = init === 'ones' ? new Float32Array(size).fill(1) : init === 'zeros' ? new Float32Array(size) : normals(size, init, rng);
    const v = tf.tidy(() => tf.variable(tf.tensor(data, shape)));
    if (decay) decayed.push(v);
    return v;
  };
  const matrix = { transposed: true, decay: true };
  const residualStd = 0.02 / Math.sqrt(2 * layers);
  const tokEmb = variable('tok_emb', [V, d], 0.02, { decay: true });  // (V, d)
  const blocks = [];
  for (let l = 0; l < layers; ++l) {
    const p = `layers.${l}.`;
    blocks.push({
      ln1w: variable(`${p}ln1.weight`, [d], 'ones'), ln1b: variable(`${p}ln1.bias`, [d], 'zeros'),
      wq: variable(`${p}attn.wq`, [d, d], 0.02, matrix), wk: variable(`${p}attn.wk`, [d, d], 0.02, matrix),
      wv: variable(`${p}attn.wv`, [d, d], 0.02, matrix), wo: variable(`${p}attn.wo`, [d, d], residualStd, matrix),
      ln2w: variable(`${p}ln2.weight`, [d], 'ones'), ln2b: variable(`${p}ln2.bias`, [d], 'zeros'),
      w1: variable(`${p}mlp.w1`, [d, 4 * d], 0.02, matrix), b1: variable(`${p}mlp.b1`, [4 * d], 'zeros'),
      w2: variable(`${p}mlp.w2`, [4 * d, d], residualStd, matrix), b2: variable(`${p}mlp.b2`, [d], 'zeros'),
    });
  }
  const lnfw = variable('ln_f.weight', [d], 'ones');
  const lnfb = variable('ln_f.bias', [d], 'zeros');
  const vars = [tokEmb, ...blocks.flatMap((b) => Object.values(b)), lnfw, lnfb];

  // The batch: given, or one fixed batch of random ids with targets[b, i] = tokens[b, i + 1].
  let ids = options.data?.tokens;
  let targets = options.data?.targets;
  if (!ids) {
    const stream = Int32Array.from({ length: B * (L + 1) }, () => Math.min(V - 1, Math.floor(rng() * V)));
    ids = new Int32Array(N);
    targets = new Int32Array(N);
    for (let b = 0; b < B; ++b)
      for (let i = 0; i < L; ++i) {
        ids[b * L + i] = stream[b * (L + 1) + i];
        targets[b * L + i] = stream[b * (L + 1) + i + 1];
      }
  }
  if (ids.length !== N || targets.length !== N) throw new Error(`data: tokens and targets need batch * len = ${N} ids`);
  const [cosData, sinData] = ropeTables(L, dh);
  const mask = new Float32Array(L * L);
  for (let i = 0; i < L; ++i) for (let j = i + 1; j < L; ++j) mask[i * L + j] = -1e9;
  const consts = {
    ids: tf.tensor1d(Int32Array.from(ids), 'int32'),
    idsNd: tf.tensor2d(Int32Array.from(ids), [N, 1], 'int32'),
    targetsOneHot: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(targets), 'int32'), V), 'float32')),  // (N, V)
    cos: tf.tensor2d(cosData, [L, dh]),
    sin: tf.tensor2d(sinData, [L, dh]),
    mask: tf.tensor2d(mask, [L, L]),
    scale: tf.scalar(1 / Math.sqrt(dh)),
    lnEps: tf.scalar(1e-5),
    geluC: tf.scalar(Math.sqrt(2 / Math.PI)),
    geluK: tf.scalar(0.044715),
    half: tf.scalar(0.5),
    one: tf.scalar(1),
    clip: tf.scalar(clip),
    keep: tf.scalar(1 - lr * weightDecay),
  };

  // x (N, d) -> tok_emb rows; backward: scatter-add of dy into the rows (ScatterNd sums).
  const embed = tf.customGrad((table, save) => ({
    value: tf.gather(table, consts.ids),
    gradFunc: (dy) => tf.scatterND(consts.idsNd, dy, [V, d]),
  }));
  const layerNorm = (x, w, b) => {  // x (N, d); biased variance, eps 1e-5
    const xc = tf.sub(x, tf.mean(x, -1, true));
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), consts.lnEps));
    return tf.add(tf.mul(tf.mul(xc, rstd), w), b);
  };
  const gelu = (x) => {  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    const inner = tf.mul(consts.geluC, tf.add(x, tf.mul(consts.geluK, tf.mul(x, tf.square(x)))));
    return tf.mul(tf.mul(consts.half, x), tf.add(consts.one, tf.tanh(inner)));
  };
  // a (..., m, k) . b (..., k, n), or b^T with transposeB; the header says why two ways.
  const T = (x) => tf.transpose(x, x.rank === 2 ? [1, 0] : [0, 1, 3, 2]);
  const plainGrad = tf.customGrad((a, b, save) => {
    save([a, b]);
    return { value: tf.matMul(a, b), gradFunc: (dy, [sa, sb]) => [tf.matMul(dy, T(sb)), tf.matMul(T(sa), dy)] };
  });
  const matmul = (a, b, transposeB = false) =>
    transposes === 'flags' ? tf.matMul(a, b, false, transposeB) : plainGrad(a, transposeB ? T(b) : b);
  const splitHeads = (x) => tf.transpose(tf.reshape(x, [B, L, heads, dh]), [0, 2, 1, 3]);  // (B, H, L, dh)
  const rope = (x) => {  // x (B, H, L, dh): x cos + rotate_half(x) sin, rotate_half = (-x2, x1)
    const [x1, x2] = tf.split(x, 2, -1);
    return tf.add(tf.mul(x, consts.cos), tf.mul(tf.concat([tf.neg(x2), x1], -1), consts.sin));
  };
  const attention = (h, b) => {  // h (N, d) -> (N, d)
    const q = rope(splitHeads(matmul(h, b.wq)));
    const k = rope(splitHeads(matmul(h, b.wk)));
    const v = splitHeads(matmul(h, b.wv));
    const logits = tf.add(tf.mul(matmul(q, k, true), consts.scale), consts.mask);  // (B, H, L, L)
    const mixed = matmul(tf.softmax(logits), v);  // (B, H, L, dh)
    return matmul(tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [N, d]), b.wo);
  };
  const lossOf = () => {
    let x = embed(tokEmb);  // (N, d)
    for (const b of blocks) {
      x = tf.add(x, attention(layerNorm(x, b.ln1w, b.ln1b), b));
      const h1 = tf.add(matmul(layerNorm(x, b.ln2w, b.ln2b), b.w1), b.b1);  // (N, 4d)
      x = tf.add(x, tf.add(matmul(gelu(h1), b.w2), b.b2));
    }
    const logits = matmul(layerNorm(x, lnfw, lnfb), tokEmb, true);  // (N, V)
    return tf.neg(tf.mean(tf.sum(tf.mul(consts.targetsOneHot, tf.logSoftmax(logits)), -1)));
  };

  const optimizer = tf.train.adam(lr, beta1, beta2, eps);
  let steps = 0;
  return {
    parameters: vars.reduce((a, v) => a + v.size, 0),
    tokens: N,
    step() {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossOf, vars);
        const names = Object.keys(grads);
        const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
        const k = tf.div(consts.clip, tf.maximum(norm, consts.clip));  // clip / norm when norm > clip
        const clipped = {};
        for (const n of names) clipped[n] = tf.mul(grads[n], k);
        for (const v of decayed) v.assign(tf.mul(v, consts.keep));
        optimizer.applyGradients(clipped);
        return value;
      });
      const out = loss.dataSync()[0];  // waits for the step
      loss.dispose();
      ++steps;
      return out;
    },
    steps: () => steps,
    free() {
      optimizer.dispose();
      tf.dispose(vars);
      tf.dispose(Object.values(consts));
    },
  };
}
