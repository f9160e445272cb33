// Shared setup for the browser tests: a tiny static server for dist/ on 127.0.0.1 (a
// random port), Debian's Chromium through playwright-core (never a downloaded browser),
// and a page wrapper that records every request and every console error so each test
// can assert that nothing left the machine and nothing went wrong.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import { launchChromium, startStaticServer } from '../../scripts/lib/local.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dist = path.join(root, 'dist');
export const singleFileUrl = pathToFileURL(path.join(dist, 'pe-playground.html')).href;

// extra: {'/path': 'html text'} served as-is (e.g. a host page for the embed test).
export const startServer = (extra = {}) => startStaticServer({ dir: dist, extra });
export const launch = launchChromium;

// Opens url in a fresh context; returns {page, context, requests, errors}.
export async function open(browser, url, { wait = true, contextOptions = {} } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...contextOptions });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  if (wait) await ready(page);
  return { page, context, requests, errors };
}

export async function ready(page) {
  await page.waitForSelector('body.ready', { state: 'attached', timeout: 15000 });
}

// Every request stayed on this machine.
export function assertLocal(requests) {
  assert.ok(requests.length > 0, 'no request was recorded at all (the recorder is broken)');
  for (const u of requests) {
    const ok = u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:') || /^https?:\/\/127\.0\.0\.1(:\d+)?\//.test(u);
    assert.ok(ok, `request left the machine: ${u}`);
  }
}

// {scheme: score} from the ranking list (NaN where the scheme reports an error).
export async function scores(page) {
  return page.$$eval('#view-order li[data-scheme]', (lis) =>
    Object.fromEntries(lis.map((li) => [li.dataset.scheme, li.dataset.score === '' ? NaN : Number(li.dataset.score)])));
}

export async function schemeNames(page) {
  return page.evaluate(() => window.peApp.engine.schemes().map((s) => s.name));
}

// Waits for the next render after an action, and for the background probe (computer.js)
// to answer the newest state and that answer to be drawn.
export async function settle(page) {
  await page.evaluate(async () => {
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    // Typed text reaches the state after the sentences' debounce: wait for it first.
    const typed = () => ['a', 'b'].every((k) => {
      const el = document.getElementById(`sentence-${k}`);
      return !el || !window.peApp || el.value === window.peApp.store.get()[k];
    });
    for (let t = 0; t < 100 && !typed(); t++) await new Promise((r) => setTimeout(r, 20));
    await frames();
    await window.peApp?.computer?.idle();
    await frames();
  });
}

// Opens every data table (they are built on first open) inside the given element.
// Waits for the newest result first: a redraw replaces the (closed) tables.
export async function openTables(page, selector) {
  await settle(page);
  await page.$$eval(`${selector} details.table-alt`, (ds) => ds.forEach((d) => { d.open = true; }));
  await page.waitForFunction((sel) => [...document.querySelectorAll(`${sel} details.table-alt`)].every((d) => d.querySelector('table')), selector);
}

// Types `text` at the end of the textarea `selector`, `delay` ms apart, and returns each
// keystroke's latency: from the key event's creation to the next frame after the textarea
// changed (a busy main thread delays both).
export async function typingLatencies(page, selector, text, delay) {
  await page.evaluate((sel) => {
    window.latencies = [];
    const el = document.querySelector(sel);
    let t0 = 0;
    el.addEventListener('keydown', (e) => { t0 = e.timeStamp; });
    el.addEventListener('input', () => requestAnimationFrame(() => window.latencies.push(performance.now() - t0)));
  }, selector);
  await page.click(selector);
  await page.keyboard.press('End');
  await page.keyboard.type(text, { delay });
  await page.waitForFunction((n) => window.latencies.length === n, text.length);
  return page.evaluate(() => window.latencies);
}
