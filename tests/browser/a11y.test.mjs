// axe-core finds no serious or critical issue on the page and its views, in light and
// dark colour schemes; the controls are reachable with the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launch, open, root, settle } from './helpers.mjs';

const AXE = path.join(root, 'node_modules/axe-core/axe.min.js');
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function scan(page) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe: no serious or critical violation (${colorScheme})`, async () => {
    const { page, context, errors } = await open(browser, server.url + '/#scheme=rope&vs=alibi', { contextOptions: { colorScheme, reducedMotion: 'reduce' } });
    const found = [];
    for (const view of ['heatmaps', 'adds', 'distance', 'length', 'explain']) {
      await page.click(`#tab-${view}`);
      await settle(page);
      found.push(...(await scan(page)).map((x) => `${view}: ${x}`));
    }
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('keyboard: the sentences, controls and tabs are reachable with Tab', async () => {
  const { page, context } = await open(browser, server.url + '/');
  const seen = new Set();
  for (let k = 0; k < 60; k++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('role') || document.activeElement?.tagName);
    seen.add(id);
  }
  for (const id of ['sentence-a', 'sentence-b', 'ctl-scheme', 'ctl-causal', 'tab-heatmaps']) assert.ok(seen.has(id), `${id} reachable: ${[...seen]}`);
  await context.close();
});
