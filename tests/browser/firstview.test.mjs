// The first numbers do not wait for the engine: the default view was computed at build
// time (scripts/make-first-view.mjs) and draws before the module has started; the live
// engine then shows exactly the same numbers. Any other link computes live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, singleFileUrl, scores, settle } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// Records, at the first moment the ranking has numbers, the time and what is drawn.
const RECORD = () => {
  new MutationObserver((_, obs) => {
    if (!document.querySelector('#view-order li[data-scheme]')) return;
    obs.disconnect();
    window.first = {
      at: performance.now(),
      engineReady: document.body.classList.contains('ready'),
      scores: Object.fromEntries([...document.querySelectorAll('#view-order li[data-scheme]')].map((li) => [li.dataset.scheme, li.dataset.score])),
    };
  }).observe(document, { childList: true, subtree: true });
};

for (const [where, url] of [['served', () => server.url + '/'], ['file://', () => singleFileUrl]]) {
  test(`${where}: the default view draws before the engine starts, with the live engine's numbers`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript(RECORD);
    await page.goto(url());
    await page.waitForSelector('body.ready', { state: 'attached' });
    await settle(page);
    const first = await page.evaluate(() => window.first);
    const readyAt = await page.evaluate(() => Number(document.body.dataset.firstPaint));
    assert.ok(first, 'numbers were drawn');
    assert.equal(first.engineReady, false, 'the first numbers came before the engine was ready');
    assert.ok(readyAt > 0 && first.at >= readyAt - 1, 'drawn by the first paint');
    console.log(`${where}: first numbers at ${first.at.toFixed(0)} ms after navigation`);
    // The live engine's numbers for the same state are the precomputed ones, exactly.
    const live = await page.evaluate(() => {
      const st = window.peApp.store.get();
      const names = window.peApp.engine.schemes().map((s) => s.name);
      const r = window.peApp.engine.probe({ sentence: st.a, compare: st.b, schemes: names, dim: st.dim, heads: st.heads, seed: st.seed, causal: st.causal, shift: st.shift, weights: false });
      return Object.fromEntries(names.map((n) => [n, r.schemes[n].sentence_distance]));
    });
    assert.equal(Object.keys(first.scores).length, Object.keys(live).length, 'every scheme ranked at once');
    for (const [n, v] of Object.entries(live)) assert.equal(Number(first.scores[n]), v, `${n}: precomputed = live`);
    assert.deepEqual(await scores(page), Object.fromEntries(Object.entries(first.scores).map(([k, v]) => [k, Number(v)])));
    assert.equal(await page.locator('.first-paint').count(), 0, 'the first paint was replaced by the live views');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('another state computes live (nothing precomputed is shown for it)', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(RECORD);
  await page.goto(server.url + '/#a=a+cat+sat+on+the+mat');
  await page.waitForSelector('body.ready', { state: 'attached' });
  await settle(page);
  assert.equal(await page.evaluate(() => document.body.dataset.firstPaint), undefined);
  assert.equal(await page.evaluate(() => window.first.engineReady), true);
  await context.close();
});
