// The plumbing of `npm run bench` (scripts/bench/), on tiny sizes; nothing here is timed.
// The bench entries of both WASM builds run the same workload and agree; the timing
// policy turns a sampler's numbers into GFLOP/s as documented in measure.mjs.
import assert from 'node:assert/strict';
import test from 'node:test';

import { benchModules } from './engine-loader.mjs';
import { measure } from '../../scripts/bench/measure.mjs';
import { attentionTarget } from '../../scripts/bench/targets.mjs';

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
