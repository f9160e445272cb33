// The URL hash owns the state: a round trip restores the view; bad values fall back
// to defaults with a visible notice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, assertLocal, scores, settle } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('URL round trip restores sentences, controls, scheme settings and the view', async () => {
  const first = await open(browser, server.url + '/');
  const { page } = first;
  await page.fill('#sentence-a', 'a small bird sang');
  await page.fill('#sentence-b', 'sang a small bird');
  await page.selectOption('#ctl-heads', '2');
  await page.check('#ctl-causal');
  await page.selectOption('#ctl-scheme', 'sinusoidal');
  await settle(page);
  await page.selectOption('select[id^="p-sinusoidal-layout"]', 'concat');
  await page.click('#tab-distance');
  await page.waitForFunction(() => /layout=concat/.test(location.hash) && /view=distance/.test(location.hash));
  const url = page.url();
  assert.match(url, /a=a\+small\+bird\+sang/);
  const scoresBefore = await scores(page);
  await first.context.close();

  const second = await open(browser, url);
  const p2 = second.page;
  assert.equal(await p2.inputValue('#sentence-a'), 'a small bird sang');
  assert.equal(await p2.inputValue('#sentence-b'), 'sang a small bird');
  assert.equal(await p2.inputValue('#ctl-heads'), '2');
  assert.equal(await p2.isChecked('#ctl-causal'), true);
  assert.equal(await p2.inputValue('#ctl-scheme'), 'sinusoidal');
  assert.equal(await p2.inputValue('select[id^="p-sinusoidal-layout"]'), 'concat');
  assert.equal(await p2.getAttribute('#tab-distance', 'aria-selected'), 'true');
  assert.equal(await p2.isVisible('#view-distance'), true);
  assert.deepEqual(await scores(p2), scoresBefore, 'same numbers after reload');
  assert.equal(await p2.isVisible('#notices'), false, 'a valid link gives no notice');
  assertLocal(second.requests);
  assert.deepEqual([...first.errors, ...second.errors], []);
  await second.context.close();
});

test('a bad hash falls back to defaults with a visible notice', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#dim=7&heads=banana&scheme=nope&zzz=1&p.sinusoidal.base=-5&p.nope.x=1&causal=maybe');
  assert.equal(await page.isVisible('#notices'), true);
  const text = await page.textContent('#notices');
  for (const bit of ['dim="7"', 'heads="banana"', 'scheme="nope"', '"zzz"', 'sinusoidal base="-5"', 'p.nope.x', 'causal="maybe"']) assert.ok(text.includes(bit), `notice mentions ${bit}: ${text}`);
  assert.equal(await page.inputValue('#ctl-dim'), '64');
  assert.equal(await page.inputValue('#ctl-heads'), '4');
  assert.equal(await page.isChecked('#ctl-causal'), false);
  const sc = await scores(page);
  assert.ok(Math.abs(sc.none) < 1e-9 && sc.sinusoidal > 0, 'the defaults still compute');
  await page.click('#notices button:has-text("Dismiss")');
  await settle(page);
  assert.equal(await page.isVisible('#notices'), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('editing the hash by hand updates the page', async () => {
  const { page, context, errors } = await open(browser, server.url + '/');
  await page.evaluate(() => { location.hash = 'causal=1&scheme=none'; });
  await page.waitForFunction(() => document.querySelector('#ctl-causal')?.checked === true);
  await settle(page);
  assert.ok((await scores(page)).none > 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('odd hash keys and repeated keys get notices, not errors; invisible-only text counts as empty', async () => {
  const { page, context, errors } = await open(browser,
    server.url + '/#__proto__=1&constructor=2&toString=3&a=first+words&a=second+words');
  await page.waitForSelector('#notices:not([hidden])');
  const notice = await page.textContent('#notices');
  for (const k of ['__proto__', 'constructor', 'toString']) assert.match(notice, new RegExp(`unknown key "${k}" ignored`));
  assert.match(notice, /"a" is given twice; the first value is kept/);
  assert.doesNotMatch(notice, /is not a function/);
  assert.equal(await page.inputValue('#sentence-a'), 'first words');
  await page.fill('#sentence-a', '\u200B\u200D\uFEFF \u2060');
  await page.waitForFunction(() => /Sentence A is empty/.test(document.querySelector('#sentence-msg').textContent));
  assert.equal(await page.getAttribute('#sentence-a', 'maxlength'), '100000');
  assert.deepEqual(errors, []);
  await context.close();
});
