// Shared setup for the browser tests: a tiny static server for dist/ on 127.0.0.1 (a
// random port), Debian's Chromium through playwright-core (never a downloaded browser),
// and a page wrapper that records every request and every console error so each test
// can assert that nothing left the machine and nothing went wrong.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dist = path.join(root, 'dist');
export const singleFileUrl = pathToFileURL(path.join(dist, 'pe-playground.html')).href;

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

// extra: {'/path': 'html text'} served as-is (e.g. a host page for the embed test).
export function startServer(extra = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (extra[url.pathname]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(extra[url.pathname]);
    }
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.join(dist, path.normalize(rel));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
  }));
}

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

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

// Waits for the next render after an action.
export async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// Opens every data table (they are built on first open) inside the given element.
export async function openTables(page, selector) {
  await page.$$eval(`${selector} details.table-alt`, (ds) => ds.forEach((d) => { d.open = true; }));
  await page.waitForFunction((sel) => [...document.querySelectorAll(`${sel} details.table-alt`)].every((d) => d.querySelector('table')), selector);
}
