// Embed mode: one view without the chrome, flags to hide more, and the height posted to
// the parent; the "copy embed code" button writes a working iframe snippet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, assertLocal } from './helpers.mjs';

const HOST = `<!doctype html><html lang="en"><head><title>host</title><link rel="icon" href="data:,"></head><body>
<script>window.heights = []; addEventListener('message', (e) => { if (e.data && e.data.type === 'pe-playground:height') window.heights.push(e.data.height); });</script>
<iframe id="f" title="embedded playground" src="/index.html?embed#view=order&amp;hide=controls" width="800" height="200"></iframe>
</body></html>`;

let server, browser;
before(async () => { server = await startServer({ '/host.html': HOST }); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('embed mode hides the chrome, shows the chosen view and posts its height', async () => {
  const { page, context, requests, errors } = await open(browser, server.url + '/host.html', { wait: false });
  const frame = page.frameLocator('#f');
  await frame.locator('body.ready').waitFor({ state: 'attached', timeout: 15000 });
  await page.waitForFunction(() => window.heights.length > 0 && window.heights.at(-1) > 100);
  const heights = await page.evaluate(() => window.heights);
  assert.ok(heights.at(-1) > 100, `height ${heights}`);
  assert.equal(await frame.locator('#chrome-header').isVisible(), false, 'title chrome hidden');
  assert.equal(await frame.locator('#controls').isVisible(), false, 'controls hidden by hide=controls');
  assert.equal(await frame.locator('#tabs').isVisible(), false, 'tabs hidden');
  assert.equal(await frame.locator('#sentences').isVisible(), true, 'sentences still shown');
  assert.equal(await frame.locator('#view-order').isVisible(), true, 'the chosen view is shown');
  assert.equal(await frame.locator('#view-heatmaps').isVisible(), false, 'other views are not');
  // The posted height is the document's height inside the frame.
  const inner = await frame.locator('html').evaluate((el) => Math.ceil(el.scrollHeight));
  assert.ok(Math.abs(heights.at(-1) - inner) <= 2, `posted ${heights.at(-1)}, document ${inner}`);
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('"copy embed code" writes an iframe for the current view', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=none&view=distance');
  await page.click('#copy-embed');
  const code = await page.inputValue('#embed-code');
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed#[^"]*view=distance/);
  assert.match(code, /scheme=none/);
  assert.match(code, /pe-playground:height/);
  const src = code.match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&');
  const embedded = await open(browser, src);
  assert.equal(await embedded.page.isVisible('#chrome-header'), false);
  assert.equal(await embedded.page.isVisible('#view-distance'), true);
  assert.equal(await embedded.page.isVisible('#view-order'), false);
  assert.deepEqual([...errors, ...embedded.errors], []);
  await embedded.context.close();
  await context.close();
});
