// The distance view says what each curve is, draws T5 in both directions and as steps,
// and marks only lengths a scheme has of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, launch, open, settle } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function csvOf(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#view-distance [data-export="csv"]')]);
  return fs.readFileSync(await dl.path(), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
}

test('T5 in both directions, as steps, with its own max_distance marked; ALiBi has no length mark', async () => {
  const { page, context, errors } = await open(browser, `${server.url}/#view=distance&scheme=t5&vs=alibi&heads=2&len=200`);
  await settle(page);
  const col = page.locator('#view-distance .scheme-col[data-scheme="t5"]');
  assert.match(await col.locator('.curve-meaning').textContent(), /learned bias of r's bucket, per head \(logit units/);
  assert.match(await col.locator('svg.lines').getAttribute('aria-label'), /bias \(logit units\) against distance/);
  // The numbers: r = i − j from −199 to 199, read from the engine's bias matrix.
  const rows = (await csvOf(page)).filter((r) => r[0] === 't5' && r[1] === 'head 1');
  assert.equal(rows.length, 2 * 200 - 1);
  assert.equal(Number(rows[0][2]), -199);
  assert.equal(Number(rows.at(-1)[2]), 199);
  const bias = await page.evaluate(() => {
    const t = window.peApp.engine.table('t5', { len: 200, dim: 64, heads: 2 }).bias;
    const n = 200, m = t.data.subarray(n * n, 2 * n * n);   // head 1
    return { before5: m[(n - 1) * n + (n - 1 - 5)], after5: m[5] };
  });
  const at = (r) => Number(rows.find((x) => Number(x[2]) === r)[3]);
  assert.equal(at(5), bias.before5, 'r = 5: a key 5 before the query');
  assert.equal(at(-5), bias.after5, 'r = −5: a key 5 after the query');
  assert.notEqual(at(40), at(-40), 'bidirectional buckets: the two directions differ');
  // Steps: each point after the first adds a horizontal then a vertical segment.
  const d = await col.locator('svg.lines path[stroke]').first().getAttribute('d');
  assert.ok(d.split('L').length - 1 >= 2 * (2 * 200 - 2) - 1, 'drawn as steps');
  // Its own length: max_distance 128 on both sides; nothing borrowed from elsewhere.
  const marks = await col.locator('svg.lines line.marker').count();
  assert.equal(marks, 2);
  assert.match(await col.locator('svg.lines').textContent(), /max_distance: the last bucket/);
  const alibi = page.locator('#view-distance .scheme-col[data-scheme="alibi"]');
  assert.equal(await alibi.locator('svg.lines line.marker').count(), 0, 'ALiBi has no length of its own');
  assert.match(await alibi.locator('.curve-meaning').textContent(), /−m_h · r added to the logit/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('every scheme with a curve says what it is', async () => {
  const { page, context, errors } = await open(browser, `${server.url}/#view=distance`);
  const names = await page.evaluate(() => window.peApp.engine.schemes().map((s) => s.name));
  let withCurve = 0;
  for (const n of names) {
    await page.evaluate((scheme) => window.peApp.store.set({ scheme, vs: '' }), n);
    await settle(page);
    const col = page.locator(`#view-distance .scheme-col[data-scheme="${n}"]`);
    if (await col.locator('svg.lines').count() === 0) {
      assert.ok((await col.locator('.message').count()) === 1, `${n}: a message instead of a curve`);
      continue;
    }
    withCurve++;
    assert.equal(await col.locator('.curve-meaning').getAttribute('data-described'), 'true', `${n}: the curve says what it is, in its own words`);
  }
  assert.ok(withCurve >= 15, `${withCurve} schemes drew a curve`);
  assert.deepEqual(errors, []);
  await context.close();
});
