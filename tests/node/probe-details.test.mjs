// The probe's details (probe.hpp, "Details": norms and pair_terms) through the WASM module
// (SIMD and scalar builds): against the native CLI, the properties the views rely on
// (terms sum to the logit, RoPE keeps norms), absent unless asked, and bad options refused
// with the field's name while the module keeps working.
import test from 'node:test';
import assert from 'node:assert/strict';
import { engines, cliJson, flat } from './engine-loader.mjs';

const A = 'the dog chased the cat up the tree';
const B = 'the cat chased the dog up the tree';
const SCHEMES = ['rope', 'xpos', 'fope', 'sinusoidal', 'alibi', 'cpe'];

function near(got, want, tol, what) {
  assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs ${want}`);
}

test('details match the native CLI in both builds', () => {
  const native = Object.fromEntries(SCHEMES.map((name) => [name, cliJson('probe', '--sentence', A, '--compare', B,
    '--dim', '32', '--heads', '2', '--seed', '3', '--norms', '--pair-head', '1', '--pair-query', '6', '--pair-key', '2',
    '--no-weights', '--scheme', name).schemes[name]]));
  for (const [build, e] of Object.entries(engines)) {
    for (const name of SCHEMES) {
      const want = native[name];
      const got = e.probe({ sentence: A, compare: B, dim: 32, heads: 2, seed: 3, weights: false, schemes: [name],
        norms: true, pair_terms: { head: 1, query: 6, key: 2 } }).schemes[name];
      const what = `${name} ${build}`;
      assert.equal(got.norms.acts_on, want.norms.acts_on, what);
      for (const k of ['input_ratio', 'input_cos', 'query_ratio', 'query_cos', 'key_ratio', 'key_cos']) {
        if (!want.norms[k]) { assert.equal(got.norms[k], undefined, `${what} ${k}`); continue; }
        const w = flat(want.norms[k]);
        assert.equal(got.norms[k].length, w.length, `${what} ${k}`);
        w.forEach((v, i) => near(got.norms[k][i], v, 1e-5, `${what} ${k}[${i}]`));
      }
      if (want.norms.query_ratio) assert.deepEqual(got.norms.shape, [2, 8]);
      if (!want.pair_terms) {
        assert.equal(got.pair_terms, undefined);
        assert.equal(got.pair_terms_reason, want.pair_terms_reason);
        continue;
      }
      const p = got.pair_terms, q = want.pair_terms;
      assert.deepEqual([p.head, p.query, p.key, p.masked], [1, 6, 2, false], what);
      assert.ok(p.terms instanceof Float64Array && p.inv_freq instanceof Float64Array, `${what}: typed arrays`);
      assert.deepEqual(Array.from(p.dim_a), q.dim_a);
      assert.deepEqual(Array.from(p.dim_b), q.dim_b);
      assert.deepEqual(Array.from(p.inv_freq), q.inv_freq);
      q.terms.forEach((v, k) => near(p.terms[k], v, 1e-5, `${what} terms[${k}]`));
      near(p.logit, q.logit, 1e-5, `${what} logit`);
      assert.equal(p.note, q.note);
    }
  }
});

test('the terms sum to the logit; RoPE keeps norms; xPos does not; logit schemes change nothing', () => {
  for (const [build, e] of Object.entries(engines)) {
    const r = e.probe({ sentence: A, compare: B, schemes: SCHEMES, norms: true, pair_terms: {} });
    const n = r.tokens.length;
    for (const name of ['rope', 'xpos', 'fope']) {
      const p = r.schemes[name].pair_terms;
      assert.equal(p.query, n - 1, 'default query: the last token');
      assert.equal(p.key, 0, 'default key: the first token');
      const sum = p.terms.reduce((a, t) => a + t, p.rest);
      const size = p.terms.reduce((a, t) => a + Math.abs(t), Math.abs(p.rest));
      near(sum, p.logit, 64 * 2 ** -24 * size, `${name} ${build}: sum of terms`);
    }
    const rope = r.schemes.rope.norms;
    assert.equal(rope.acts_on, 'query_key');
    for (const v of [...rope.query_ratio, ...rope.key_ratio]) near(v, 1, 1e-6, `rope ${build} ratio`);
    assert.ok(Math.min(...rope.query_cos) < 0.99, 'rope turns the vectors');
    assert.ok(r.schemes.xpos.norms.query_ratio.some((v) => Math.abs(v - 1) > 1e-4), 'xpos scales them');
    assert.equal(r.schemes.sinusoidal.norms.acts_on, 'input');
    assert.equal(r.schemes.sinusoidal.norms.input_ratio.length, n);
    assert.equal(r.schemes.alibi.norms.acts_on, 'none');
    assert.ok(Array.from(r.schemes.alibi.norms.input_ratio).every((v) => v === 1));
    assert.match(r.schemes.alibi.pair_terms_reason, /not by rotating pairs/);
  }
});

test('not asked, the details are absent and the other outputs unchanged', () => {
  const e = engines.simd;
  const plain = e.probe({ sentence: A, compare: B, schemes: ['rope', 'alibi'] });
  const detailed = e.probe({ sentence: A, compare: B, schemes: ['rope', 'alibi'], norms: true, pair_terms: true });
  for (const name of ['rope', 'alibi']) {
    const a = plain.schemes[name], b = detailed.schemes[name];
    for (const k of ['norms', 'pair_terms', 'pair_terms_reason']) assert.equal(a[k], undefined, `${name} ${k}`);
    assert.ok(b.norms);
    assert.equal(a.sentence_distance_raw, b.sentence_distance_raw);
    assert.equal(a.shift_logit_change_raw, b.shift_logit_change_raw);
    assert.deepEqual(a.attention, b.attention);
  }
  const off = e.probe({ sentence: A, compare: B, schemes: ['rope'], norms: false, pair_terms: false });
  assert.equal(off.schemes.rope.norms, undefined);
  assert.equal(off.schemes.rope.pair_terms, undefined);
});

test('bad detail options name the field, and the module keeps working', () => {
  const cases = [
    [{ norms: 'yes' }, "probe option 'norms' must be true or false, not a string"],
    [{ pair_terms: 3 }, "probe option 'pair_terms' must be true, false or an object {head, query, key}, not 3"],
    [{ pair_terms: { query: -1 } }, "probe option 'pair_terms.query' must be a whole number in [0, 65535], not -1"],
    [{ pair_terms: { key: 0.5 } }, "probe option 'pair_terms.key' must be a whole number in [0, 65535], not 0.5"],
    [{ pair_terms: { head: NaN } }, "probe option 'pair_terms.head' must be a whole number in [0, 63], not null (NaN and Infinity arrive as null)"],
    [{ pair_terms: { row: 1 } }, "unknown probe option 'pair_terms.row' (known: head, query, key)"],
    [{ pair_terms: { query: 8 } }, "probe option 'pair_terms.query' 8 is out of range [0, 7]: the sentence has 8 tokens"],
    [{ pair_terms: { head: 4 } }, "probe option 'pair_terms.head' 4 is out of range [0, 3]: the layer has 4 heads"],
  ];
  for (const e of Object.values(engines))
    for (const [extra, message] of cases) {
      assert.throws(() => e.probe({ sentence: A, schemes: ['rope'], ...extra }), (err) => err.message === message, message);
      assert.ok(e.probe({ sentence: A, schemes: ['rope'], pair_terms: true }).schemes.rope.pair_terms);
    }
});

// The token match the heatmaps' A − B uses comes from the core (the page does not
// reimplement it), and the page reads the core's limits instead of copying them.
test('token_match and limits come from the core, the same in both builds and the CLI', () => {
  const native = cliJson('probe', '--sentence', 'the dog chased the cat the end', '--compare', 'the cat chased the dog',
    '--dim', '16', '--heads', '1', '--no-weights', '--scheme', 'none');
  assert.deepEqual(native.token_match, [0, 4, 2, 3, 1, -1, -1], 'k-th occurrence to k-th occurrence; a third "the" has none');
  for (const [build, e] of Object.entries(engines)) {
    const r = e.probe({ sentence: 'the dog chased the cat the end', compare: 'the cat chased the dog', dim: 16, heads: 1, weights: false, schemes: ['none'] });
    assert.deepEqual(Array.from(r.token_match), native.token_match, build);
    const lim = e.limits();
    assert.equal(lim.max_tokens, 4096, build);
    // The limit is the one the core enforces: one token more is refused.
    assert.throws(() => e.probe({ sentence: 'x '.repeat(lim.max_tokens + 1), compare: 'x', schemes: ['none'], dim: 8, heads: 1 }), /4096/);
    e.probe({ sentence: 'x '.repeat(8), compare: 'x', schemes: ['none'], dim: 8, heads: 1 });
  }
});
