// The page: loads the engine once, builds the state from the URL hash, mounts one
// module per view, and redraws on every state change (at most once per frame). The
// probe runs only when something it reads changes; views that only change the drawing
// (head, tab, length) reuse the last result. The lab's trained models sit on one shelf
// (lab/models.js): with the "trained" switch on, the probe views read them.
import './styles.css';
import { loadEngine } from './engine.js';
import { createStore } from './state.js';
import { h, clear } from './dom.js';
import { createComputer, drawnState, statusText, probeKey } from './computer.js';
import firstView from './generated/first-view.json';
import { createShelf } from './lab/models.js';
import { exportBar, figureCaption } from './exports.js';
import { mountSentences } from './views/sentences.js';
import { mountControls } from './views/controls.js';
import { mountOrder } from './views/order.js';
import { mountHeatmaps } from './views/heatmaps.js';
import { mountAdds } from './views/adds.js';
import { mountDistance } from './views/distance.js';
import { mountLength } from './views/length.js';
import { mountExplain } from './views/explain.js';
import { mountNorms } from './views/norms.js';
import { mountPairs } from './views/pairs.js';
import { mountGuide } from './views/guide.js';
import { mountLab } from './views/lab.js';
import { applyEmbed, postHeight, mountEmbedButton } from './views/embed.js';

const TAB_LABELS = { heatmaps: 'Attention heatmaps', adds: 'What the scheme adds', distance: 'Score vs distance', length: 'Length', norms: 'Norm and direction', pairs: 'Frequencies of a score', explain: 'Explanation', lab: 'Training lab' };
const $ = (id) => document.getElementById(id);

function showNotices(store) {
  const box = $('notices');
  clear(box);
  if (!store.notices.length) return (box.hidden = true);
  box.hidden = false;
  box.append(h('p', null, h('strong', null, 'Some values in the link were not valid and were replaced by defaults:')),
    h('ul', null, store.notices.map((n) => h('li', null, n))),
    h('button', { type: 'button', onclick: () => store.dismissNotices() }, 'Dismiss'));
}

function fatal(message) {
  const box = $('notices');
  box.hidden = false;
  box.append(h('p', { class: 'error' }, message));
}

// The first view before the engine has started: the default state's numbers were
// computed at build time (scripts/make-first-view.mjs), so when the link asks for that
// state the ranking and the heatmaps draw at once, with the same view modules; start()
// replaces them with live ones (same numbers) when the engine is up.
function revive(result) {
  for (const part of [result.ranking, result.detail])
    for (const sc of Object.values(part.schemes))
      for (const k of ['attention', 'attention_compare']) if (Array.isArray(sc[k])) sc[k] = Float32Array.from(sc[k]);
  return result;
}
function firstPaint() {
  try {
    const stub = { schemes: () => firstView.schemes, simd: true };
    const store = createStore(firstView.schemes);
    const st = store.get();
    if (probeKey(st, 0) !== firstView.key || st.embed || !['heatmaps', 'order'].includes(st.view)) return null;
    const result = revive(structuredClone(firstView.result));
    const slot = (id) => $(id).appendChild(h('div', { class: 'first-paint' }));
    mountSentences(slot('sentences'), store).render(st);
    mountHeatmaps(slot('view-main'), store, stub, { main: true }).render(st, result);
    mountOrder(slot('view-order'), store, stub).render(st, result);
    if (st.view === 'heatmaps') {
      $('view-heatmaps').hidden = false;
      mountHeatmaps(slot('view-heatmaps'), store, stub).render(st, result);
    }
    $('loading').textContent = 'Starting the engine (the numbers below were computed when the page was built)…';
    document.body.dataset.firstPaint = String(performance.now());
    return { key: firstView.key, st, result };
  } catch (e) {
    for (const el of document.querySelectorAll('.first-paint')) el.remove();
    return null;
  }
}

async function start() {
  const first = firstPaint();
  const engine = await loadEngine();
  for (const el of document.querySelectorAll('.first-paint')) el.remove();
  let peComputer = null;
  const store = createStore(engine.schemes());
  const shelf = createShelf(engine);
  const sentences = mountSentences($('sentences'), store);
  const controls = mountControls($('controls'), store, engine, shelf);
  const mainPicture = mountHeatmaps($('view-main'), store, engine, { main: true });
  const guide = mountGuide($('guide'), store);
  const order = mountOrder($('view-order'), store, engine);
  const detail = {
    heatmaps: mountHeatmaps($('view-heatmaps'), store, engine),
    adds: mountAdds($('view-adds'), store, engine),
    distance: mountDistance($('view-distance'), store, engine),
    length: mountLength($('view-length'), store, engine),
    norms: mountNorms($('view-norms'), store, engine),
    pairs: mountPairs($('view-pairs'), store, engine),
    explain: mountExplain($('view-explain'), store, engine),
    lab: mountLab($('view-lab'), store, engine, shelf),
  };
  mountEmbedButton($('embed-tools'), store, { order: 'Order sensitivity', ...TAB_LABELS });
  const exportMsg = (m) => sentences.message('a', `Export failed: ${m}`);
  // An exported figure says what it shows: the state of the result drawn.
  const caption = () => { const sh = peComputer.shown(); return figureCaption(drawnState(store.get(), sh.st), engine, sh.result); };
  $('order-h').after(exportBar(() => order.exportable(), exportMsg, caption));
  for (const [k, v] of Object.entries(detail)) {
    if (!v.exportable) continue;
    const bar = exportBar(() => v.exportable(), exportMsg, caption);
    const heading = $(`view-${k}`).querySelector(':scope > h2');
    if (heading) heading.after(bar);
    else $(`view-${k}`).prepend(bar);
  }

  // Tabs for the detail views (the ranking stays on top).
  const tabs = $('tabs');
  const tabButtons = Object.keys(TAB_LABELS).map((k) => h('button', {
    type: 'button', role: 'tab', id: `tab-${k}`, 'aria-controls': `view-${k}`, 'data-view': k,
    onclick: () => store.set({ view: k }),
    onkeydown: (e) => {
      const keys = Object.keys(TAB_LABELS);
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      const next = keys[(keys.indexOf(k) + d + keys.length) % keys.length];
      store.set({ view: next });
      $(`tab-${next}`).focus();
    },
  }, TAB_LABELS[k]));
  tabs.append(...tabButtons);

  let frame = 0;
  const busy = $('busy');
  const computer = (peComputer = createComputer(engine, shelf, {
    onResult: () => schedule(),
    onStatus: (s) => {
      busy.textContent = statusText(s);
      busy.hidden = !s;
      document.body.toggleAttribute('data-busy', Boolean(s));
    },
  }));

  if (first) computer.seed(first.key, first.st, first.result);

  function render() {
    frame = 0;
    const current = store.get();
    applyEmbed(current);
    showNotices(store);
    // Until the newest result arrives, the views draw the state of the one they have.
    const { result, st, stale, fresh } = computer.frame(current);
    for (const v of document.querySelectorAll('.view')) v.setAttribute('aria-busy', String(stale));
    document.body.classList.toggle('stale', stale);
    if (fresh && result) sentences.message(result.which, result.ok ? '' : result.message);
    sentences.render(current);
    controls.render(current);
    const active = st.view === 'order' && !st.embed ? 'heatmaps' : st.view;
    document.body.dataset.view = st.view;
    const orderShown = !st.embed || st.view === 'order';
    $('view-main').hidden = $('guide').hidden = st.embed;
    if (!st.embed) {
      mainPicture.render(st, result);
      guide.render(current, st, result);
    }
    if (orderShown) order.render(st, result);
    for (const b of tabButtons) {
      const on = b.dataset.view === active;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    for (const k of Object.keys(detail)) {
      const panel = $(`view-${k}`);
      panel.hidden = k !== active || (st.embed && st.view === 'order');
      if (panel.hidden) continue;
      detail[k].render(st, k === 'lab' ? computer.labProbe(st, result) : result);
    }
    $('loading')?.remove();
    document.body.classList.add('ready');
  }
  const schedule = () => (frame ||= requestAnimationFrame(render));
  // In-page links to a view (the intro's link to the lab) keep the rest of the state.
  document.addEventListener('click', (e) => {
    const a = e.target.closest?.('a[href^="#view="]');
    if (!a) return;
    e.preventDefault();
    store.set({ view: a.getAttribute('href').slice(6) });
    $(`tab-${store.get().view}`)?.focus();
  });
  store.subscribe(schedule);
  shelf.subscribe(schedule);
  addEventListener('hashchange', () => store.reload());
  render();
  postHeight();
  return { engine, store, shelf, lab: detail.lab, computer };
}

window.addEventListener('error', (e) => fatal(`Unexpected error: ${e.message}`));
start().then((app) => {
  // For the browser tests and the console: the running page's state and engine.
  window.peApp = app;
}).catch((e) => {
  $('loading').textContent = '';
  fatal(`The engine could not start: ${e.message}`);
});
