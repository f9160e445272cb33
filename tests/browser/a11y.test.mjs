// axe-core finds no serious or critical issue on the page and its views, in light and
// dark colour schemes; the controls are reachable with the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, open, root, settle } from './helpers.mjs';

const AXE = path.join(root, 'node_modules/axe-core/axe.min.js');
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// Evaluated through the debugger protocol, not added as a <script>: the page's CSP allows
// no inline script but its own (by hash), and a test should not weaken that.
const AXE_SOURCE = fs.readFileSync(AXE, 'utf8');

async function scan(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE_SOURCE);
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// Every view in light mode; the two densest and the lab in dark mode (axe is slow on big pages).
const plan = { light: ['heatmaps', 'adds', 'distance', 'length', 'explain', 'lab'], dark: ['heatmaps', 'adds', 'lab'] };
for (const colorScheme of ['light', 'dark']) {
  test(`axe: no serious or critical violation (${colorScheme})`, async () => {
    const { page, context, errors } = await open(browser, server.url + '/#scheme=rope&vs=alibi&heads=2', { contextOptions: { colorScheme, reducedMotion: 'reduce' } });
    const found = [];
    for (const view of plan[colorScheme]) {
      await page.click(`#tab-${view}`);
      await settle(page);
      // One open data table per view, so tables are scanned too.
      await page.$$eval(`#view-${view} details.table-alt`, (ds) => ds[0] && (ds[0].open = true));
      await settle(page);
      found.push(...(await scan(page)).map((x) => `${view}: ${x}`));
    }
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('axe: the lab after a short training run (trained probe, sampling, model files)', async () => {
  const tiny = 'lab.schemes=none,rope&lab.len=32&lab.steps=10&lab.batch=4&lab.dim=32&lab.heads=2&lab.layers=1';
  const { page, context, errors } = await open(browser, `${server.url}/#view=lab&${tiny}`, { contextOptions: { reducedMotion: 'reduce' } });
  await page.click('#lab-train');
  await page.waitForFunction(() => document.querySelector('#lab-status')?.dataset.status === 'done', null, { timeout: 60000 });
  await page.click('#lab-sample-go');
  await page.$$eval('#view-lab details.table-alt', (ds) => ds.forEach((d) => { d.open = true; }));
  await settle(page);
  assert.deepEqual(await scan(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard: the sentences, controls and tabs are reachable with Tab', async () => {
  const { page, context } = await open(browser, server.url + '/');
  const seen = new Set();
  for (let k = 0; k < 100; k++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('role') || document.activeElement?.tagName);
    seen.add(id);
  }
  for (const id of ['sentence-a', 'sentence-b', 'ctl-scheme', 'ctl-causal', 'tab-heatmaps']) assert.ok(seen.has(id), `${id} reachable: ${[...seen]}`);
  await context.close();
});
