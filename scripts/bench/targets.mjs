// What `npm run bench` times, written once for Node and for the Chromium page
// (page.mjs). A target is {call(), flops, info}: one call is one separate JS -> WASM call,
// so V8 can swap in optimised code between calls. Nothing here reads a clock; the
// timing policy is in measure.mjs.
//
//   attentionTarget(module, setup)  the C++ core through bench_bindings.cpp (pe module)
//   peakTarget(peakModule, chains)  the multiply-add loop of cpp/bench/peak_madd.hpp
//   tfjsTarget(tf, setup)           softmax(q k^T / sqrt(dh)) v with tfjs-backend-wasm
//   trainTarget(module, setup)      one pe::Trainer::step (train_bindings.cpp) per call
//   tfjsTrainTarget(tf, setup)      one step of the same model in tfjs (train_tfjs.mjs)
// Training targets count `tokens` (batch * len) per call instead of FLOPs.
import { createTfjsTrainer } from './train_tfjs.mjs';

export const PEAK_ITERATIONS = 200000;  // one call: 200k steps (~1-2 ms when optimised)

function unwrap(r) {
  if (r && typeof r.error === 'string') throw new Error(r.error);
  return r;
}

// setup: {scheme, n, heads, headDim, streaming, causal, seed}
export function attentionTarget(module, setup) {
  const { handle, flops } = unwrap(module.benchCreate(setup));
  return {
    call: () => module.benchRun(handle),
    flops,
    checksum: () => module.benchChecksum(handle),
    output: () => module.benchOutput(handle),
    cacheBytes: () => module.benchCacheBytes(handle),
    memoryBytes: () => module.HEAP8.buffer.byteLength,
    free: () => module.benchFree(handle),
  };
}

export function peakTarget(peak, chains) {
  const fn = chains === 12 ? peak._peak_madd12 : peak._peak_madd8;
  let seed = 1;
  let sink = 0;
  return {
    call: () => {
      sink += fn(PEAK_ITERATIONS, (seed = seed === 1 ? 1.5 : 1));
    },
    flops: 8 * chains * PEAK_ITERATIONS,
    checksum: () => sink,
    free: () => {},
  };
}

// Deterministic uniform values in [-1, 1) (xorshift32), so both environments see the
// same inputs; tfjs computes the same product as the core, without a bias.
function filled(count, seed) {
  const a = new Float32Array(count);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; ++i) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    a[i] = (x >>> 0) / 2147483648 - 1;
  }
  return a;
}

export function tfjsTarget(tf, { n, heads = 8, headDim = 64 }) {
  const shape = [heads, n, headDim];
  const count = heads * n * headDim;
  const q = tf.tensor3d(filled(count, 1), shape);
  const k = tf.tensor3d(filled(count, 2), shape);
  const v = tf.tensor3d(filled(count, 3), shape);
  const scale = tf.scalar(1 / Math.sqrt(headDim));
  let sink = 0;
  return {
    call: () => {
      const out = tf.tidy(() => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), scale)), v));
      sink += out.dataSync()[0];
      out.dispose();
    },
    flops: 4 * heads * n * n * headDim,
    checksum: () => sink,
    free: () => tf.dispose([q, k, v, scale]),
  };
}

// setup: {scheme, task, len, batch, layers, dim, heads, steps, seed}: a trainer on the
// task's own data; `steps` only sets the length of the learning-rate schedule.
export function trainTarget(module, { scheme, task, len, batch, layers, dim, heads, steps = 1000, seed = 1 }) {
  const created = unwrap(module.trainerCreate(JSON.stringify({ scheme, task, len, batch, layers, dim, heads, steps, seed })));
  let loss = NaN;
  return {
    call: () => {
      loss = unwrap(module.trainerStep(created.handle, 1)).losses[0];
    },
    tokens: batch * len,
    flops: batch * len,
    parameters: created.parameters,
    vocab: created.vocab.length,
    config: JSON.parse(created.config),  // the trainer's, defaults filled in
    checksum: () => loss,  // the last step's loss
    memoryBytes: () => module.HEAP8.buffer.byteLength,
    free: () => module.modelFree(created.handle),
  };
}

// setup: {len, batch, layers, dim, heads, vocab, seed, transposes}: random token ids.
export function tfjsTrainTarget(tf, setup) {
  const trainer = createTfjsTrainer(tf, setup);
  let loss = NaN;
  return {
    call: () => {
      loss = trainer.step();
    },
    tokens: trainer.tokens,
    flops: trainer.tokens,
    parameters: trainer.parameters,
    checksum: () => loss,
    free: () => trainer.free(),
  };
}
