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
  // The tags themselves, not the text inside inline scripts (which may quote markup,
  // such as the embed builder's element code).
  const tags = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
  assert.ok(/<script\b[^>]*>/.test(tags), 'the inline script is there');
  assert.ok(!/<script[^>]+src=/.test(tags), 'no external script');
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

test('no inline script runs but the page\'s own: the CSP has no unsafe-inline for scripts', async () => {
  for (const file of ['pe-playground.html', 'index.html']) {
    const html = fs.readFileSync(path.join(dist, file), 'utf8');
    const scriptSrc = html.match(/script-src ([^;"]*)/)[1];
    assert.doesNotMatch(scriptSrc, /unsafe-inline/, `${file}: ${scriptSrc}`);
  }
  const { page, context } = await open(browser, singleFileUrl);
  await assert.rejects(page.addScriptTag({ content: 'window.__injected = 1' }), /Content Security Policy/);
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  assert.ok(Math.abs((await scores(page)).none) < 1e-9, 'the page itself still runs');
  await context.close();
});
