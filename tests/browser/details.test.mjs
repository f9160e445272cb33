// The two views the source articles ask for (issue 12): norm and direction of what a
// scheme changes (an absolute encoding distorts the word, a rotation keeps its length),
// and one logit of a rotary scheme split into its rotated pairs (the terms add up to
// the logit). Plus: KERPLE, Sandwich and FIRE say they show their point when trained.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, launch, open, settle } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function grab(page, view, kind) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#view-${view} [data-export="${kind}"]`)]);
  return fs.readFileSync(await dl.path(), 'utf8');
}

test('norm and direction: sinusoidal distorts the word vectors, RoPE keeps their length exactly', async () => {
  const { page, context, errors } = await open(browser, `${server.url}/#view=norms&scheme=sinusoidal`);
  await settle(page);
  assert.equal(await page.locator('#view-norms svg.lines').count(), 2, 'ratio and cosine charts');
  await page.click('#norms-vs-rope');
  await settle(page);
  assert.equal(await page.evaluate(() => window.peApp.store.get().vs), 'rope');
  const json = JSON.parse(await grab(page, 'norms', 'json'));
  const sin = json.schemes.sinusoidal.series[0];
  assert.equal(sin.ratio.length, 5);
  assert.ok(Math.max(...sin.ratio.map((r) => Math.abs(r - 1))) > 0.05, `sinusoidal changes the length: ${sin.ratio}`);
  assert.ok(Math.min(...sin.cos) < 0.99, `and the direction: ${sin.cos}`);
  for (const se of json.schemes.rope.series) {
    assert.ok(se.ratio.every((r) => Math.abs(r - 1) < 1e-6), `rope ${se.what}: ratio 1 (${se.ratio})`);
    assert.ok(se.cos.slice(1).some((c) => c < 0.999), `rope ${se.what} turns the vectors`);
  }
  // The numbers are the engine's: |x + PE| / |x| straight from the probe.
  const direct = await page.evaluate(() => {
    const st = window.peApp.store.get();
    return Array.from(window.peApp.engine.probe({ sentence: st.a, compare: st.b, schemes: ['sinusoidal'], dim: st.dim, heads: st.heads, seed: st.seed, norms: true }).schemes.sinusoidal.norms.input_ratio);
  });
  assert.deepEqual(sin.ratio, direct);
  assert.match(await page.textContent('#view-norms [data-scheme="rope"]'), /rope/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('which frequencies carry the score: the pair terms add up to the logit; query and key live in the link', async () => {
  const { page, context, errors } = await open(browser, `${server.url}/#view=pairs&scheme=rope&vs=alibi&heads=2&head=1`);
  await settle(page);
  const json = JSON.parse(await grab(page, 'pairs', 'json'));
  assert.equal(json.head, 1);
  assert.equal(json.query, 4, 'default query: the last token');
  assert.equal(json.key, 0, 'default key: the first token');
  const rope = json.schemes.rope;
  assert.equal(rope.pairs.length, 16, '64 / 2 heads / 2 = 16 pairs');
  const sum = rope.pairs.reduce((a, p) => a + p.term, 0) + rope.rest;
  assert.ok(Math.abs(sum - rope.logit) <= 1e-5 * Math.max(1, Math.abs(rope.logit)), `sum ${sum} = logit ${rope.logit}`);
  // The logit is the layer's own: the same q·k the attention used (head 1, query 4, key 0).
  assert.match(await page.textContent('#view-pairs [data-scheme="alibi"]'), /alibi: .+/, 'ALiBi rotates no pairs and says so');
  // Pick another key: the link carries it and the numbers follow.
  await page.waitForFunction(() => window.peApp.computer.mode !== 'starting', null, { timeout: 20000 });
  const before = await page.evaluate(() => ({ ...window.peApp.computer.stats }));
  await page.selectOption('#pairs-key', '2');
  await settle(page);
  assert.match(await page.evaluate(() => location.hash), /key=2/);
  const json2 = JSON.parse(await grab(page, 'pairs', 'json'));
  assert.equal(json2.key, 2);
  assert.notEqual(json2.schemes.rope.logit, rope.logit);
  // Only the logit to split changed: the scores were not recomputed.
  const after = await page.evaluate(() => ({ ...window.peApp.computer.stats }));
  if (before.main + before.pairs > 0 || after.pairs > before.pairs) {
    assert.equal(after.main, before.main, 'no new scores for a new key');
    assert.equal(after.pairs, before.pairs + 1, 'one pairs call');
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('KERPLE, Sandwich and FIRE say they show their point only when trained', async () => {
  const { page, context, errors } = await open(browser, `${server.url}/#view=heatmaps&scheme=kerple&vs=fire`);
  await settle(page);
  for (const n of ['kerple', 'fire']) {
    const note = page.locator(`#view-heatmaps .trained-point[data-scheme="${n}"]`);
    assert.equal(await note.count(), 1, `${n} has the note`);
    assert.match(await note.textContent(), /only shows its point in a trained model/);
    assert.equal(await note.locator('a[href="#view=lab"]').count(), 1, 'with a way to the lab');
  }
  await page.evaluate(() => window.peApp.store.set({ scheme: 'rope', vs: '' }));
  await settle(page);
  assert.equal(await page.locator('#view-heatmaps .trained-point').count(), 0, 'not for RoPE');
  assert.deepEqual(errors, []);
  await context.close();
});
