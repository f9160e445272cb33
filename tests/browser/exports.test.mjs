// Exports download files with the right contents: CSV and JSON carry the numbers the
// page shows, SVG is a standalone drawing of the view, PNG is a real PNG.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, launch, open, assertLocal, scores, schemeNames } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function grab(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: dl.suggestedFilename(), body: fs.readFileSync(await dl.path()) };
}

test('order view: CSV, JSON, SVG and PNG', async () => {
  const { page, context, requests, errors } = await open(browser, server.url + '/');
  const shown = await scores(page);
  const names = await schemeNames(page);

  const csv = await grab(page, '#view-order [data-export="csv"]');
  assert.equal(csv.name, 'pe-order-sensitivity.csv');
  const lines = csv.body.toString('utf8').trim().split('\n');
  assert.match(lines[0], /^scheme,sentence_distance,shift_logit_change,token_0:the,/);
  assert.equal(lines.length, names.length + 1);
  const noneRow = lines.find((l) => l.startsWith('none,'));
  assert.equal(Number(noneRow.split(',')[1]), shown.none);
  const sinRow = lines.find((l) => l.startsWith('sinusoidal,')).split(',');
  assert.equal(Number(sinRow[1]), shown.sinusoidal);

  const json = JSON.parse((await grab(page, '#view-order [data-export="json"]')).body.toString('utf8'));
  assert.equal(json.sentence, 'the dog chased the cat');
  assert.deepEqual(json.tokens, ['the', 'dog', 'chased', 'the', 'cat']);
  for (const n of names) if (!json.schemes[n].error) assert.equal(json.schemes[n].sentence_distance, shown[n], n);

  const svg = (await grab(page, '#view-order [data-export="svg"]')).body.toString('utf8');
  assert.match(svg, /^<\?xml/);
  assert.match(svg, /<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.includes('>sinusoidal<') && svg.includes('>none<'), 'bar labels in the SVG');

  const png = await grab(page, '#view-order [data-export="png"]');
  assert.equal(png.name, 'pe-order-sensitivity.png');
  assert.deepEqual([...png.body.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.body.length > 2000, `png of ${png.body.length} bytes`);
  assert.ok(png.body.readUInt32BE(16) > 400, 'png width');

  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('heatmap view: CSV of attention and difference, JSON matching the engine', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=sinusoidal&heads=1');
  const csv = (await grab(page, '#view-heatmaps [data-export="csv"]')).body.toString('utf8').trim().split('\n');
  assert.equal(csv[0], 'scheme,head,matrix,query,query_token,key,key_token,value');
  assert.equal(csv.length, 1 + 3 * 25);
  const json = JSON.parse((await grab(page, '#view-heatmaps [data-export="json"]')).body.toString('utf8'));
  const expected = await page.evaluate(() => {
    const r = window.peApp.engine.probe({ sentence: 'the dog chased the cat', compare: 'the cat chased the dog', schemes: ['sinusoidal'], dim: 64, heads: 1, seed: 1 });
    return Array.from(r.schemes.sinusoidal.attention);
  });
  assert.deepEqual(json.schemes.sinusoidal.heads[0].attention_a, expected);
  // Rows of attention sum to 1.
  const a = json.schemes.sinusoidal.heads[0].attention_a;
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(a.slice(i * 5, i * 5 + 5).reduce((x, y) => x + y) - 1) < 1e-5);
  assert.deepEqual(errors, []);
  await context.close();
});

// An exported figure stands alone: it says what it shows (title, sentences, schemes,
// settings, random or trained), keeps the on-screen layout (A | B | A − B side by side),
// carries its colour bars and line keys, and is drawn on white at 2x for the PNG.
test('exported figures are self-contained: caption, names, layout, colour bars and keys', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=rope&vs=alibi&heads=1&causal=1&seed=3&p.rope.theta=500000');
  const svg = (await grab(page, '#view-heatmaps [data-export="svg"]')).body.toString('utf8');
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&quot;/g, '"'));
  const all = texts.join(' ');  // caption lines wrap at word boundaries
  assert.match(all, /A: "the dog chased the cat" · B: "the cat chased the dog"/);
  assert.match(all, /Schemes: rope \(Rotary position embedding \(RoPE\)\) vs alibi/);
  assert.match(all, /random, untrained weights: width 64, 1 head, seed 3, causal mask on, shift 16; rope\.theta=500000/);
  assert.match(all, /attention weight \(A, B\)/, 'the weight colour bar');
  assert.match(all, /A − B \(same scale/, 'the difference colour bar');
  assert.match(all, /masked: the causal mask/, 'the masked-cell key');
  for (const n of ['rope', 'alibi']) assert.ok(texts.some((t) => t.startsWith(`${n} · A, head 0`)), `${n}'s maps are named`);
  // On-screen layout: A, B and A − B of one scheme share a row, left to right.
  const pos = (title) => {
    const i = svg.indexOf(`>${title}<`);
    assert.ok(i > 0, `${title} in the figure`);
    const open = svg.lastIndexOf('<svg', i);
    const tag = svg.slice(open, svg.indexOf('>', open));
    return [Number(tag.match(/ x="([\d.]+)"/)[1]), Number(tag.match(/ y="([\d.]+)"/)[1])];
  };
  const [ax, ay] = pos('rope · A, head 0'), [bx, by] = pos('rope · B, head 0');
  assert.equal(ay, by, 'A and B on one row');
  assert.ok(bx > ax, 'B right of A');
  const png = (await grab(page, '#view-heatmaps [data-export="png"]')).body;
  const svgW = Number(svg.match(/<svg[^>]* width="([\d.]+)"/)[1]);
  assert.equal(png.readUInt32BE(16), Math.ceil(svgW * 2), 'the PNG is the figure at 2x');

  // A line chart's key travels with it: every series name is in the exported figure.
  await page.evaluate(() => window.peApp.store.set({ view: 'distance' }));
  await page.waitForSelector('#view-distance svg.lines');
  const names = await page.$$eval('#view-distance .legend-list li', (lis) => lis.map((li) => li.textContent));
  assert.ok(names.length >= 1, 'the distance view has a keyed line chart');
  const dsvg = (await grab(page, '#view-distance [data-export="svg"]')).body.toString('utf8');
  const keyTexts = [...dsvg.matchAll(/<g class="figure-legend"[^]*?<\/g>/g)].map((m) => m[0]).join('');
  for (const n of names) assert.ok(keyTexts.includes(`>${n}<`), `key "${n}" in the exported figure`);
  assert.deepEqual(errors, []);
  await context.close();
});
