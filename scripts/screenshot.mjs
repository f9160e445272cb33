#!/usr/bin/env node
// Makes web/docs/playground.png, the README's picture: the built page (dist/) at its
// default state, 1280 px wide, light theme, from the top of the page through the ranking
// and the first heatmaps. Run by hand after changing what the first screen shows:
//   bash scripts/build.sh --page && node scripts/screenshot.mjs [--out FILE]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startStaticServer } from './lib/local.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const k = process.argv.indexOf('--out');
const out = path.resolve(root, k > 0 ? process.argv[k + 1] : 'web/docs/playground.png');
const server = await startStaticServer({ dir: path.join(root, 'dist') });
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(server.url + '/#scheme=rope&vs=alibi&causal=1');
  await page.waitForSelector('body.ready', { state: 'attached' });
  await page.evaluate(() => window.peApp.computer.idle());
  await page.waitForTimeout(300);
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1280, height: 800 } });
  console.error(`wrote ${path.relative(root, out)}`);
} finally {
  await browser.close();
  await server.close();
}
