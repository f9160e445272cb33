// The single-file build opened from file:// shows both none and sinusoidal results and
// makes no request that leaves the machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, open, assertLocal, scores, dist, singleFileUrl } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('dist/pe-playground.html is self-contained', () => {
  const html = fs.readFileSync(path.join(dist, 'pe-playground.html'), 'utf8');
  assert.ok(!/<script[^>]+src=/.test(html), 'no external script');
  assert.ok(!/<link[^>]+stylesheet/.test(html), 'no external style sheet');
  assert.match(html, /Content-Security-Policy/);
});

test('from file:// it shows none and sinusoidal and nothing leaves the machine', async () => {
  const { page, context, requests, errors } = await open(browser, singleFileUrl);
  const sc = await scores(page);
  assert.equal(sc.none, 0);
  assert.ok(sc.sinusoidal > 1e-6);
  assert.ok(await page.locator('#view-heatmaps svg.heatmap').count() >= 3, 'heatmaps drawn');
  assert.ok(requests.every((u) => u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:')), requests.join('\n'));
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});
