// The timing policy of `npm run bench`, the same for every target and environment.
//
// A sampler runs k separate calls of one target and reports each call's wall time and
// the CPU time of the whole batch (Node: process.cpuUsage; Chromium: the renderer main
// thread's ThreadTime through the DevTools protocol). The figure that counts is the
// median CPU time per call: the machine is shared, and CPU time does not count the time
// another process held the core (wall medians are kept beside it).
//
//   1. cold: the very first call (reported apart; only meaningful on a fresh module).
//   2. warm-up: at least 2 calls and 200 ms, so V8 has replaced its baseline code
//      (Liftoff) with optimised code (TurboFan). After a cold call slower than 1.5 s
//      none: its kernels were called thousands of times and have tiered up inside it.
//   3. timed: batches of k calls (k so a batch takes about 25 ms), at least 5 batches
//      and 500 ms, at most 40 batches; a call slower than 1.5 s: 3 batches of 1 call.
// The native benchmark (cpp/bench/bench_native.cpp) follows the same steps.
//
// Training steps (TRAIN_POLICY) take 10 ms to seconds each: every timed batch is one step
// and at most 20 are timed, so a measurement at L = 256 costs a handful of steps.

export const POLICY = { warmCalls: 2, warmMs: 200, batches: 5, timedMs: 500, maxBatches: 40, batchMs: 25, slowMs: 1500 };
export const TRAIN_POLICY = { ...POLICY, maxBatches: 20, batchMs: 0 };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

// sample(k) -> {wall: [ms per call], cpu: ms for the batch or null}. flops per call.
export async function measure(sample, flops, policy = POLICY) {
  const cold = await sample(1);
  const first = cold.cpu ?? cold.wall[0];
  const slow = first > policy.slowMs;

  let perCall = first;
  let warmCalls = 0;
  let warmMs = 0;
  while (!slow && (warmCalls < policy.warmCalls || warmMs < policy.warmMs)) {
    const k = Math.max(1, Math.round(policy.batchMs / Math.max(perCall, 1e-3)));
    const r = await sample(Math.min(k, 1000));
    warmCalls += r.wall.length;
    const spent = r.cpu ?? r.wall.reduce((a, b) => a + b, 0);
    warmMs += spent;
    perCall = spent / r.wall.length;
  }

  const walls = [];
  const cpus = [];
  let spent = 0;
  const batches = slow ? 3 : policy.batches;
  const k = slow ? 1 : Math.min(1000, Math.max(1, Math.round(policy.batchMs / Math.max(perCall, 1e-3))));
  while (cpus.length < batches || (!slow && spent < policy.timedMs && cpus.length < policy.maxBatches)) {
    const r = await sample(k);
    walls.push(...r.wall);
    const batch = r.cpu ?? r.wall.reduce((a, b) => a + b, 0);
    cpus.push(batch / r.wall.length);
    spent += batch;
  }
  const cpuMs = median(cpus);
  const wallMs = median(walls);
  const ms = cold.cpu === null ? wallMs : cpuMs;
  return {
    gflops: flops / (ms * 1e6),
    ms,
    wall_ms: wallMs,
    wall_gflops: flops / (wallMs * 1e6),
    calls: walls.length,
    first_ms: cold.wall[0],
    first_gflops: flops / (cold.wall[0] * 1e6),
    clock: cold.cpu === null ? 'wall' : 'cpu',
  };
}

// Node: times target.call() in this process.
export function nodeSampler(target) {
  return async (k) => {
    const wall = new Array(k);
    const c0 = process.cpuUsage();
    for (let i = 0; i < k; ++i) {
      const t0 = performance.now();
      target.call();
      wall[i] = performance.now() - t0;
    }
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1000 };
  };
}
