// No input freezes the page: the probe runs in a Web Worker (computer.js) in phases, the
// page shows progress and keeps answering input, the newest state wins, and the numbers
// drawn are those of the state shown. Without workers the page still computes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, assertLocal, scores, settle, typingLatencies } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// A long sentence of ordinary words (one token each), seeded so every run is the same.
function longSentence(words, seed) {
  const vocab = 'the dog cat chased ran a big small red house tree sat on mat under over quickly slowly bird sang'.split(' ');
  let x = seed;
  const out = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(vocab[x % vocab.length]);
  }
  return out.join(' ');
}

// The main thread's longest stall while fn runs: the largest gap between timer ticks.
async function longestStall(page, fn) {
  await page.evaluate(() => {
    window.gaps = [];
    let last = performance.now();
    window.stallTimer = setInterval(() => { const t = performance.now(); window.gaps.push(t - last); last = t; }, 10);
  });
  await fn();
  return page.evaluate(() => { clearInterval(window.stallTimer); return Math.max(...window.gaps); });
}

test('a long probe runs in the background with progress; input is answered at once; the newest state wins', async () => {
  const a = longSentence(320, 7);
  const { page, context, requests, errors } = await open(browser, `${server.url}/#a=${encodeURIComponent(a)}&dim=192&heads=4`);
  const sawBusy = [];
  let latencies = [];
  const stall = await longestStall(page, async () => {
    // Progress while it works: the status line names the phase and the elapsed time.
    await page.waitForFunction(() => /^Computing/.test(document.querySelector('#busy').textContent), null, { timeout: 20000 });
    sawBusy.push(await page.textContent('#busy'));
    assert.equal(await page.isHidden('#busy'), false);
    await page.waitForFunction(() => window.peApp.computer.mode !== 'starting', null, { timeout: 20000 });
    assert.equal(await page.evaluate(() => window.peApp.computer.mode), 'worker');
    // Typing while it works: each keystroke is drawn within 100 ms.
    latencies = await typingLatencies(page, '#sentence-b', ' again', 60);
    await settle(page);
  });
  assert.match(sawBusy[0], /Computing .*\(\d+\.\d s; the page stays usable\)/);
  assert.ok(Math.max(...latencies) < 100, `keystroke latencies (ms): ${latencies.map((x) => x.toFixed(1))}`);
  assert.ok(stall < 250, `the main thread stalled for ${stall.toFixed(0)} ms while a long probe ran`);
  // Done: no status, and the ranking is the one for the state in the URL (B with " again"),
  // equal to the same probe run directly.
  assert.equal(await page.isHidden('#busy'), true);
  const shown = await scores(page);
  const direct = await page.evaluate(() => {
    const st = window.peApp.store.get();
    assert: if (!/ again$/.test(st.b)) return null;
    const r = window.peApp.engine.probe({ sentence: st.a, compare: st.b, schemes: ['sinusoidal', 'rope'], dim: st.dim, heads: st.heads, seed: st.seed, causal: st.causal, shift: st.shift, weights: false });
    return { sinusoidal: r.schemes.sinusoidal.sentence_distance, rope: r.schemes.rope.sentence_distance };
  });
  assert.ok(direct, 'the state has the typed text');
  for (const n of ['sinusoidal', 'rope']) assert.ok(Math.abs(shown[n] - direct[n]) <= 1e-12 * Math.max(1, direct[n]), `${n}: drawn ${shown[n]} vs direct ${direct[n]}`);
  // The seed spread arrived too (whiskers named in the caption).
  assert.match(await page.textContent('#seed-spread'), /seed 1 .*seed 5/);
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without Web Workers the page computes on the main thread, with the same numbers', async () => {
  const hash = '#a=the+dog+chased+the+cat+down+the+long+road&b=the+cat+chased+the+dog+down+the+long+road';
  const withWorker = await open(browser, server.url + '/' + hash);
  await settle(withWorker.page);
  await withWorker.page.waitForFunction(() => window.peApp.computer.mode !== 'starting', null, { timeout: 20000 });
  assert.equal(await withWorker.page.evaluate(() => window.peApp.computer.mode), 'worker');
  const expected = await scores(withWorker.page);
  await withWorker.context.close();

  const { page, context, errors } = await open(browser, server.url + '/' + hash, { wait: false });
  await page.addInitScript(() => { delete window.Worker; });
  await page.reload();
  await page.waitForSelector('body.ready', { state: 'attached' });
  await page.waitForFunction(() => window.peApp?.computer.mode !== 'starting', null, { timeout: 20000 });
  await settle(page);
  assert.equal(await page.evaluate(() => window.peApp.computer.mode), 'main thread');
  const got = await scores(page);
  assert.ok(Object.keys(expected).length >= 18, 'every scheme was ranked');
  for (const [n, v] of Object.entries(expected)) {
    if (Number.isNaN(v)) assert.ok(Number.isNaN(got[n]), `${n} failed alike`);
    else assert.equal(got[n], v, `${n}: same number on the main thread as in the worker`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
