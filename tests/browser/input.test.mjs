// Bad input: markup shows as text and runs nothing; empty and huge sentences get a clear
// message and the page stays usable; odd Unicode is fine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, assertLocal, scores, settle, openTables } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('markup typed into a sentence shows as text and runs no script', async () => {
  const { page, context, requests, errors } = await open(browser, server.url + '/');
  await page.evaluate(() => { window.__pwned = 0; });
  const evil = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> dog';
  await page.fill('#sentence-a', evil);
  await page.fill('#sentence-b', evil);
  await settle(page);   // the result for the typed text, not the one before it
  await page.waitForFunction(() => [...document.querySelectorAll('.chips button')].some((b) => b.textContent === '<img')
    && document.querySelector('#view-heatmaps svg.heatmap'));
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__pwned), 0, 'no script ran');
  assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
  assert.equal(await page.locator('main script').count(), 0, 'no <script> element was created');
  const chips = await page.locator('.chips button').allTextContents();
  assert.ok(chips.includes('<img'), `the markup shows as text: ${chips}`);
  await openTables(page, '#view-heatmaps');
  const heads = await page.locator('#view-heatmaps details table').first().locator('thead th').allTextContents();
  assert.ok(heads.includes('<') && heads.includes('img') && heads.includes('onerror'), `tokens shown as text: ${heads}`);
  assert.ok(!requests.some((u) => /\/x$/.test(u)), 'the img src was never requested');
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('empty sentence and a 5,000-word paste get a clear message; the page stays usable', async () => {
  const { page, context, errors } = await open(browser, server.url + '/');
  await page.fill('#sentence-a', '   ');
  await settle(page);
  await page.waitForFunction(() => /Sentence A is empty/.test(document.querySelector('#sentence-msg').textContent));
  assert.equal(await page.getAttribute('#sentence-a', 'aria-invalid'), 'true');

  const huge = Array.from({ length: 5000 }, (_, k) => `w${k % 97}`).join(' ');
  const t0 = Date.now();
  await page.fill('#sentence-b', huge);
  await page.fill('#sentence-a', 'the dog chased the cat');
  await page.waitForFunction(() => /5,000 words/.test(document.querySelector('#sentence-msg').textContent));
  const msg = await page.textContent('#sentence-msg');
  assert.match(msg, /Sentence B has 5,000 words/);
  assert.match(msg, /The engine says: ".*4096.*"/, 'the core\'s own refusal is shown');
  assert.ok(Date.now() - t0 < 5000, 'no long block');
  // Still usable: a normal sentence brings the scores back.
  await page.click('button:has-text("Reset")');
  await page.waitForFunction(() => document.querySelector('#sentence-msg').textContent === '');
  assert.ok(Math.abs((await scores(page)).none) < 1e-9, 'none is ~0 again');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link of dots cannot freeze the page: real tokens and work are capped before any work', async () => {
  // 500 chunks of "w........" are 500 words but 4,500 tokens; before the caps this link
  // blocked the main thread for 20-30 s (90 s with dim=512&heads=1).
  for (const extra of ['', '&dim=512&heads=1']) {
    const a = encodeURIComponent('w........ '.repeat(500).trim());
    const t0 = Date.now();
    const { page, context, errors } = await open(browser, `${server.url}/#a=${a}${extra}`);
    await page.waitForFunction(() => /more than 512 tokens/.test(document.querySelector('#sentence-msg')?.textContent || ''),
      null, { timeout: 10000 });
    const ms = Date.now() - t0;
    assert.ok(ms < 8000, `message within seconds, not a frozen page (${ms} ms${extra})`);
    // the page answers input right away
    const t1 = Date.now();
    await page.fill('#sentence-a', 'the dog chased the cat');
    await page.waitForFunction(() => document.querySelector('#sentence-msg').textContent === '');
    assert.ok(Date.now() - t1 < 5000, 'usable again at once');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('too much work for the page gets a message naming the budget', async () => {
  // a valid but huge learned table at dim 512 (33 million seeded draws): over the page's cap
  const { page, context, errors } = await open(browser, `${server.url}/#dim=512&heads=1&p.learned.max_len=65536`);
  await page.waitForFunction(() => /past the budget/.test(document.querySelector('#sentence-msg')?.textContent || ''),
    null, { timeout: 15000 });
  assert.match(await page.textContent('#sentence-msg'), /lower the tokens, dim/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('odd Unicode is fine', async () => {
  const { page, context, errors } = await open(browser, server.url + '/');
  await page.fill('#sentence-a', 'naïve 🐕 chased 猫 — o’clock ​zero‍width');
  await page.fill('#sentence-b', '猫 chased 🐕 naïve — o’clock ​zero‍width');
  await settle(page);
  // Wait until both sentences are in: B's map starts with the token 猫.
  await page.waitForFunction(() => document.querySelectorAll('#view-heatmaps svg.heatmap')[1]?.querySelector('text.tick')?.textContent === '猫');
  const sc = await scores(page);
  assert.ok(Math.abs(sc.none) < 1e-9);
  assert.ok(sc.sinusoidal > 0);
  const labels = await page.locator('#view-heatmaps svg.heatmap').first().locator('text.tick').allTextContents();
  assert.ok(labels.includes('🐕') && labels.includes('猫'), `labels ${labels}`);
  assert.equal(await page.textContent('#sentence-msg'), '');
  assert.deepEqual(errors, []);
  await context.close();
});
