// The explanation view has a formula and its own words for the schemes added in issue 12,
// and says what each one is not (fourier vs fope; kerple and fire show their point trained).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const WORDS = {
  kerple: /r1 and r2, learned in training/,
  sandwich: /levels off at a plateau/,
  fire: /threshold L/,
  fourier: /not FoPE of Hua et al\. 2024.*p and N − p get the same encoding/,
  txl: /Transformer-XL: the key is split into content/,
};

test('each new scheme has its formula in MathML and its explanation', async () => {
  for (const [scheme, words] of Object.entries(WORDS)) {
    const { page, context, errors } = await open(browser, `${server.url}/#scheme=${scheme}&view=explain`);
    await page.waitForSelector('#view-explain math');
    const text = await page.textContent('#view-explain');
    assert.match(text, words, scheme);
    assert.ok(await page.locator('#view-explain math[display="block"]').count() >= 1, `${scheme}: a block formula`);
    assert.deepEqual(errors, [], scheme);
    await context.close();
  }
  // kerple's formula follows its variant
  const { page, context } = await open(browser, `${server.url}/#scheme=kerple&view=explain&p.kerple.variant=power`);
  await page.waitForSelector('#view-explain math');
  assert.doesNotMatch(await page.textContent('#view-explain math'), /log/);
  await context.close();
});
