// Phones (390 px wide): every view fits the width (no sideways page scroll), charts keep
// readable text (drawn at 3/4 of their size or more, scrolling in their own box), the
// A | B | A − B maps of a head swipe in one row, and the page is not endless.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, settle } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const VIEWS = ['order', 'heatmaps', 'adds', 'distance', 'length', 'norms', 'pairs', 'explain', 'lab'];

test('at 390 px every view fits the width, charts stay readable, the maps swipe', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  for (const view of VIEWS) {
    await page.goto(`${server.url}/#view=${view}`);
    await page.waitForSelector('body.ready', { state: 'attached' });
    await settle(page);
    const m = await page.evaluate(() => {
      const svgs = [...document.querySelectorAll('figure.chart > svg')].filter((s) => s.getBoundingClientRect().width > 0);
      return {
        scrollW: document.documentElement.scrollWidth, clientW: document.documentElement.clientWidth,
        height: document.documentElement.scrollHeight,
        bodyFont: parseFloat(getComputedStyle(document.querySelector('.lead, p')).fontSize),
        charts: svgs.length,
        smallest: Math.min(...svgs.map((s) => s.getBoundingClientRect().width / Number(s.getAttribute('width')))),
      };
    });
    assert.ok(m.scrollW <= m.clientW, `${view}: the page scrolls sideways (${m.scrollW} px in ${m.clientW})`);
    assert.ok(m.bodyFont >= 14, `${view}: text at ${m.bodyFont} px`);
    assert.ok(m.charts > 0, `${view}: charts drawn`);
    assert.ok(m.smallest >= 0.74, `${view}: a chart shrunk to ${m.smallest.toFixed(2)} of its size (unreadable text)`);
    assert.ok(m.height < 7500, `${view}: ${m.height} px tall`);
  }
  // The heatmaps: one head's A, B and A − B side by side in a row that scrolls sideways.
  await page.goto(`${server.url}/#view=heatmaps`);
  await page.waitForSelector('body.ready', { state: 'attached' });
  await settle(page);
  const row = await page.evaluate(() => {
    const maps = document.querySelector('#view-heatmaps .maps');
    const tops = [...maps.querySelectorAll(':scope > figure')].map((f) => Math.round(f.getBoundingClientRect().top));
    return { tops, scroll: maps.scrollWidth, client: maps.clientWidth, overflow: getComputedStyle(maps).overflowX };
  });
  assert.equal(row.tops.length, 3);
  assert.ok(row.tops.every((t) => t === row.tops[0]), `one row: ${row.tops}`);
  assert.ok(row.scroll > row.client && row.overflow === 'auto', 'the row swipes sideways');
  assert.deepEqual(errors, []);
  await context.close();
});
