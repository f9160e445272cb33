// The <pe-playground> element (dist/pe-playground.js) and the example article
// (dist/article.html): two elements draw their own schemes' numbers from one shared
// engine, an attribute change redraws, the reader's change fires `change`, the host
// page's CSS does not reach inside (nor the element's out), nothing leaves the machine,
// and the article works from file://.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer, launch, open, assertLocal, dist } from './helpers.mjs';

const SENT = { a: 'the dog chased the cat', b: 'the cat chased the dog' };
const HOSTILE = '* { color: red !important; font-size: 40px !important; font-family: fantasy !important; line-height: 3 !important } div, section, p, h2 { display: none !important } .panel { background: lime !important } button { border: 9px solid red !important }';
const host = (css = '', elements = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,">
<style>${css}</style></head><body>
<h2 id="outside" class="panel">An article heading</h2>
${elements || `<pe-playground id="one" view="heatmaps" scheme="rope" heads="2" hide="controls"></pe-playground>
<pe-playground id="two" view="heatmaps" scheme="alibi" heads="2" hide="controls"></pe-playground>`}
<script type="module" src="/pe-playground.js"></script>
</body></html>`;

let server, browser;
before(async () => {
  server = await startServer({
    '/plain.html': host(),
    '/hostile.html': host(HOSTILE),
    '/bare.html': host('', '<p>no element</p>').replace('<script type="module" src="/pe-playground.js"></script>', ''),
  });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

const allReady = (page) => page.waitForFunction(() => customElements.get('pe-playground') &&
  [...document.querySelectorAll('pe-playground')].every((e) => e.shadowRoot?.querySelector('.pe-root.ready')), null, { timeout: 20000 });

// Head 0 of sentence A as the element draws it: its data table (4 significant digits).
async function drawnHead0(page, id) {
  return page.evaluate(async (id) => {
    const root = document.getElementById(id).shadowRoot;
    const d = root.querySelector('details.table-alt');
    d.open = true;
    while (!d.querySelector('table')) await new Promise((r) => setTimeout(r, 10));
    return [...d.querySelectorAll('tbody td')].map((td) => Number(td.textContent));
  }, id);
}

// The same numbers from the engine directly, for the element's current state.
async function probedHead0(page, id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    const st = el.state;
    const r = el.engine.probe({ sentence: st.a, compare: st.b, schemes: [st.scheme], dim: st.dim, heads: st.heads, seed: st.seed, causal: st.causal, shift: st.shift, weights: true });
    const n = r.tokens.length;
    return Array.from(r.schemes[st.scheme].attention.subarray(0, n * n));
  }, id);
}

const close = (drawn, exact, what) => {
  assert.equal(drawn.length, exact.length, `${what}: ${drawn.length} cells drawn, ${exact.length} computed`);
  drawn.forEach((v, k) => assert.ok(Math.abs(v - exact[k]) <= 5e-4 * Math.max(1, Math.abs(exact[k])), `${what} cell ${k}: drawn ${v}, probe ${exact[k]}`));
};

test('two elements draw their own schemes from one shared engine', async () => {
  const { page, context, requests, errors } = await open(browser, server.url + '/plain.html', { wait: false });
  await allReady(page);
  const same = await page.evaluate(async () => {
    const [a, b] = document.querySelectorAll('pe-playground');
    const { loadEngine } = await import('/pe-playground.js');
    return a.engine === b.engine && a.engine === (await loadEngine());
  });
  assert.ok(same, 'both elements and loadEngine() give the same engine');
  const [d1, d2] = [await drawnHead0(page, 'one'), await drawnHead0(page, 'two')];
  close(d1, await probedHead0(page, 'one'), 'rope');
  close(d2, await probedHead0(page, 'two'), 'alibi');
  assert.ok(d1.some((v, k) => Math.abs(v - d2[k]) > 1e-3), 'rope and alibi draw different numbers');
  // The exported numbers are the same ones, per scheme.
  const schemesOf = await page.evaluate(() => [...document.querySelectorAll('pe-playground')].map((e) => Object.keys(e.exportable().json.schemes)));
  assert.deepEqual(schemesOf, [['rope'], ['alibi']]);
  assert.equal(await page.evaluate(() => document.getElementById('one').shadowRoot.querySelector('.chrome-controls').hidden), true, 'hide="controls"');
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an attribute change redraws that element only; the reader\'s change fires `change`', async () => {
  const { page, context, requests, errors } = await open(browser, server.url + '/plain.html', { wait: false });
  await allReady(page);
  const before2 = await drawnHead0(page, 'two');
  await page.evaluate(() => {
    const el = document.getElementById('one');
    el.setAttribute('scheme', 'sinusoidal');
    el.setAttribute('causal', '');
    el.setAttribute('a', 'a cat sat on the mat');
  });
  await page.waitForFunction(() => document.getElementById('one').exportable()?.json.schemes.sinusoidal);
  const st = await page.evaluate(() => document.getElementById('one').state);
  assert.equal(st.scheme, 'sinusoidal');
  assert.equal(st.causal, true, 'a bare boolean attribute is on');
  assert.equal(st.a, 'a cat sat on the mat');
  close(await drawnHead0(page, 'one'), await probedHead0(page, 'one'), 'sinusoidal, causal, new sentence');
  assert.deepEqual(await drawnHead0(page, 'two'), before2, 'the other element did not change');
  assert.equal(await page.evaluate(() => document.getElementById('two').state.scheme), 'alibi');

  // The reader reverses B inside element two: `change` carries the new state; the
  // attributes stay the author's, and a later attribute change keeps the reader's B.
  await page.evaluate(() => {
    window.changes = [];
    document.getElementById('two').addEventListener('change', (e) => window.changes.push(e.detail));
  });
  await page.locator('#two').getByRole('button', { name: /^reverse/i }).click();
  await page.waitForFunction(() => window.changes.length > 0);
  const change = await page.evaluate(() => window.changes.at(-1));
  assert.equal(change.state.b, 'dog the chased cat the');
  assert.match(change.hash, /b=dog\+the\+chased\+cat\+the/);
  await page.evaluate(() => document.getElementById('two').setAttribute('heads', '4'));
  await page.waitForFunction(() => document.getElementById('two').state.heads === 4);
  assert.equal(await page.evaluate(() => document.getElementById('two').state.b), 'dog the chased cat the');
  // Removing an attribute returns its key to the default; a bad value shows a notice.
  await page.evaluate(() => { const el = document.getElementById('one'); el.removeAttribute('causal'); el.setAttribute('dim', '7'); });
  await page.waitForFunction(() => document.getElementById('one').state.causal === false);
  // The state changes at once; the notice is drawn on the next animation frame.
  await page.waitForFunction(() => /dim="7"/.test(document.getElementById('one').shadowRoot.querySelector('.notices').textContent), null, { timeout: 5000 })
    .catch(() => {});
  const notice = await page.evaluate(() => document.getElementById('one').shadowRoot.querySelector('.notices').textContent);
  assert.match(notice, /dim="7"/);
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

// Computed styles of the element's insides, and of the host page's own heading.
async function styles(page) {
  return page.evaluate(() => {
    const pick = (el) => { const c = getComputedStyle(el); return { color: c.color, fontSize: c.fontSize, fontFamily: c.fontFamily, display: c.display, background: c.backgroundColor, border: c.borderTopWidth, lineHeight: c.lineHeight }; };
    const el = document.getElementById('one');
    const out = { outside: pick(document.getElementById('outside')) };
    if (!el) return out;
    const r = el.shadowRoot;
    for (const [k, sel] of Object.entries({ root: '.pe-root', title: 'h2', panel: '.view', button: 'button', text: 'textarea', svgText: 'svg text' }))
      out[k] = pick(r.querySelector(sel));
    out.height = el.getBoundingClientRect().height;
    return out;
  });
}

test('host CSS does not reach inside the element, and the element\'s CSS does not leak out', async () => {
  const plain = await open(browser, server.url + '/plain.html', { wait: false });
  const hostile = await open(browser, server.url + '/hostile.html', { wait: false });
  const bare = await open(browser, server.url + '/bare.html', { wait: false });
  await allReady(plain.page);
  await allReady(hostile.page);
  const [p, x, b] = [await styles(plain.page), await styles(hostile.page), await styles(bare.page)];
  for (const k of ['root', 'title', 'panel', 'button', 'text', 'svgText']) assert.deepEqual(x[k], p[k], `${k} styled the same under the host's hostile CSS`);
  assert.notEqual(p.root.color, 'rgb(255, 0, 0)');
  assert.equal(x.outside.color, 'rgb(255, 0, 0)', 'the hostile CSS does apply outside');
  assert.deepEqual(p.outside, b.outside, 'the page heading with class "panel" looks the same with and without the element');
  assert.ok(p.height > 300 && Math.abs(p.height - x.height) < 2, `sized to its content: ${p.height} vs ${x.height}`);
  for (const o of [plain, hostile, bare]) {
    assertLocal(o.requests);
    assert.deepEqual(o.errors, []);
    await o.context.close();
  }
});

test('custom properties restyle it; it follows prefers-color-scheme', async () => {
  const css = 'pe-playground#one { --pe-accent: rgb(1, 2, 3); --pe-font: monospace; }';
  const dark = await open(browser, server.url + '/plain.html', { wait: false, contextOptions: { colorScheme: 'dark', reducedMotion: 'reduce' } });
  await allReady(dark.page);
  const bg = await dark.page.evaluate(() => getComputedStyle(document.getElementById('one').shadowRoot.querySelector('.pe-root')).backgroundColor);
  assert.equal(bg, 'rgb(22, 24, 28)', 'dark background');
  await dark.page.addStyleTag({ content: css });
  const got = await dark.page.evaluate(() => {
    const r = document.getElementById('one').shadowRoot;
    const pressed = r.querySelector('button[aria-pressed="true"]');
    return { accent: getComputedStyle(pressed).backgroundColor, font: getComputedStyle(r.querySelector('.pe-root')).fontFamily, other: getComputedStyle(document.getElementById('two').shadowRoot.querySelector('.pe-root')).fontFamily };
  });
  assert.equal(got.accent, 'rgb(1, 2, 3)');
  assert.equal(got.font, 'monospace');
  assert.notEqual(got.other, 'monospace', 'the other element keeps its font');
  assert.deepEqual(dark.errors, []);
  await dark.context.close();
});

test('the example article works from file:// with no network', async () => {
  const url = pathToFileURL(path.join(dist, 'article.html')).href;
  const { page, context, requests, errors } = await open(browser, url, { wait: false });
  await allReady(page);
  const figs = await page.evaluate(() => [...document.querySelectorAll('pe-playground')].map((e) => ({
    view: e.state.view, scheme: e.state.scheme, svgs: e.shadowRoot.querySelectorAll('svg').length, text: e.shadowRoot.textContent.length,
  })));
  assert.equal(figs.length, 4);
  assert.deepEqual(figs.map((f) => f.view), ['heatmaps', 'order', 'adds', 'length']);
  for (const f of figs) assert.ok(f.svgs > 0 && f.text > 100, `figure ${f.view} drew: ${JSON.stringify(f)}`);
  // The article's own script reads the shared engine: none reads exactly 0 without a mask.
  await page.waitForFunction(() => /\d/.test(document.getElementById('sin-score').textContent));
  assert.equal(Number(await page.textContent('#none-score')), 0);
  assert.ok(Number(await page.textContent('#sin-score')) > 0);
  assert.ok(!requests.some((u) => u.endsWith('pe-playground.js')), 'the module is inline, not fetched');
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the element is accessible like the page: axe finds no serious or critical issue inside its shadow root', async () => {
  const fs = await import('node:fs');
  const axe = fs.readFileSync(path.join(path.dirname(dist), 'node_modules/axe-core/axe.min.js'), 'utf8');
  const { page, context, errors } = await open(browser, server.url + '/plain.html', { wait: false });
  await allReady(page);
  await page.evaluate(axe);  // through the debugger protocol: no <script> is injected
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' | ')}`);
  });
  const scanned = await page.evaluate(() => document.getElementById('one').shadowRoot.querySelectorAll('svg, button, select, input').length);
  assert.ok(scanned > 0, 'the shadow root has content for axe to scan');
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
  await context.close();
});
