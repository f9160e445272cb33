// The WASM module (SIMD and scalar builds) against the native CLI, and its errors.
import test from 'node:test';
import assert from 'node:assert/strict';
import { engines, cliJson, cli, flat } from './engine-loader.mjs';

test('both builds load and say which they are', () => {
  assert.equal(engines.simd.module.simdBuild(), true);
  assert.equal(engines.scalar.module.simdBuild(), false);
});

test('scheme descriptions match the CLI exactly', () => {
  const fromCli = cliJson('schemes');
  for (const e of Object.values(engines)) assert.deepEqual(e.schemes(), fromCli);
  const names = fromCli.map((s) => s.name);
  assert.ok(names.includes('none') && names.includes('sinusoidal'));
});

test('every scheme table matches the native CLI', () => {
  for (const s of cliJson('schemes')) {
    const native = cliJson('table', s.name, '--len', '12', '--dim', '8', '--heads', '4').table;
    for (const [build, e] of Object.entries(engines)) {
      const t = e.table(s.name, { len: 12, dim: 8, heads: 4 });
      assert.deepEqual(Object.keys(t).sort(), Object.keys(native).sort(), `${s.name} ${build} entry names`);
      for (const [name, entry] of Object.entries(native)) {
        const want = flat(entry);
        const got = Array.from(t[name].data);
        assert.equal(got.length, want.length, `${s.name}.${name} ${build} size`);
        for (let i = 0; i < want.length; i++) {
          const tol = 1e-9 * Math.max(1, Math.abs(want[i]));
          assert.ok(Math.abs(got[i] - want[i]) <= tol, `${s.name}.${name}[${i}] ${build}: ${got[i]} vs ${want[i]}`);
        }
      }
    }
  }
});

test('sinusoidal settings reach the module', () => {
  const t = engines.simd.table('sinusoidal', { len: 3, dim: 6, settings: { layout: 'concat', base: 100 } });
  const inv = Array.from(t.inv_freq.data);
  assert.equal(inv.length, 3);
  assert.ok(Math.abs(inv[2] - 0.01) < 1e-12);
});

test('bad input throws an Error with the CLI message, and the module keeps working', () => {
  for (const e of Object.values(engines)) {
    assert.throws(() => e.table('nope', { len: 4, dim: 4 }), /unknown scheme 'nope'/);
    assert.throws(() => e.table('sinusoidal', { len: 4, dim: 4, settings: { base: -1 } }), /base=-1 is out of range/);
    assert.throws(() => e.table('sinusoidal', { len: 0, dim: 4 }), /--len 0 is out of range/);
    const t = e.table('sinusoidal', { len: 2, dim: 2 });
    assert.deepEqual(Array.from(t.pe.data), [0, 1, Math.sin(1), Math.cos(1)]);
  }
  const r = cli('table', 'nope', '--len', '4', '--dim', '4');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown scheme 'nope'/);
});
