// Training in the WASM module (both builds) against the native CLI: the same config gives
// the same losses within 1e-4 relative over 100 steps; checkpoints cross between them;
// bad input is a thrown Error and the module keeps working.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engines, cliJson, cli } from './engine-loader.mjs';

const CONFIG = { scheme: 'rope', task: 'stories', len: 32, batch: 4, steps: 100, dim: 32, heads: 2, lr: 0.01, seed: 7 };
const cliArgs = (c) => ['train', '--scheme', c.scheme, '--task', c.task, '--len', `${c.len}`, '--batch', `${c.batch}`,
  '--steps', `${c.steps}`, '--dim', `${c.dim}`, '--heads', `${c.heads}`, '--lr', `${c.lr}`, '--seed', `${c.seed}`,
  '--eval-lens', '32,64', '--eval-sequences', '4'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-train-'));

test('WASM losses equal native ones within 1e-4 relative over 100 steps (SIMD and scalar)', () => {
  const native = cliJson(...cliArgs(CONFIG));
  assert.equal(native.losses.length, 100);
  assert.ok(native.losses[99] < 0.8 * native.losses[0], `native loss fell: ${native.losses[0]} -> ${native.losses[99]}`);
  for (const [build, engine] of Object.entries(engines)) {
    const t = engine.trainer({ ...CONFIG, eval_lens: [32, 64], eval_sequences: 4 });
    const losses = [];
    for (let i = 0; i < 10; i++) losses.push(...t.step(10).losses);  // stepping in chunks changes nothing
    assert.equal(losses.length, 100);
    let worst = 0;
    for (let i = 0; i < 100; i++) worst = Math.max(worst, Math.abs(losses[i] - native.losses[i]) / Math.abs(native.losses[i]));
    assert.ok(worst <= 1e-4, `${build}: worst relative loss difference ${worst}`);
    for (const len of [32, 64]) {
      const e = t.evaluate(len);
      const want = native.eval[String(len)];
      assert.ok(Math.abs(e.loss - want.loss) <= 1e-3 * Math.abs(want.loss), `${build} eval ${len}: ${e.loss} vs ${want.loss}`);
    }
    t.free();
  }
});

test('a model saved by the CLI loads in WASM with the same loss and probe, and back', () => {
  const file = path.join(tmp, 'alibi.safetensors');
  const r = cli(...cliArgs({ ...CONFIG, task: 'copy', scheme: 'alibi', steps: 20 }), '--save', file);
  assert.equal(r.status, 0, r.stderr);
  const batch = { tokens: [[1, 2, 3, 17, 1, 2, 3]], targets: [[-1, -1, -1, 1, 2, 3, -1]] };
  const batchFile = path.join(tmp, 'batch.json');
  fs.writeFileSync(batchFile, JSON.stringify(batch));
  const native = cliJson('loss', '--model', file, '--batch', batchFile).loss;
  for (const [build, engine] of Object.entries(engines)) {
    const m = engine.loadModel(new Uint8Array(fs.readFileSync(file)));
    assert.equal(m.config.scheme, 'alibi');
    const loss = m.loss(batch);
    assert.ok(Math.abs(loss - native) <= 1e-5 * native, `${build}: ${loss} vs ${native}`);
    // saved again from WASM, the CLI reads the same model
    const again = path.join(tmp, `again-${build}.safetensors`);
    fs.writeFileSync(again, m.save());
    assert.equal(cliJson('loss', '--model', again, '--batch', batchFile).loss, native);
    const p = m.probe({ sentence: 'a b c | a', compare: 'c b a | a' });
    assert.deepEqual(p.tokens, ['a', 'b', 'c', '|', 'a']);
    assert.ok(p.schemes.alibi.sentence_distance > 0, 'a trained causal model sees the order');
    assert.equal(p.schemes.alibi.shift_logit_change, 0, 'ALiBi is relative: a shift leaves its logits unchanged');
    m.free();
  }
});

test('bad trainer input is a thrown Error naming the field, and the module keeps working', () => {
  const e = engines.simd;
  assert.throws(() => e.trainer({ ...CONFIG, steps: 0 }), /steps/);
  assert.throws(() => e.trainer({ ...CONFIG, task: 'poems' }), /unknown task/);
  assert.throws(() => e.trainer({ ...CONFIG, scheme: 'nope' }), /unknown scheme/);
  assert.throws(() => e.trainer({ ...CONFIG, dim: 16.5 }), /dim/);
  assert.throws(() => e.trainer({ ...CONFIG, steps: '10' }), /steps/);
  assert.throws(() => e.trainer({ ...CONFIG, colour: 'red' }), /unknown trainer option 'colour'/);
  assert.throws(() => e.trainer({ ...CONFIG, task: 'text', text: '' }), /text/);
  assert.throws(() => e.loadModel(new Uint8Array([1, 2, 3])), /safetensors|short|header/i);
  assert.throws(() => e.loadModel('not bytes'), /Uint8Array/);
  const t = e.trainer({ ...CONFIG, scheme: 'learned', steps: 2 });
  const past = t.evaluate(64);
  assert.equal(past.applicable, false);
  assert.match(past.reason, /learned/);
  assert.equal(t.step(2).losses.length, 2);
  t.free();
});

test('sampling: count tokens from the vocabulary, the same for the same seed, greedy at temperature 0', () => {
  const t = engines.simd.trainer({ ...CONFIG, steps: 30 });
  t.step(30);
  const a = t.sample({ prompt: 'the dog chased', count: 12, temperature: 1, seed: 5 });
  assert.equal(a.length, 12);
  for (const w of a) assert.ok(t.vocab.includes(w), `${w} is in the vocabulary`);
  assert.deepEqual(t.sample({ prompt: 'the dog chased', count: 12, temperature: 1, seed: 5 }), a);
  const g1 = t.sample({ prompt: 'the dog chased', count: 8, temperature: 0, seed: 1 });
  const g2 = t.sample({ prompt: 'the dog chased', count: 8, temperature: 0, seed: 2 });
  assert.deepEqual(g1, g2, 'temperature 0 ignores the seed');
  // the scalar build draws the same greedy continuation from the same checkpoint
  const m = engines.scalar.loadModel(t.save());
  assert.deepEqual(m.sample({ prompt: 'the dog chased', count: 8, temperature: 0 }), g1);
  assert.throws(() => t.sample({ prompt: 'the zebra chased', count: 3 }), /'zebra' is not in the trained model's vocabulary/);
  assert.throws(() => t.sample({ prompt: 'the dog', count: 0 }), /count/);
  assert.throws(() => t.sample({ prompt: 'the dog', temperature: -1 }), /temperature/);
  m.free();
  t.free();
});
