// Embed mode: one view without the chrome, flags to hide more, and the height posted to
// the parent; the "copy embed code" button writes a working iframe snippet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, assertLocal, singleFileUrl } from './helpers.mjs';

const HOST = `<!doctype html><html lang="en"><head><title>host</title><link rel="icon" href="data:,"></head><body>
<script>window.heights = []; addEventListener('message', (e) => { if (e.data && e.data.type === 'pe-playground:height') window.heights.push(e.data.height); });</script>
<iframe id="f" title="embedded playground" src="/index.html?embed#view=order&amp;hide=controls" width="800" height="200"></iframe>
</body></html>`;

// A host that sizes its frames as the embed code does, starting far too tall.
const SIZING_HOST = `<!doctype html><html lang="en"><head><title>host</title><link rel="icon" href="data:,"></head><body>
<iframe id="f" title="embedded playground" src="/index.html?embed#view=explain&amp;hide=controls,sentences,exports" width="800" height="3000" style="border:0"></iframe>
<script>window.heights = []; addEventListener("message", (e) => { if (e.data && e.data.type === "pe-playground:height") { window.heights.push(e.data.height); document.getElementById("f").style.height = e.data.height + "px"; } });</script>
</body></html>`;

let server, browser;
before(async () => { server = await startServer({ '/host.html': HOST, '/sizing.html': SIZING_HOST }); browser = await launch(); });
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
  // The posted height is the height of the content inside the frame.
  const inner = await frame.locator('body').evaluate((el) => Math.ceil(el.getBoundingClientRect().bottom));
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

test('an embed shrinks as well as grows: the posted height is its content, not its frame', async () => {
  const { page, context, errors } = await open(browser, server.url + '/sizing.html', { wait: false });
  const frame = page.frameLocator('#f');
  await frame.locator('body.ready').waitFor({ state: 'attached', timeout: 15000 });
  await page.waitForFunction(() => window.heights.length > 0 && window.heights.at(-1) < 3000);
  const first = await page.evaluate(() => window.heights.at(-1));
  const content = await frame.locator('body').evaluate((el) => Math.ceil(el.getBoundingClientRect().bottom));
  assert.ok(Math.abs(first - content) <= 2, `posted ${first}, content ${content}`);
  assert.ok(first < 2500, `the 3000 px frame shrank to its content (${first})`);
  // The frame now fits: nothing to scroll inside it.
  await page.waitForFunction(() => document.getElementById('f').getBoundingClientRect().height < 3000);
  const { scroll, client } = await frame.locator('html').evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
  assert.ok(scroll <= client + 2, `no inner scrolling (${scroll} in ${client})`);
  // A view with less in it shrinks the frame again.
  const before = await page.evaluate(() => window.heights.length);
  await frame.locator('body').evaluate(() => { location.hash = 'view=order&hide=controls,sentences,exports'; });
  await page.waitForFunction((n) => window.heights.length > n, before);
  await page.waitForFunction(() => new Promise((r) => setTimeout(() => r(true), 300)));
  const second = await page.evaluate(() => window.heights.at(-1));
  const content2 = await frame.locator('body').evaluate((el) => Math.ceil(el.getBoundingClientRect().bottom));
  assert.ok(Math.abs(second - content2) <= 2, `posted ${second}, content ${content2}`);
  assert.notEqual(second, first, 'a new view, a new height');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the embed builder picks the view, the hidden parts, the height and the kind of code', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=alibi&view=heatmaps');
  await page.click('#embed-builder summary');
  await page.selectOption('#embed-view', 'distance');
  await page.check('#embed-hide-controls');
  await page.check('#embed-hide-exports');
  await page.selectOption('#embed-height', '480');
  let code = await page.inputValue('#embed-code');
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed#[^"]*" [^>]*height="480"/);
  const src = new URL(code.match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&'));
  const hash = new URLSearchParams(src.hash.slice(1));
  assert.equal(hash.get('view'), 'distance');
  assert.equal(hash.get('hide'), 'controls,exports');
  assert.equal(hash.get('scheme'), 'alibi');
  assert.ok(!/pe-playground:height/.test(code), 'a fixed height needs no sizing script');
  await page.selectOption('#embed-height', 'auto');
  assert.match(await page.inputValue('#embed-code'), /pe-playground:height/);
  // The same view as an element: every state key an attribute.
  await page.selectOption('#embed-kind', 'element');
  code = await page.inputValue('#embed-code');
  assert.match(code, /<script type="module" src="pe-playground\.js"><\/script>/);
  assert.match(code, /<pe-playground [^>]*view="distance"[^>]*><\/pe-playground>/);
  assert.match(code, / scheme="alibi"/);
  assert.match(code, / hide="controls,exports"/);
  // Served over http: no file:// warning.
  assert.equal(await page.isHidden('#embed-warning'), true);
  // The iframe it writes shows that view without the hidden parts.
  const embedded = await open(browser, src.href);
  assert.equal(await embedded.page.isVisible('#view-distance'), true);
  assert.equal(await embedded.page.isVisible('#controls'), false);
  assert.equal(await embedded.page.isVisible('#sentences'), false, 'the distance view does not read the sentences: an embed of it leaves them out');
  assert.equal(await embedded.page.locator('#view-distance .exports').isVisible(), false);
  assert.deepEqual([...errors, ...embedded.errors], []);
  await embedded.context.close();
  await context.close();
});

test('from file:// the builder warns that an iframe would point at this computer and offers the element', async () => {
  const { page, context, errors } = await open(browser, singleFileUrl);
  await page.click('#embed-builder summary');
  assert.equal(await page.inputValue('#embed-kind'), 'element', 'the element is the default from a file');
  assert.equal(await page.isHidden('#embed-warning'), true);
  await page.selectOption('#embed-kind', 'iframe');
  assert.equal(await page.isVisible('#embed-warning'), true);
  assert.match(await page.textContent('#embed-warning'), /file:\/\/.*works only here/);
  assert.deepEqual(errors, []);
  await context.close();
});
