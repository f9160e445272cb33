// The order probe through the WASM module (SIMD and scalar builds) against the native
// CLI, the properties the issue promises, and bad input that throws and leaves the
// module working.
import test from 'node:test';
import assert from 'node:assert/strict';
import { engines, cliJson, cli, flat } from './engine-loader.mjs';

const A = 'the dog chased the cat';
const B = 'the cat chased the dog';

function close(got, want, rel, what) {
  if (want === null) return assert.ok(Number.isNaN(got), `${what}: ${got} should be NaN (null)`);
  const tol = rel * Math.max(1e-3, Math.abs(want));
  assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs ${want}`);
}

test('WASM probe matches the native CLI for every scheme, with and without the causal mask', () => {
  for (const causal of [false, true]) {
    const args = ['probe', '--sentence', A, '--compare', B, '--dim', '32', '--heads', '4', '--seed', '7'];
    const native = cliJson(...args, ...(causal ? ['--causal'] : []));
    for (const [build, e] of Object.entries(engines)) {
      const r = e.probe({ sentence: A, compare: B, dim: 32, heads: 4, seed: 7, causal });
      assert.deepEqual(r.tokens, native.tokens);
      assert.deepEqual(Object.keys(r.schemes), Object.keys(native.schemes));
      for (const [name, want] of Object.entries(native.schemes)) {
        const got = r.schemes[name];
        const what = `${name} ${build}${causal ? ' causal' : ''}`;
        // float32 layer: the SIMD exp and summation order differ from native by rounding
        close(got.sentence_distance, want.sentence_distance, 1e-3, `${what} sentence_distance`);
        close(got.shift_logit_change, want.shift_logit_change, 1e-3, `${what} shift_logit_change`);
        want.token_distance.forEach((t, i) => close(got.token_distance[i], t, 1e-3, `${what} token ${i}`));
        const wa = flat(want.attention);
        assert.deepEqual(got.attention_shape, [4, 5, 5]);
        wa.forEach((v, i) => assert.ok(Math.abs(got.attention[i] - v) < 1e-5, `${what} attention[${i}]`));
      }
    }
  }
});

test('none is exactly 0 without the mask and positive with it; relative schemes ignore a shift', () => {
  for (const e of Object.values(engines)) {
    const free = e.probe({ sentence: A, compare: B, weights: false });
    assert.equal(free.schemes.none.sentence_distance, 0);
    assert.ok(Array.from(free.schemes.none.token_distance).every((t) => t === 0));
    assert.ok(free.schemes.none.sentence_distance_raw < 1e-12);
    for (const name of ['rope', 'alibi', 't5', 'shaw']) assert.equal(free.schemes[name].shift_logit_change, 0, name);
    for (const name of ['sinusoidal', 'learned']) assert.ok(free.schemes[name].shift_logit_change > 1e-3, name);
    for (const name of ['sinusoidal', 'rope', 'shaw']) assert.ok(free.schemes[name].sentence_distance > 1e-4, name);
    const masked = e.probe({ sentence: A, compare: B, causal: true, weights: false, schemes: ['none'] });
    assert.ok(masked.schemes.none.sentence_distance > 1e-3);
  }
});

test('unmatched tokens give NaN, streaming gives the same numbers as full attention', () => {
  const e = engines.simd;
  const r = e.probe({ sentence: 'the dog barked', compare: 'the cat', schemes: ['rope'] });
  const t = Array.from(r.schemes.rope.token_distance);
  assert.ok(!Number.isNaN(t[0]) && Number.isNaN(t[1]) && Number.isNaN(t[2]));
  const s = e.probe({ sentence: A, compare: B, schemes: ['alibi', 'rope'], weights: false });
  const f = e.probe({ sentence: A, compare: B, schemes: ['alibi', 'rope'], weights: true });
  for (const n of ['alibi', 'rope']) close(s.schemes[n].sentence_distance, f.schemes[n].sentence_distance, 1e-4, n);
  assert.equal(s.schemes.rope.attention, undefined);
});

test('bad input throws the CLI message, and the module keeps working afterwards', () => {
  const long = Array.from({ length: 10000 }, (_, i) => `w${i % 50}`).join(' ');
  const cases = [
    [{ sentence: '' }, ['--sentence', '']],
    [{ sentence: A, dim: 30, heads: 4 }, ['--sentence', A, '--dim', '30', '--heads', '4']],
    [{ sentence: A, dim: 12, heads: 4, schemes: ['rope'] }, ['--sentence', A, '--dim', '12', '--heads', '4', '--scheme', 'rope']],
    [{ sentence: long, schemes: ['none'] }, ['--sentence', long, '--scheme', 'none']],
    [{ sentence: A, schemes: ['nope'] }, ['--sentence', A, '--scheme', 'nope']],
    [{ sentence: A, schemes: ['rope'], settings: { rope: { theta: '0' } } }, ['--sentence', A, '--scheme', 'rope', '--set', 'theta=0']],
  ];
  for (const [opts, args] of cases) {
    const r = cli('probe', ...args);
    assert.equal(r.status, 2, `pe-cli ${args.slice(0, 6).join(' ')} should exit 2`);
    const line = r.stderr.trim();
    assert.equal(line.split('\n').length, 1, 'one line');
    const message = line.replace(/^pe-cli: /, '');
    for (const e of Object.values(engines)) {
      assert.throws(() => e.probe(opts), (err) => err instanceof Error && err.message === message, message);
      const ok = e.probe({ sentence: A, compare: B, schemes: ['none'], weights: false });
      assert.equal(ok.schemes.none.sentence_distance, 0);
    }
  }
  // 10,000 tokens stream when no weights are asked for
  const streamed = engines.simd.probe({ sentence: long, compare: long, schemes: ['alibi'], weights: false });
  assert.equal(streamed.tokens.length, 10000);
  assert.equal(streamed.schemes.alibi.sentence_distance, 0);
});
