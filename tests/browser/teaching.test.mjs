// The page as a teaching tool (issue 10): fixed colour scales read from the drawn SVG,
// verdicts that agree with their numbers and stated thresholds, the seed spread, the
// shift headline computed from shift_logit_change, and presets that set the hash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, settle } from './helpers.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const LIGHT = { contextOptions: { colorScheme: 'light' } };
const ZERO_LIGHT = '#f7f7f7';                 // colors.js DIVERGING_LIGHT middle
const SATURATED_LIGHT = ['#2166ac', '#b35806']; // its two ends
const MASKED = '#9e9e9e';                      // colors.js MASKED_FILL

// Per map title: the drawn cells {i, j, fill, masked} and the values of its data table.
async function drawn(page, titleStart) {
  return page.$$eval('#view-heatmaps svg.heatmap', (svgs, start) => svgs
    .filter((svg) => svg.querySelector('.chart-title').textContent.replace(/^[^·]*· /, '').startsWith(start))
    .map((svg) => [...svg.querySelectorAll('rect.cell, rect.masked')].map((r) => ({
      i: Number(r.dataset.i), j: Number(r.dataset.j), fill: r.getAttribute('fill').toLowerCase(), masked: r.classList.contains('masked'),
    }))), titleStart);
}

test('colour scales: float noise draws as the zero colour, a large difference saturates, masked cells look masked', async () => {
  // none without the mask, A vs reordered B: the difference is rounding only.
  const { page, context, errors } = await open(browser, server.url + '/#scheme=none&heads=2', LIGHT);
  const raw = await page.evaluate(() => {
    const st = window.peApp.store.get();
    const r = window.peApp.engine.probe({ sentence: st.a, compare: st.b, schemes: ['none'], dim: st.dim, heads: st.heads, seed: st.seed, causal: false, shift: st.shift, weights: true });
    return Math.max(...Array.from(r.schemes.none.attention), ...Array.from(r.schemes.none.attention_compare));
  });
  assert.ok(raw > 0, 'the probe gave weights');
  const maps = await drawn(page, 'A − B');
  assert.equal(maps.length, 2, 'one difference map per head');
  for (const cells of maps) {
    assert.equal(cells.length, 25);
    for (const c of cells) assert.equal(c.fill, ZERO_LIGHT, `cell (${c.i}, ${c.j}) of a rounding-only difference draws ${c.fill}`);
  }
  // The scale is stated with its numbers, and the same for every head.
  const legend = await page.$eval('#view-heatmaps .scale-legend', (el) => [...el.querySelectorAll('svg')].map((s) => s.getAttribute('aria-label') + ' ' + [...s.querySelectorAll('text')].map((t) => t.textContent).join(' ')).join(' | '));
  assert.match(legend, /attention weight.*0 .*0\.5 .*1/);
  assert.match(legend, /A − B.*≤-0\.25 .*0 .*≥0\.25/);

  // Causal mask: the same sentences now differ a lot, and masked keys look masked.
  await page.check('#ctl-causal');
  await settle(page);
  const diff = await page.evaluate(() => {
    const st = window.peApp.store.get();
    const r = window.peApp.engine.probe({ sentence: st.a, compare: st.b, schemes: ['none'], dim: st.dim, heads: st.heads, seed: st.seed, causal: true, shift: st.shift, weights: true });
    return { a: Array.from(r.schemes.none.attention), b: Array.from(r.schemes.none.attention_compare), ta: r.tokens, tb: r.tokens_compare };
  });
  const A = (await drawn(page, 'A, head 0'))[0];
  for (const c of A) assert.equal(c.masked, c.j > c.i, `A cell (${c.i}, ${c.j}) masked iff its key comes after its query`);
  for (const c of A.filter((x) => x.masked)) assert.equal(c.fill, MASKED);
  assert.ok(A.filter((x) => !x.masked).every((c) => c.fill !== MASKED), 'a zero weight is not drawn as masked');
  // Head 0's difference, with B put in A's token order as the page does.
  const D = (await drawn(page, 'A − B'))[0];
  const seen = new Map(), where = new Map();
  diff.tb.forEach((t, k) => (where.get(t) || where.set(t, []).get(t)).push(k));
  const match = diff.ta.map((t) => { const c = seen.get(t) || 0; seen.set(t, c + 1); return where.get(t)[c]; });
  const n = diff.ta.length, m = diff.tb.length;
  let saturated = 0;
  for (const c of D) {
    const v = diff.a[c.i * n + c.j] - diff.b[match[c.i] * m + match[c.j]];
    if (c.masked) {
      assert.ok(c.j > c.i && match[c.j] > match[c.i], `masked only where both keys are hidden (${c.i}, ${c.j})`);
      continue;
    }
    if (Math.abs(v) >= 0.25) {
      saturated++;
      assert.equal(c.fill, SATURATED_LIGHT[v < 0 ? 0 : 1], `|A − B| = ${v} at (${c.i}, ${c.j}) draws saturated`);
    }
  }
  assert.ok(saturated > 0, 'the causal mask gives some difference of at least 0.25');
  assert.match(await page.textContent('#view-heatmaps .scale-legend'), /masked.*not a zero weight/);
  assert.deepEqual(errors, []);
  await context.close();
});

// {scheme: {score, verdict, min, max, shift}} from the ranking list.
const ranking = (page) => page.$$eval('#view-order li[data-scheme]', (lis) => Object.fromEntries(lis.map((li) => [li.dataset.scheme, {
  score: Number(li.dataset.score), verdict: li.dataset.verdict, text: li.textContent,
  min: li.dataset.min === undefined ? NaN : Number(li.dataset.min), max: li.dataset.max === undefined ? NaN : Number(li.dataset.max),
  shift: Number(li.dataset.shift),
}])));

// The thresholds as the page states them in words: "not at all" below X, "sees order" from Y.
async function statedThresholds(page) {
  const text = await page.textContent('#order-thresholds');
  const num = '([0-9.]+(?:e[-+]?\\d+)?)';
  const lo = text.match(new RegExp(`"not at all" below ${num}`));
  const hi = text.match(new RegExp(`"sees order" from ${num}`));
  assert.ok(lo && hi, `thresholds stated on the page: ${text}`);
  return [Number(lo[1]), Number(hi[1])];
}

function assertVerdicts(r, [lo, hi]) {
  for (const [name, d] of Object.entries(r)) {
    const want = d.score < lo ? 'not at all' : d.score < hi ? 'barely' : 'sees order';
    assert.equal(d.verdict, want, `${name}: ${d.score} against ${lo}/${hi}`);
    assert.ok(d.text.includes(`(${want})`), `${name} shows its verdict in words: ${d.text}`);
  }
}

test('order ranking: verdicts agree with their numbers and the stated thresholds; the seed spread holds each value', async () => {
  const { page, context, errors } = await open(browser, server.url + '/');
  const th = await statedThresholds(page);
  let r = await ranking(page);
  assert.equal(r.none.verdict, 'not at all', 'none without the causal mask');
  assertVerdicts(r, th);
  assert.match(await page.textContent('#order-weights'), /random and untrained \(seed 1\)/);
  assert.match(await page.textContent('#order-weights'), /changes with the seed/);
  for (const [name, d] of Object.entries(r)) assert.ok(d.min <= d.score && d.score <= d.max, `${name}: ${d.min} <= ${d.score} <= ${d.max}`);
  assert.ok(Object.values(r).some((d) => d.max > d.min), 'some score moves with the seed');
  assert.match(await page.textContent('#seed-spread'), /seed 1 \w+, seed 2 \w+, seed 3 \w+, seed 4 \w+, seed 5 \w+/);
  // The bars are on a log axis, with the thresholds drawn.
  assert.match(await page.textContent('#ranking svg.bars .chart-title'), /log scale/);
  assert.equal(await page.locator('#ranking svg.bars line.threshold').count(), 2);
  // The causal mask: none sees order now; every verdict still agrees; a seed outside 1-5 is in its spread.
  await page.check('#ctl-causal');
  await settle(page);
  r = await ranking(page);
  assert.notEqual(r.none.verdict, 'not at all');
  assertVerdicts(r, th);
  await page.fill('#ctl-seed', '42');
  await page.press('#ctl-seed', 'Enter');
  await settle(page);
  r = await ranking(page);
  assertVerdicts(r, th);
  for (const [name, d] of Object.entries(r)) assert.ok(d.min <= d.score && d.score <= d.max, `seed 42, ${name}: ${d.min} <= ${d.score} <= ${d.max}`);
  assert.match(await page.textContent('#order-weights'), /seed 42/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('shift headline: computed from shift_logit_change (rope and alibi do not notice; sinusoidal and learned do)', async () => {
  const { page, context, errors } = await open(browser, server.url + '/');
  const group = (g) => page.$eval(`#shift-headline [data-group="${g}"]`, (el) => el.textContent.split(', ').map((x) => x.replace(/ \(.*\)$/, '')));
  const quiet = await group('quiet'), notice = await group('notice');
  for (const n of ['rope', 'alibi']) assert.ok(quiet.includes(n), `${n} among those that do not notice: ${quiet}`);
  for (const n of ['sinusoidal', 'learned']) assert.ok(notice.includes(n), `${n} among those that notice: ${notice}`);
  const r = await ranking(page);
  for (const n of quiet) assert.equal(r[n].shift, 0, `${n} does not notice: its logits move by 0`);
  for (const n of notice) assert.ok(r[n].shift > 0, `${n} notices: its logits move by ${r[n].shift}`);
  assert.equal(quiet.length + notice.length, Object.keys(r).length, 'every scheme is in one group');
  assert.match(await page.textContent('#shift-headline'), /Shift every position by 16/);
  // The sentence variation that adds a word is not called a shift.
  assert.equal(await page.locator('#sentences button', { hasText: /^Shift$/ }).count(), 0);
  assert.equal(await page.locator('#sentences button', { hasText: 'Add a word in front' }).count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('presets: "Llama 3.1" sets rope with theta 500000 and llama3 scaling in the hash and the controls, with its source', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=alibi');
  const labels = await page.$$eval('#ctl-preset option', (os) => os.map((o) => o.textContent));
  for (const l of ['GPT-2', 'BERT', 'T5', 'Llama 2', 'Llama 3.1', 'Mistral / Qwen2', 'GPT-NeoX', 'Phi-3 mini 128k', 'BLOOM / MPT']) assert.ok(labels.some((x) => x.startsWith(l + ':')), `preset ${l} in ${labels}`);
  assert.match(await page.textContent('#controls .preset-sources'), /Phi-3.*96 wide/s);
  await page.selectOption('#ctl-preset', 'llama31');
  await settle(page);
  const hash = new URLSearchParams(new URL(page.url()).hash.slice(1));
  assert.equal(hash.get('scheme'), 'rope');
  assert.equal(hash.get('p.rope.theta'), '500000');
  assert.equal(hash.get('p.rope.scaling'), 'llama3');
  assert.equal(await page.inputValue('#ctl-scheme'), 'rope');
  assert.equal(await page.inputValue('#ctl-preset'), 'llama31', 'the selector shows the preset the state is on');
  assert.equal(await page.inputValue('input[id^="p-rope-theta"]'), '500000');
  assert.equal(await page.inputValue('select[id^="p-rope-scaling"]'), 'llama3');
  for (const [k, v] of [['factor', '8'], ['low_freq_factor', '1'], ['high_freq_factor', '4'], ['original_max', '8192']])
    assert.equal(await page.inputValue(`input[id^="p-rope-${k}-"]`), v, `rope ${k}`);
  assert.match(await page.textContent('#preset-source'), /meta-llama\/Llama-3\.1-8B: rope_theta 500000/);
  // The raw parameters are one click away: folded, and open on a click.
  const box = page.locator('#controls details.scheme-params-box').first();
  assert.equal(await box.evaluate((d) => d.open), false);
  await box.locator('summary').click();
  assert.equal(await box.evaluate((d) => d.open), true);
  // Another preset of the same scheme replaces every setting; a reload restores it.
  await page.selectOption('#ctl-preset', 'neox');
  await settle(page);
  const h2 = new URLSearchParams(new URL(page.url()).hash.slice(1));
  assert.equal(h2.get('p.rope.partial'), '0.25');
  assert.equal(h2.get('p.rope.theta'), null, 'Llama 3.1\'s theta is gone');
  assert.equal(h2.get('p.rope.scaling'), null);
  await page.reload();
  await page.waitForSelector('body.ready', { state: 'attached' });
  assert.equal(await page.inputValue('#ctl-preset'), 'neox');
  // Editing a raw parameter leaves the preset.
  await page.locator('#controls details.scheme-params-box summary').first().click();
  await page.fill('input[id^="p-rope-partial"]', '0.5');
  await page.press('input[id^="p-rope-partial"]', 'Enter');
  await settle(page);
  assert.equal(await page.inputValue('#ctl-preset'), '');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Phi-3 preset: longrope with its 48-number factor lists at 96-wide heads, computed without error', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=alibi&view=distance');
  await page.selectOption('#ctl-preset', 'phi3');
  await settle(page);
  const st = await page.evaluate(() => window.peApp.store.get());
  assert.equal(st.scheme, 'rope');
  assert.equal(st.dim / st.heads, 96, 'heads as wide as the model\'s');
  assert.equal(st.settings.rope.scaling, 'longrope');
  assert.equal(st.settings.rope.long_factor.split(',').length, 48);
  assert.equal(st.settings.rope.short_factor.split(',').length, 48);
  assert.equal(await page.inputValue('#ctl-preset'), 'phi3');
  // The engine takes it: scores for rope, and the table's frequencies are scaled by the lists.
  const r = await page.evaluate(() => {
    const s = window.peApp.store.get();
    const t = window.peApp.engine.table('rope', { len: 8, dim: 96, heads: 1, settings: s.settings.rope });
    const base = window.peApp.engine.table('rope', { len: 8, dim: 96, heads: 1, settings: { theta: '10000' } });
    return { inv: Array.from(t.inv_freq.data), base: Array.from(base.inv_freq.data), af: Array.from(t.attention_factor.data) };
  });
  assert.equal(r.inv.length, 48);
  assert.ok(Math.abs(r.inv[47] * 64.76000213623047 - r.base[47]) < 1e-12 * r.base[47] || Math.abs(r.inv[47] * 3.049999999999997 - r.base[47]) < 1e-12 * r.base[47], 'the last pair divided by its factor');
  assert.ok(Math.abs(r.af[0] - Math.sqrt(1 + Math.log(32) / Math.log(4096))) < 1e-6, `attention factor ${r.af[0]}`);
  const score = await page.evaluate(() => document.querySelector('#view-order li[data-scheme="rope"]').dataset.score);
  assert.ok(Number(score) > 0, `rope ranked: ${score}`);
  assert.equal(await page.locator('#view-distance .scheme-col[data-scheme="rope"] .message').count(), 0, 'no error in the distance view');
  assert.deepEqual(errors, []);
  await context.close();
});

test('linked hover: a cell of A highlights the same tokens in B (where they moved), in A − B and in the per-token ranking', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=sinusoidal&heads=1');
  await settle(page);
  const map = (title) => page.locator('#view-heatmaps svg.heatmap').filter({ has: page.locator('.chart-title', { hasText: title }) }).first();
  const bands = (loc) => loc.evaluate((svg) => ({
    rows: [...svg.querySelectorAll('.link-band[data-i]')].map((r) => Number(r.dataset.i)).sort(),
    cols: [...svg.querySelectorAll('.link-band[data-j]')].map((r) => Number(r.dataset.j)).sort(),
  }));
  // Query "chased" (A 2), key "dog" (A 1). In B ("the cat chased the dog") they are 2 and 4.
  await map('· A, head 0').locator('rect.cell[data-i="2"][data-j="1"]').hover();
  assert.deepEqual(await bands(map('· A, head 0')), { rows: [1, 2], cols: [1, 2] });
  assert.deepEqual(await bands(map('· B, head 0')), { rows: [2, 4], cols: [2, 4] }, 'B highlights where the words moved');
  assert.deepEqual(await bands(map('· A − B')), { rows: [1, 2], cols: [1, 2] });
  const breakdown = page.locator('#breakdown svg.heatmap');
  assert.deepEqual((await bands(breakdown)).cols, [1, 2], 'the per-token ranking highlights the same tokens');
  await page.mouse.move(2, 2);
  assert.deepEqual(await bands(map('· B, head 0')), { rows: [], cols: [] }, 'cleared when the pointer leaves');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the main picture: A | B | A − B of one head, side by side and above the fold on a 1280 x 800 screen', async () => {
  const { page, context, errors } = await open(browser, server.url + '/#scheme=rope', { contextOptions: { viewport: { width: 1280, height: 800 } } });
  await settle(page);
  const maps = await page.$$eval('#view-main svg.heatmap', (svgs) => svgs.map((s) => {
    const r = s.getBoundingClientRect();
    return { title: s.querySelector('.chart-title').textContent, top: Math.round(r.top), bottom: r.bottom, left: r.left, width: r.width };
  }));
  assert.deepEqual(maps.map((m) => m.title), ['rope · A, head 0', 'rope · B, head 0', 'rope · A − B, head 0']);
  assert.ok(maps.every((m) => m.top === maps[0].top), 'one row');
  assert.ok(maps[1].left > maps[0].left && maps[2].left > maps[1].left, 'A, B, A − B from left to right');
  assert.ok(maps.every((m) => m.bottom <= 800), `above the fold: bottoms ${maps.map((m) => Math.round(m.bottom))}`);
  assert.ok(maps.every((m) => m.width >= 240), 'big enough to read');
  // Its head picker sets the head in the link; the maps follow.
  await page.click('#view-main button:text-is("2")');
  await settle(page);
  assert.match(await page.evaluate(() => location.hash), /head=2/);
  assert.equal(await page.textContent('#view-main svg.heatmap .chart-title'), 'rope · A, head 2');
  assert.deepEqual(errors, []);
  await context.close();
});

test('motion on change: bars grow or shrink and cells change colour from where they were, never with reduced motion, never in an export', async () => {
  for (const reducedMotion of ['no-preference', 'reduce']) {
    const { page, context, errors } = await open(browser, server.url + '/#scheme=sinusoidal&b=the+dog+chased+the+cat', { contextOptions: { reducedMotion } });
    await settle(page);
    assert.equal(await page.locator('#view-order animate, #view-main animate').count(), 0, 'nothing moves on the first drawing');
    await page.locator('#sentences button', { hasText: /^Reverse/ }).click();
    // Read the drawing while it moves (a later redraw with the same numbers, such as the
    // seed spread arriving, continues the motion until it ends).
    if (reducedMotion === 'reduce') await settle(page);
    else await page.waitForFunction(() => document.querySelectorAll('#ranking svg.bars animate').length > 0 && document.querySelectorAll('#view-main animate').length > 0, null, { timeout: 5000 });
    const moving = await page.evaluate(() => ({
      bars: [...document.querySelectorAll('#ranking svg.bars animate')].map((a) => [a.getAttribute('attributeName'), Number(a.getAttribute('from')), Number(a.getAttribute('to'))]),
      cells: [...document.querySelectorAll('#view-main svg.heatmap rect.cell animate')].map((a) => [a.getAttribute('from'), a.getAttribute('to'), a.parentNode.getAttribute('fill')]),
    }));
    if (reducedMotion === 'reduce') {
      assert.deepEqual(moving, { bars: [], cells: [] }, 'reduced motion: nothing animates');
    } else {
      // B was A: every order-sensitive bar grew from zero width; the A − B cells left the zero colour.
      assert.ok(moving.bars.length >= 10, `${moving.bars.length} bars move`);
      assert.ok(moving.bars.every(([attr, from, to]) => attr === 'width' && from !== to));
      assert.ok(moving.cells.length > 0, 'cells change colour');
      assert.ok(moving.cells.every(([from, to, fill]) => from !== to && to === fill), 'each ends at the colour the map keeps');
      // (a finished animation stays in the drawing until the next redraw)
      assert.ok(await page.locator('#ranking svg.bars animate').count() > 0, 'the ranking on screen has motion');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#view-order [data-export="svg"]')]);
      const fs = await import('node:fs');
      assert.ok(!fs.readFileSync(await dl.path(), 'utf8').includes('<animate'), 'an exported figure is still');
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});
