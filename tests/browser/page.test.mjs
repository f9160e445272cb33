// The default view, word swaps, the causal toggle and the heatmaps, on the served site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, assertLocal, scores, schemeNames, settle, openTables } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('default view shows every scheme score, none exactly 0, others order-sensitive', async () => {
  const { page, context, requests, errors } = await open(browser, server.url + '/');
  const names = await schemeNames(page);
  assert.ok(names.includes('none') && names.includes('sinusoidal'), `schemes: ${names}`);
  const sc = await scores(page);
  assert.deepEqual(Object.keys(sc).sort(), [...names].sort(), 'one score per scheme');
  assert.equal(sc.none, 0, 'none must read exactly 0 without a causal mask');
  assert.ok(sc.sinusoidal > 1e-6, `sinusoidal must be order-sensitive, got ${sc.sinusoidal}`);
  // The bar chart draws one bar per scheme and the lead sentence says none is 0.
  assert.equal(await page.locator('#ranking svg.bars g.bar').count(), names.length);
  assert.match(await page.textContent('#order-lead'), /reads exactly 0/);
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('swapping two words of B changes the scores (to 0 when B equals A)', async () => {
  const { page, context, requests, errors } = await open(browser, server.url + '/');
  const beforeSwap = await scores(page);
  // B = "the cat chased the dog": swap "cat" (word 1) and "dog" (word 4).
  await page.click('.chips [data-word="1"]');
  await page.click('.chips [data-word="4"]');
  await settle(page);
  assert.equal(await page.inputValue('#sentence-b'), 'the dog chased the cat');
  const afterSwap = await scores(page);
  assert.ok(beforeSwap.sinusoidal > 1e-6);
  assert.ok(Math.abs(afterSwap.sinusoidal) < 1e-6, `identical sentences give 0, got ${afterSwap.sinusoidal}`);
  const changed = Object.keys(beforeSwap).filter((k) => beforeSwap[k] !== afterSwap[k]);
  assert.ok(changed.length >= 1, 'some score changed');
  // Reverse is a one-click variation too.
  await page.click('button:has-text("Reverse")');
  await settle(page);
  assert.equal(await page.inputValue('#sentence-b'), 'cat the chased dog the');
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the causal toggle makes none order-sensitive, with the reason', async () => {
  const { page, context, errors } = await open(browser, server.url + '/');
  assert.ok(Math.abs((await scores(page)).none) < 1e-9);
  await page.check('#ctl-causal');
  await settle(page);
  const sc = await scores(page);
  assert.ok(sc.none > 1e-6, `none under the causal mask must be > 0, got ${sc.none}`);
  assert.match(await page.textContent('#order-lead'), /Causal mask on.*sees only the tokens before it/s);
  assert.match(page.url(), /causal=1/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('heatmaps: A, B and A - B per head with token labels, hover readout and a data table', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=none&heads=2');
  const maps = page.locator('#view-heatmaps svg.heatmap');
  assert.equal(await maps.count(), 6, 'three maps for each of 2 heads');
  const labels = await maps.first().locator('text.tick').allTextContents();
  for (const w of ['the', 'dog', 'chased', 'cat']) assert.ok(labels.includes(w), `label ${w} in ${labels}`);
  // none without a mask: A - B (B in A's order) is zero everywhere.
  await openTables(page, '#view-heatmaps');
  const diff = await page.evaluate(() => {
    const tables = [...document.querySelectorAll('#view-heatmaps details table')];
    return tables.filter((t) => t.caption.textContent.replace(/^[^·]*· /, '').startsWith('A − B')).flatMap((t) => [...t.querySelectorAll('td')].map((td) => td.textContent));
  });
  assert.ok(diff.length === 2 * 25, `25 cells per head, got ${diff.length}`);
  // Same weights up to float rounding (the softmax sums keys in a different order).
  assert.ok(diff.every((v) => Math.abs(Number(v)) < 1e-6), `none: A - B must be 0, got ${diff.filter((v) => v !== '0').slice(0, 5)}`);
  await maps.first().scrollIntoViewIfNeeded();
  const box = await maps.first().boundingBox();
  await page.mouse.move(box.x + box.width - 12, box.y + box.height - 40);
  const readout = page.locator('#view-heatmaps figure output').first();
  assert.match(await readout.textContent(), /query "cat" \(#4\) → key "cat" \(#4\): 0\.\d+/);
  // The keyboard reaches the same readout: focus the map, move with the arrows.
  await maps.first().focus();
  await page.keyboard.press('ArrowUp');
  assert.match(await readout.textContent(), /query "the" \(#3\) → key "cat" \(#4\): 0\.\d+/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('every detail view renders for every scheme without a page error', async () => {
  const { page, context, errors } = await open(browser, server.url + '/');
  const names = await schemeNames(page);
  for (const view of ['adds', 'distance', 'length', 'explain']) {
    await page.click(`#tab-${view}`);
    for (const n of names) {
      await page.selectOption('#ctl-scheme', n);
      await settle(page);
      const txt = await page.textContent(`#view-${view}`);
      assert.ok(txt.length > 20, `${view}/${n} is empty`);
    }
  }
  await page.click('#tab-explain');
  await page.selectOption('#ctl-scheme', 'sinusoidal');
  await settle(page);
  assert.ok(await page.locator('#view-explain math').count() >= 2, 'formulas in MathML');
  assert.match(await page.textContent('#view-explain'), /Vaswani/);
  assert.deepEqual(errors, []);
  await context.close();
});
