// The training lab: training in the Web Worker makes the loss fall; pause and resume
// (and single steps) give exactly the losses of an uninterrupted run; the page answers
// keystrokes while training; a downloaded model loads back with the same probe numbers;
// a corrupted file gets a message; bad lab settings in the hash fall back with a notice;
// the lab works without workers, from file:// and embedded. Models are tiny (d = 32, one
// layer, 30 steps) except where a test needs training to take a while.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, open, assertLocal, scores, settle, root, singleFileUrl, typingLatencies } from './helpers.mjs';

const TINY = 'lab.schemes=none,rope&lab.len=32&lab.steps=30&lab.batch=4&lab.dim=32&lab.heads=2&lab.layers=1';
const PRECOMPUTED = JSON.parse(fs.readFileSync(path.join(root, 'web/src/lab/precomputed.json'), 'utf8'));

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function grab(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: dl.suggestedFilename(), body: fs.readFileSync(await dl.path()) };
}
const exportJson = async (page) => JSON.parse((await grab(page, '#view-lab [data-export="json"]')).body.toString('utf8'));

const labStatus = (page) => page.$eval('#lab-status', (el) => ({ status: el.dataset.status, text: el.textContent }));

async function trainToEnd(page, timeout = 120000) {
  await page.click('#lab-train');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('#lab-status')?.dataset.status), null, { timeout });
  const s = await labStatus(page);
  assert.equal(s.status, 'done', s.text);
  return s;
}

// Steps done by the slowest model, from the status line ("Step 12 of 30 ...").
const stepsShown = async (page) => Number((await page.textContent('#lab-status')).match(/^Step (\d+)/)?.[1] ?? NaN);

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('before training: the precomputed results, labelled, with a sentence computed from them', async () => {
  const { page, context, requests, errors } = await open(browser, server.url + '/#view=lab');
  assert.equal(await page.getAttribute('#lab-source', 'data-source'), 'precomputed');
  assert.match(await page.textContent('#lab-source'), /precomputed results .*pe-cli lab/);
  // The table shows the shipped numbers.
  const cells = await page.$$eval('#lab-numbers td[data-loss]', (tds) => tds.map((td) => [td.closest('tr').dataset.scheme, Number(td.dataset.len), Number(td.dataset.loss)]));
  assert.ok(cells.length >= 5, `cells: ${cells.length}`);
  for (const [scheme, len, loss] of cells) assert.equal(loss, PRECOMPUTED.table[scheme][len].loss_mean, `${scheme} at ${len}`);
  // The sentence names the scheme with the lowest loss at the longest length, with its numbers.
  const far = Math.max(...PRECOMPUTED.lens), L = PRECOMPUTED.config.len;
  const ok = Object.entries(PRECOMPUTED.table).filter(([, row]) => row[far].applicable);
  const [best, row] = ok.sort((a, b) => a[1][far].loss_mean - b[1][far].loss_mean)[0];
  const said = await page.textContent('#lab-summary');
  assert.match(said, /^Precomputed: Trained at \d+ tokens/);
  assert.ok(said.includes(`${best} `) && said.includes(String(Number(row[L].loss_mean.toPrecision(3)))), `${best} in: ${said}`);
  assert.ok(said.includes('learned cannot read past'), said);
  assert.equal(await page.locator('#lab-extrap svg.lines').count(), 1);
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a short training run in the worker makes the loss fall and replaces the precomputed numbers', async () => {
  const { page, context, requests, errors } = await open(browser, `${server.url}/#view=lab&${TINY}`);
  const s = await trainToEnd(page);
  assert.match(s.text, /^Done in .* in a Web Worker\./);
  const json = await exportJson(page);
  assert.equal(json.source, 'live');
  assert.equal(json.runs.length, 2);
  for (const r of json.runs) {
    assert.equal(r.losses.length, 30);
    const first = mean(r.losses.slice(0, 3)), last = mean(r.losses.slice(-3));
    assert.ok(last < 0.9 * first, `${r.scheme}: loss ${first} -> ${last}`);
    for (const len of [32, 64, 128, 256]) assert.ok(Number.isFinite(r.eval[len].loss), `${r.scheme} evaluated at ${len}`);
  }
  assert.equal(await page.getAttribute('#lab-source', 'data-source'), 'live');
  assert.match(await page.textContent('#lab-summary'), /^Your run: Trained at 32 tokens and evaluated at up to 256/);
  // The trained models read the sentences (stories vocabulary has every word).
  const probe = await page.$$eval('#lab-probe li[data-scheme]', (lis) => lis.map((li) => [li.dataset.scheme, Number(li.dataset.score)]));
  assert.deepEqual(probe.map((p) => p[0]).sort(), ['none', 'rope']);
  assert.ok(probe.every(([, v]) => Number.isFinite(v) && v >= 0), JSON.stringify(probe));
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test('pause, resume and single steps give exactly the losses of an uninterrupted run', async () => {
  // Big enough that a step takes tens of milliseconds: the pause lands mid-run.
  const cfg = 'view=lab&lab.schemes=alibi,t5&lab.len=64&lab.steps=30&lab.batch=16&lab.dim=64&lab.heads=4&lab.layers=2';
  const { page, context, errors } = await open(browser, `${server.url}/#${cfg}`);
  await trainToEnd(page);
  const straight = await exportJson(page);

  await page.click('#lab-reset');
  await settle(page);
  assert.equal(await page.getAttribute('#lab-source', 'data-source'), 'precomputed', 'reset shows the precomputed results again');
  // Two single steps, then play, pause mid-run, wait, resume.
  await page.click('#lab-step');
  await page.waitForFunction(() => /^Step 1 of 30/.test(document.querySelector('#lab-status').textContent));
  await page.click('#lab-step');
  await page.waitForFunction(() => /^Step 2 of 30/.test(document.querySelector('#lab-status').textContent));
  await page.click('#lab-train');
  await page.waitForFunction(() => Number(document.querySelector('#lab-status').textContent.match(/^Step (\d+)/)?.[1]) >= 6);
  await page.click('#lab-train');   // now "Pause"
  await page.waitForFunction(() => document.querySelector('#lab-status').dataset.status === 'paused');
  await page.waitForTimeout(300);   // the chunk in flight when Pause was pressed lands
  const pausedAt = await stepsShown(page);
  await page.waitForTimeout(500);
  assert.equal(await stepsShown(page), pausedAt, 'nothing trains while paused');
  assert.ok(pausedAt < 30, `paused mid-run (at ${pausedAt})`);
  assert.equal(await page.textContent('#lab-train'), 'Resume');
  await trainToEnd(page);
  const interrupted = await exportJson(page);
  for (let k = 0; k < 2; k++) {
    assert.equal(interrupted.runs[k].scheme, straight.runs[k].scheme);
    assert.deepEqual(interrupted.runs[k].losses, straight.runs[k].losses, `${straight.runs[k].scheme}: same losses`);
    assert.deepEqual(interrupted.runs[k].eval, straight.runs[k].eval);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('the page answers keystrokes within 100 ms while training', async () => {
  const cfg = 'view=lab&lab.schemes=none,sinusoidal,rope,alibi&lab.len=64&lab.steps=400&lab.batch=8&lab.dim=64&lab.heads=4&lab.layers=2';
  const { page, context, errors } = await open(browser, `${server.url}/#${cfg}`);
  await page.click('#lab-train');
  await page.waitForFunction(() => Number(document.querySelector('#lab-status').textContent.match(/^Step (\d+)/)?.[1]) >= 2);
  const stepsBefore = await stepsShown(page);
  const latencies = await typingLatencies(page, '#sentence-a', ' and ran away', 120);
  const s = await labStatus(page);
  assert.equal(s.status, 'running', `still training: ${s.text}`);
  assert.ok((await stepsShown(page)) > stepsBefore, 'training went on while typing');
  assert.ok(Math.max(...latencies) < 100, `keystroke latencies (ms): ${latencies.map((x) => x.toFixed(1))}`);
  // The page took the edit (the ranking was recomputed for the new sentence).
  await page.waitForFunction(() => /and\+ran\+away/.test(location.hash));
  assert.match(await page.inputValue('#sentence-a'), /chased the cat and ran away$/);
  await page.click('#lab-reset');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a downloaded model loads back with the same probe numbers; the trained switch feeds every view', async () => {
  const first = await open(browser, `${server.url}/#${TINY}&view=lab`);
  await trainToEnd(first.page);
  await first.page.click('#lab-use-trained');
  await first.page.waitForFunction(() => /trained=1/.test(location.hash));
  await settle(first.page);
  const trained = await scores(first.page);
  assert.deepEqual(Object.keys(trained).sort(), ['none', 'rope'], 'the ranking lists the trained models');
  assert.match(await first.page.textContent('#order-lead'), /^Trained weights: 2 models from the lab \(stories/);
  // Heatmaps read the trained model too.
  await first.page.selectOption('#ctl-scheme', 'rope');
  await first.page.click('#tab-heatmaps');
  await settle(first.page);
  assert.match(await first.page.textContent('#view-heatmaps'), /Trained model, layer 0 of 1/);
  // Continuations from the trained model; an unknown word is a clear message.
  await first.page.click('#tab-lab');
  await first.page.fill('#lab-prompt', 'the dog');
  await first.page.click('#lab-sample-go');
  assert.match(await first.page.textContent('#lab-sample-out'), /^the dog ⟶ (\S+ ){23}\S+$/);
  await first.page.fill('#lab-prompt', 'the zebra');
  await first.page.click('#lab-sample-go');
  assert.match(await first.page.textContent('#lab-sample-out'), /'zebra' is not in the trained model's vocabulary/);

  await first.page.selectOption('#lab-download-scheme', 'rope');
  const file = await grab(first.page, '#lab-download');
  assert.equal(file.name, 'pe-lab-rope-stories.safetensors');
  const headerLen = Number(file.body.readBigUInt64LE(0));
  assert.ok(JSON.parse(file.body.subarray(8, 8 + headerLen).toString('utf8')), 'a safetensors header');
  await first.context.close();

  // A fresh page: load the file, switch to trained weights, same numbers.
  const second = await open(browser, `${server.url}/#view=lab`);
  await second.page.setInputFiles('#lab-load', { name: 'rope.safetensors', mimeType: 'application/octet-stream', buffer: file.body });
  await second.page.waitForFunction(() => /^Loaded "rope\.safetensors": a rope model trained on stories/.test(document.querySelector('#lab-model-msg').textContent));
  await second.page.click('#ctl-weights-trained');
  await settle(second.page);
  const loaded = await scores(second.page);
  assert.deepEqual(Object.keys(loaded), ['rope']);
  assert.equal(loaded.rope, trained.rope, 'same sentence distance from the loaded model');
  assertLocal(second.requests);
  assert.deepEqual([...first.errors, ...second.errors], []);
  await second.context.close();
});

test('a corrupted or foreign file gets a clear message and the page stays usable', async () => {
  const { page, context, errors } = await open(browser, `${server.url}/#view=lab`);
  const before = await scores(page);
  await page.setInputFiles('#lab-load', { name: 'notes.safetensors', mimeType: 'text/plain', buffer: Buffer.from('these are my notes, not a model') });
  await page.waitForFunction(() => /Could not load/.test(document.querySelector('#lab-model-msg').textContent));
  const msg = await page.textContent('#lab-model-msg');
  assert.match(msg, /^Could not load "notes\.safetensors": safetensors: .+\. The page keeps the models it had\.$/);
  // A real header whose tensors are cut off.
  const header = Buffer.from(JSON.stringify({ 'wte': { dtype: 'F32', shape: [129, 16], data_offsets: [0, 8256] } }));
  const cut = Buffer.concat([Buffer.alloc(8), header, Buffer.alloc(100)]);
  cut.writeBigUInt64LE(BigInt(header.length), 0);
  await page.setInputFiles('#lab-load', { name: 'cut.safetensors', mimeType: 'application/octet-stream', buffer: cut });
  await page.waitForFunction(() => /^Could not load "cut\.safetensors"/.test(document.querySelector('#lab-model-msg').textContent));
  assert.match(await page.textContent('#lab-model-msg'), /^Could not load "cut\.safetensors": .+/);
  // Still usable: nothing was added, and the page still computes.
  assert.equal(await page.locator('#lab-download').count(), 0, 'no model on the shelf');
  await page.fill('#sentence-b', 'the cat chased the dog .');
  await page.waitForFunction(() => /\.$/.test(document.querySelector('#sentence-b').value) && /b=.*\./.test(location.hash));
  await settle(page);
  const after = await scores(page);
  assert.notDeepEqual(after, before, 'the ranking followed the edit');
  assert.deepEqual(errors, []);
  await context.close();
});

test('nonsense lab settings in the hash fall back with a notice; bad pasted text gets a message', async () => {
  const { page, context, errors } = await open(browser, `${server.url}/#view=lab&lab.len=17&lab.schemes=none,bogus&lab.steps=0&lab.seeds=1,1&lab.task=zzz&lab.dim=64&lab.heads=3&trained=maybe`);
  const text = await page.textContent('#notices');
  for (const bit of ['lab.len="17"', 'lab.schemes="none,bogus"', 'lab.steps="0"', 'lab.seeds="1,1"', 'lab.task="zzz"', 'lab.heads="3"', 'trained="maybe"'])
    assert.ok(text.includes(bit), `notice mentions ${bit}: ${text}`);
  assert.equal(await page.inputValue('#lab-len'), '64');
  assert.equal(await page.inputValue('#lab-steps'), '200');
  assert.equal(await page.inputValue('#lab-task'), 'stories');
  assert.equal(await page.isChecked('#lab-scheme-alibi'), true, 'default schemes');

  await page.selectOption('#lab-task', 'text');
  await page.waitForSelector('#lab-text');
  assert.match(await page.textContent('#lab-form-msg'), /Paste a text to train on/);
  assert.equal(await page.isDisabled('#lab-train'), true, 'nothing to train on yet');
  const huge = 'word '.repeat(20001);
  await page.fill('#lab-text', huge);
  await page.waitForFunction(() => /The text has 100,005 characters; the lab trains on up to 100,000/.test(document.querySelector('#lab-form-msg').textContent));
  assert.equal(await page.getAttribute('#lab-text', 'aria-invalid'), 'true');
  // A short text of one's own trains.
  await page.fill('#lab-text', 'the owl saw the moon . the moon saw the owl . '.repeat(20));
  await page.waitForFunction(() => /lab\.text=the\+owl/.test(location.hash));
  await page.evaluate(() => window.peApp.store.set({ 'lab.schemes': ['alibi'], 'lab.steps': 10, 'lab.len': 32, 'lab.batch': 2, 'lab.dim': 16, 'lab.heads': 2, 'lab.layers': 1 }));
  await settle(page);
  await trainToEnd(page);
  assert.match(await page.textContent('#lab-summary'), /^Your run: Trained at 32 tokens/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without Web Workers the lab trains on the main thread', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => { delete window.Worker; });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/#view=lab&${TINY}`);
  await page.waitForSelector('body.ready', { state: 'attached' });
  const s = await trainToEnd(page);
  assert.match(s.text, /on the main thread \(this browser has no Web Workers\)/);
  const json = await exportJson(page);
  for (const r of json.runs) assert.ok(mean(r.losses.slice(-3)) < 0.9 * mean(r.losses.slice(0, 3)), `${r.scheme} loss fell`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('from file:// (the single file) and embedded, the lab trains in a blob: worker and nothing leaves the machine', async () => {
  const { page, context, requests, errors } = await open(browser, `${singleFileUrl}?embed#view=lab&hide=sentences&${TINY}`);
  assert.equal(await page.isVisible('#chrome-header'), false, 'embed: no chrome');
  assert.equal(await page.isVisible('#view-order'), false, 'embed: only the lab');
  assert.equal(await page.isVisible('#view-lab'), true);
  const s = await trainToEnd(page);
  assert.match(s.text, /in a Web Worker\./);
  assert.equal(await page.getAttribute('#lab-source', 'data-source'), 'live');
  assert.ok(requests.every((u) => u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:')), requests.join('\n'));
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});
