// The plumbing of `npm run bench` (scripts/bench/), on tiny sizes; nothing here is timed.
// The bench entries of both WASM builds run the same workload and agree; the timing
// policy turns a sampler's numbers into GFLOP/s as documented in measure.mjs; the
// training targets run, and the tfjs model of train_tfjs.mjs is ours (the same loss from
// the same weights and batch) and learns.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

import { benchModules } from './engine-loader.mjs';
import { TRAIN_POLICY, measure } from '../../scripts/bench/measure.mjs';
import { attentionTarget, tfjsTrainTarget, trainTarget } from '../../scripts/bench/targets.mjs';
import { loadTfjsTrainingNode } from '../../scripts/bench/tfjs_node.mjs';
import { createTfjsTrainer } from '../../scripts/bench/train_tfjs.mjs';

const simd = benchModules.simd;
const scalar = benchModules.scalar;
const setup = (scheme, n, streaming) => ({ scheme, n, heads: 2, headDim: 8, streaming, seed: 3 });
const close = (a, b, rel) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

test('bench workload: same finite checksum in the SIMD and scalar builds, streaming and full', () => {
  for (const scheme of ['rope', 'alibi'].filter((s) => simd.benchSchemeRegistered(s))) {
    for (const n of [1, 17, 70]) {
      const sums = [];
      for (const module of [simd, scalar])
        for (const streaming of [true, false]) {
          const t = attentionTarget(module, setup(scheme, n, streaming));
          t.call();
          t.call();  // a second call gives the same result (the cache is reused)
          sums.push(t.checksum());
          assert.equal(t.flops, 4 * 2 * n * n * 8);
          assert.ok(t.cacheBytes() > 0);
          t.free();
        }
      for (const s of sums) {
        assert.ok(Number.isFinite(s), `${scheme} n=${n}: checksum ${s}`);
        assert.ok(close(s, sums[0], 1e-4), `${scheme} n=${n}: checksums ${sums.join(', ')}`);
      }
    }
  }
});

test('bench workload: bad input is an {error}, and the module keeps working', () => {
  assert.match(simd.benchCreate(setup('no-such-scheme', 8, true)).error, /unknown scheme/);
  assert.match(simd.benchCreate(setup('rope', 0, true)).error, /at least one token/);
  const t = attentionTarget(simd, setup('rope', 5, true));
  t.call();
  assert.ok(Number.isFinite(t.checksum()));
  t.free();
});

test('measure(): GFLOP/s from the median CPU time per call of a fake sampler', async () => {
  // Every call "takes" 2 ms of CPU and 3 ms of wall time.
  let calls = 0;
  const fake = async (k) => {
    calls += k;
    return { wall: Array(k).fill(3), cpu: 2 * k };
  };
  const r = await measure(fake, 4e6);
  assert.equal(r.clock, 'cpu');
  assert.equal(r.ms, 2);
  assert.equal(r.gflops, 2);  // 4e6 FLOPs in 2 ms
  assert.equal(r.wall_gflops, 4e6 / 3e6);
  assert.equal(r.first_ms, 3);
  assert.ok(r.calls >= 5 && calls > r.calls, `${r.calls} timed of ${calls} calls`);
});

// A tiny trainer: the bench's model and task, smaller (stories needs len >= 17).
const TINY = { scheme: 'rope', task: 'stories', len: 20, batch: 3, layers: 2, dim: 16, heads: 2, seed: 5 };

test('training target: one pe::Trainer step per call, the same losses in both builds', async () => {
  const losses = {};
  for (const [build, module] of Object.entries({ simd, scalar })) {
    const t = trainTarget(module, TINY);
    assert.equal(t.tokens, TINY.batch * TINY.len);
    assert.equal(t.config.dim, TINY.dim);
    t.call();
    t.call();
    losses[build] = t.checksum();
    assert.ok(Math.abs(losses[build] - Math.log(t.vocab)) < 0.5, `${build}: loss ${losses[build]}, vocab ${t.vocab}`);
    assert.ok(t.memoryBytes() > 0);
    t.free();
  }
  assert.ok(close(losses.simd, losses.scalar, 1e-4), `losses ${losses.simd} vs ${losses.scalar}`);
  // TRAIN_POLICY times every step alone
  const r = await measure(async (k) => ({ wall: Array(k).fill(30), cpu: 20 * k }), 64, TRAIN_POLICY);
  assert.equal(r.ms, 20);
  assert.ok(r.calls >= 5 && r.calls <= 20, `${r.calls} timed steps`);
});

// model.hpp's parameters by name, from the module's safetensors checkpoint.
function savedWeights(module, handle) {
  const bytes = module.modelSave(handle).bytes;
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const weights = {};
  for (const [name, t] of Object.entries(header))
    if (name !== '__metadata__') {
      assert.equal(t.dtype, 'F32');
      weights[name] = new Float32Array(bytes.slice(8 + headerLength + t.data_offsets[0], 8 + headerLength + t.data_offsets[1]).buffer);
    }
  return weights;
}

test('tfjs training model: our loss from our weights and batch, a falling loss, no leaked tensors', async () => {
  const tf = await loadTfjsTrainingNode(path.join(os.tmpdir(), 'pe-bench-tfjs', 'tfjs-gradients.mjs'));
  const tensors = tf.memory().numTensors;
  const created = simd.trainerCreate(JSON.stringify(TINY));
  const V = created.vocab.length;
  // a batch of random ids, every target scored
  let x = 12345;
  const id = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % V;
  };
  const rows = Array.from({ length: TINY.batch }, () => Array.from({ length: TINY.len + 1 }, id));
  const tokens = rows.map((r) => r.slice(0, -1));
  const targets = rows.map((r) => r.slice(1));
  const ours = simd.modelLoss(created.handle, JSON.stringify({ tokens, targets }), false).loss;

  const model = { layers: TINY.layers, dim: TINY.dim, heads: TINY.heads, vocab: V, len: TINY.len, batch: TINY.batch };
  const data = { tokens: Int32Array.from(tokens.flat()), targets: Int32Array.from(targets.flat()) };
  const weights = savedWeights(simd, created.handle);
  simd.modelFree(created.handle);
  const losses = {};
  for (const transposes of ['flags', 'explicit']) {
    const t = createTfjsTrainer(tf, { ...model, weights, data, lr: 1e-2, transposes });
    assert.equal(t.parameters, created.parameters);
    const l = (losses[transposes] = Array.from({ length: 8 }, () => t.step()));
    assert.ok(close(l[0], ours, 1e-5), `${transposes}: tfjs ${l[0]} vs ours ${ours}`);
    assert.ok(l[7] < l[0] - 0.05, `${transposes}: loss ${l.join(', ')}`);
    t.free();
  }
  for (let i = 0; i < 8; ++i) assert.ok(close(losses.flags[i], losses.explicit[i], 1e-4), `step ${i}: ${losses.flags[i]} vs ${losses.explicit[i]}`);

  // its own init (the bench's): finite, near ln(vocab) at the start
  const own = tfjsTrainTarget(tf, model);
  own.call();
  assert.equal(own.tokens, TINY.batch * TINY.len);
  assert.ok(Math.abs(own.checksum() - Math.log(V)) < 0.1, `loss ${own.checksum()} vs ln ${V}`);
  own.free();
  assert.equal(tf.memory().numTensors, tensors);
});
