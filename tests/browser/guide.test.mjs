// The guided path: seven steps (none → causal mask → sinusoidal → shift → RoPE → ALiBi →
// length), each setting the tool for its point; the line a step reads comes from the
// numbers on screen and says what the step claims.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, settle, scores } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const step = async (page, id) => {
  await page.click(`#guide button[data-step="${id}"]`);
  await settle(page);
  const li = page.locator(`#guide li[data-step="${id}"]`);
  assert.equal(await li.getAttribute('aria-current'), 'step', `${id} is the current step`);
  return { st: await page.evaluate(() => window.peApp.store.get()), read: await li.locator('.guide-read').textContent(), s: await scores(page) };
};

test('the seven steps set the tool and their lines agree with the numbers', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=alibi&a=a+cat+sat');
  const ids = await page.$$eval('#guide li[data-step]', (lis) => lis.map((li) => li.dataset.step));
  assert.deepEqual(ids, ['none', 'causal', 'sinusoidal', 'shift', 'rope', 'alibi', 'length']);

  let r = await step(page, 'none');
  assert.equal(r.st.a, 'the dog chased the cat', 'the default sentences come back');
  assert.equal(r.s.none, 0);
  assert.match(r.read, /"none" reads 0:/);

  r = await step(page, 'causal');
  assert.equal(r.st.causal, true);
  assert.ok(r.s.none > 1e-3, `the mask alone: none ${r.s.none}`);
  assert.ok(r.read.includes(`"none" now reads ${r.s.none.toPrecision(3).replace(/\.?0+$/, '')}`) || /now reads 0\.\d+/.test(r.read), r.read);

  r = await step(page, 'sinusoidal');
  assert.equal(r.st.view, 'adds');
  assert.equal(r.st.causal, false);
  assert.ok(await page.isVisible('#view-adds'));

  r = await step(page, 'shift');
  assert.equal(r.st.vs, 'rope');
  const shifts = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#view-order li[data-scheme]')].map((li) => [li.dataset.scheme, Number(li.dataset.shift)])));
  assert.ok(shifts.sinusoidal > 0 && shifts.rope === 0, `sinusoidal notices, rope does not: ${shifts.sinusoidal}, ${shifts.rope}`);
  assert.match(r.read, /RoPE 0\.$/);

  r = await step(page, 'rope');
  assert.equal(r.st.scheme, 'rope');
  assert.match(r.read, /moves? by 0 under the shift/);

  r = await step(page, 'alibi');
  assert.equal(r.st.view, 'distance');
  assert.ok(await page.isVisible('#view-distance .scheme-col[data-scheme="alibi"] svg.lines'));

  r = await step(page, 'length');
  assert.equal(r.st.settings.learned.max_len, '64');
  assert.ok(r.st.len > 64);
  assert.match(await page.textContent('#view-length .scheme-col[data-scheme="learned"]'), /At length 128: .*64/, 'the learned table refuses past its rows');
  assert.ok(await page.locator('#view-length .scheme-col[data-scheme="rope"] svg').count() > 0, 'RoPE goes on');
  // Only one step is current at a time.
  assert.equal(await page.locator('#guide li[aria-current="step"]').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});
