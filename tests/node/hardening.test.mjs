// Hostile input to the module's probe and table (issue 13): every wrong type or value is
// an Error naming the field (never a JS exception unwinding through C++ frames, which
// leaked the sentence and 16 bytes of WASM stack per call), settings that overflow
// float32 are an Error naming them, and many hostile calls leave memory flat and the
// module working.
import test from 'node:test';
import assert from 'node:assert/strict';
import { engines } from './engine-loader.mjs';

const A = 'the dog chased the cat';
const throwingGetter = { get sentence() { throw new Error('getter says no'); } };
const throwingValueOf = { valueOf() { throw new Error('valueOf says no'); } };

// [options, what the message must contain]
const PROBE_CASES = [
  [{ sentence: 5 }, "probe option 'sentence' must be a string, not 5"],
  [{ sentence: A, compare: 7 }, "probe option 'compare' must be a string"],
  [{ sentence: A, schemes: [1] }, "probe option 'schemes[0]' must be a string, not 1"],
  [{ sentence: A, schemes: 'rope' }, "probe option 'schemes' must be an array"],
  [{ sentence: A, dim: throwingValueOf }, "probe option 'dim.valueOf' must not be a function"],
  [{ sentence: A, seed: NaN }, "probe option 'seed' must be a whole number in [0, 9007199254740992], not null"],
  [{ sentence: A, seed: Infinity }, "probe option 'seed' must be a whole number"],
  [{ sentence: A, seed: 1e308 }, "probe option 'seed' must be a whole number"],
  [{ sentence: A, seed: -1 }, "probe option 'seed' must be a whole number"],
  [{ sentence: A, seed: 'abc' }, "probe option 'seed' must be a whole number in [0, 9007199254740992], not a string"],
  [{ sentence: A, causal: 'false' }, "probe option 'causal' must be true or false, not a string"],
  [{ sentence: A, weights: 'false' }, "probe option 'weights' must be true or false, not a string"],
  [{ sentence: A, dim: 16.9 }, "probe option 'dim' must be a whole number in [1, 4096], not 16.89"],
  [{ sentence: A, dim: NaN }, "probe option 'dim' must be a whole number in [1, 4096], not null"],
  [{ sentence: A, shift: 2 ** 32 + 8 }, "probe option 'shift' must be a whole number in [0, 1048576]"],
  [{ sentence: A, heads: 2 ** 32 + 4 }, "probe option 'heads' must be a whole number in [1, 64]"],
  [{ sentence: A, schemes: ['rope'], settings: { alibi: { causal: true } } }, "settings for 'alibi', which is not a chosen scheme"],
  [{ sentence: A, settings: { nope: { x: 1 } } }, "unknown scheme 'nope'"],
  [{ sentence: A, schemes: ['rope'], settings: { rope: { theta: [1] } } }, "probe option 'settings.rope.theta' must be a string, number or boolean"],
  [{ sentence: 'dog \uD800 cat' }, "probe option 'sentence' has a lone surrogate"],
  [{ sentence: A, compare: '\uDC00' }, "probe option 'compare' has a lone surrogate"],
  [{ sentence: A, sentense: A }, "unknown probe option 'sentense'"],
  [{ sentence: A, seed: 10n }, "probe option 'seed' must not be a bigint"],
  [{ sentence: A, schemes: ['rope', 'rope'] }, "scheme 'rope' is chosen twice"],
];

const TABLE_CASES = [
  [['shaw', { len: 2 ** 32 + 8, dim: 2 }], "table option 'len' must be a whole number in [1, 8192]"],
  [['shaw', { len: 8, dim: 16.9 }], "table option 'dim' must be a whole number"],
  [['shaw', { len: 8, dim: NaN }], "table option 'dim' must be a whole number in [1, 4096], not null"],
  [['shaw', { len: 8, dim: 2, heads: 'x' }], "table option 'heads' must be a whole number"],
  [[5, { len: 8, dim: 2 }], "table option 'scheme' must be a string, not 5"],
  [['sinusoidal', { len: 8, dim: 2, settings: { base: {} } }], "table option 'settings.base' must be a string, number or boolean"],
  [['shaw', { len: 8192, dim: 2 }], 'past the limit of 16777216'],
];

test('every wrong type or value is an Error that names the field, and the module keeps working', () => {
  for (const e of Object.values(engines)) {
    for (const [opts, says] of PROBE_CASES)
      assert.throws(() => e.probe(opts), (err) => err instanceof Error && err.message.includes(says),
        `probe ${says}`);
    for (const [args, says] of TABLE_CASES)
      assert.throws(() => e.table(...args), (err) => err instanceof Error && err.message.includes(says),
        `table ${says}`);
    // A getter that throws throws its own Error, in JS, before the module is called.
    assert.throws(() => e.probe(throwingGetter), /getter says no/);
    // The raw entry points take JSON text only; anything else is refused by Embind in JS.
    assert.throws(() => e.module.probe({ sentence: A }));
    const ok = e.probe({ sentence: A, schemes: ['none', 'rope'], settings: { rope: { theta: 500000, layout: 'interleaved' } } });
    assert.equal(ok.schemes.none.sentence_distance, 0);
    assert.ok(ok.schemes.rope.sentence_distance > 0);
  }
});

test('settings that overflow float32 are an Error naming them, never NaN or "no change"', () => {
  for (const e of Object.values(engines)) {
    assert.throws(() => e.probe({ sentence: A, schemes: ['xpos'], settings: { xpos: { scale_base: 0.01 } } }),
      /xpos: .*not finite.*scale_base=0\.01/);
    assert.throws(() => e.probe({ sentence: A, schemes: ['rope'], settings: { rope: { scaling: 'yarn', theta: 1 } } }),
      /rope: .*not finite.*theta=1/);
  }
});

test('hostile calls leave WASM memory flat and the module working', () => {
  const e = engines.simd;
  const heap = () => e.module.HEAP8.length;
  const big = 'w '.repeat(1 << 19);  // a 1 MiB sentence (leaked whole on each bad call before the fix)
  const hostile = [
    () => e.probe({ sentence: big, schemes: [1] }),
    () => e.probe({ sentence: 5 }),
    () => e.probe({ sentence: A, schemes: [1] }),
    () => e.probe({ sentence: A, dim: throwingValueOf }),
    () => e.probe(throwingGetter),
    () => e.probe({ sentence: A, causal: 'false' }),
    () => e.table('shaw', { len: 2 ** 32 + 8, dim: 2 }),
  ];
  const call = (f) => { try { f(); } catch { /* expected */ } };
  for (let i = 0; i < 50; i++) hostile.forEach(call);  // warm up: the heap settles
  const before = heap(), stack = e.module.stackSave();
  // Before the fix each call leaked 16 bytes of WASM stack (every probe failed after about
  // 330,000) and the 1 MiB sentence: 20 MiB here. A fixed count, not a time, so the test
  // is the same on every machine: a million calls, as the issue asks (about 40 s).
  const bigCalls = 20, smallCalls = 1000000 - bigCalls;
  for (let i = 0; i < bigCalls; i++) call(hostile[0]);
  for (let i = 0; i < smallCalls; i++) call(hostile[1 + (i % (hostile.length - 1))]);
  console.log(`# hostile calls: ${bigCalls + smallCalls} (${bigCalls} with a 1 MiB sentence); heap ${before} -> ${heap()} bytes`);
  assert.equal(e.module.stackSave(), stack, 'the WASM stack pointer moved under hostile calls');
  assert.equal(heap(), before, 'WASM memory grew under hostile calls');
  const ok = e.probe({ sentence: A, compare: 'the cat chased the dog', schemes: ['none', 'alibi'] });
  assert.equal(ok.schemes.none.sentence_distance, 0);
  assert.ok(ok.schemes.alibi.sentence_distance > 0);
});
