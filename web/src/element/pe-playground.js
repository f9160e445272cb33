// <pe-playground>: one view of the playground inline in an article, in a shadow root.
//   <pe-playground view="heatmaps" scheme="rope" vs="alibi" causal heads="4" hide="controls">
// Every state key of the page's URL hash (state.js) is an attribute with the same name
// and value (p.rope.theta="500000" too); a boolean key may be written bare (`causal`).
// Each element has its own store (state.js's createStore over its attributes instead of
// the hash), and every element on a page shares the one engine (engine.js caches it).
// It mounts the page's own view modules and runs the page's compute(); nothing is drawn
// here that the page does not draw. Unknown attributes are left alone (class, id, ...).
//   el.ready        -> Promise resolved after the first render
//   el.state        -> the current state (as store.get()); el.engine -> the shared engine
//   el.exportable() -> the shown view's numbers, as the page's export buttons get them
//   'change' event  (detail: {state, hash}) when the reader changes something
import { loadEngine } from '../engine.js';
import { createStore } from '../state.js';
import { h, clear } from '../dom.js';
import { SENTENCE_VIEWS } from '../views/embed.js';
import { createComputer, drawnState, statusText } from '../computer.js';
import { mountNorms } from '../views/norms.js';
import { mountPairs } from '../views/pairs.js';
import { createShelf } from '../lab/models.js';
import { exportBar, figureCaption } from '../exports.js';
import { mountSentences } from '../views/sentences.js';
import { mountControls } from '../views/controls.js';
import { mountOrder } from '../views/order.js';
import { mountHeatmaps } from '../views/heatmaps.js';
import { mountAdds } from '../views/adds.js';
import { mountDistance } from '../views/distance.js';
import { mountLength } from '../views/length.js';
import { mountExplain } from '../views/explain.js';
import { mountLab } from '../views/lab.js';
import { adoptStyles } from './styles.js';

const TITLES = {
  order: 'Order sensitivity of every scheme', heatmaps: 'Attention heatmaps', adds: 'What the scheme adds',
  distance: 'Score vs distance', length: 'Length', norms: 'Norm and direction', pairs: 'Which frequencies carry the score',
  explain: 'Explanation', lab: 'Training lab',
};
const MOUNTS = { order: mountOrder, heatmaps: mountHeatmaps, adds: mountAdds, distance: mountDistance, length: mountLength, norms: mountNorms, pairs: mountPairs, explain: mountExplain };

// The state keys, taken from the store itself: {name: default}.
let keyInfo = null;
function stateKeys(engine) {
  keyInfo ||= createStore(engine.schemes(), { source: { read: () => '', write() {} } }).fields;
  return keyInfo;
}
const isStateKey = (fields, name) => name in fields || name.startsWith('p.');

// The element's attributes as hash text (URLSearchParams), bare booleans as 1.
function attributesText(el, fields) {
  const p = new URLSearchParams();
  for (const { name, value } of el.attributes) {
    if (!isStateKey(fields, name)) continue;
    p.set(name, value === '' && typeof fields[name]?.def === 'boolean' ? '1' : value);
  }
  return p.toString();
}

export class PePlayground extends HTMLElement {
  constructor() {
    super();
    this._shadow = this.attachShadow({ mode: 'open' });
    adoptStyles(this._shadow);
    this._root = h('div', { class: 'pe-root', part: 'root' },
      h('p', { class: 'pe-loading small', part: 'loading', role: 'status' }, 'Loading the engine…'));
    this._shadow.append(this._root);
    let resolve, reject;
    this.ready = new Promise((res, rej) => ((resolve = res), (reject = rej)));
    this._ready = { resolve, reject };
    this._started = false;
  }

  // The page-wide engine (engine.js), once ready resolved.
  get engine() {
    return this._engine ?? null;
  }

  get state() {
    return this._store?.get();
  }

  exportable() {
    return this._views?.[this._store.get().view]?.exportable?.() ?? null;
  }

  connectedCallback() {
    if (this._started) return;
    this._started = true;
    loadEngine().then((engine) => this._start(engine)).then(this._ready.resolve, (e) => {
      clear(this._root).append(h('p', { class: 'error', role: 'alert', part: 'loading' }, `The engine could not start: ${e.message}`));
      this._ready.reject(e);
    });
  }

  _start(engine) {
    this._engine = engine;
    const fields = stateKeys(engine);
    // The state text: the attributes, then the reader's changes; an attribute change
    // replaces only its own key, so what the reader set elsewhere stays.
    let text = attributesText(this, fields);
    const source = {
      read: () => text,
      write: (t) => {
        text = t;
        this.dispatchEvent(new CustomEvent('change', { bubbles: true, detail: { state: store.get(), hash: t } }));
      },
    };
    const store = createStore(engine.schemes(), { source });
    const shelf = createShelf(engine);
    this._store = store;
    new MutationObserver((records) => {
      const p = new URLSearchParams(text);
      let changed = false;
      for (const { attributeName: name } of records) {
        if (!isStateKey(fields, name)) continue;
        changed = true;
        const v = this.getAttribute(name);
        if (v === null) p.delete(name);
        else p.set(name, v === '' && typeof fields[name]?.def === 'boolean' ? '1' : v);
      }
      if (!changed) return;
      text = p.toString();
      store.reload();
    }).observe(this, { attributes: true });

    const notices = h('div', { class: 'notices', part: 'notices', role: 'alert', hidden: true });
    const busy = h('p', { class: 'busy small', part: 'busy', role: 'status', 'aria-live': 'polite', hidden: true });
    const sentencesBox = h('section', { class: 'panel chrome-sentences', part: 'sentences', 'aria-label': 'Sentences' });
    const viewsBox = h('div');
    const controlsBox = h('section', { class: 'panel chrome-controls', part: 'controls', 'aria-label': 'Controls' });
    clear(this._root).append(notices, sentencesBox, busy, viewsBox, controlsBox);
    const sentences = mountSentences(sentencesBox, store);
    const controls = mountControls(controlsBox, store, engine, shelf);
    const exportMsg = (m) => sentences.message('a', `Export failed: ${m}`);
    // An exported figure says what it shows: the state of the result drawn.
    const caption = () => { const sh = this._computer.shown(); return figureCaption(drawnState(store.get(), sh.st), engine, sh.result); };

    // A view is mounted the first time it is shown.
    const views = (this._views = {});
    const sections = {};
    const viewOf = (k) => {
      if (views[k]) return views[k];
      const title = h('h2', { id: `pe-title-${k}`, part: 'title' }, TITLES[k]);
      const section = (sections[k] = h('section', { class: `view panel view-${k}`, part: 'view', 'aria-labelledby': title.id }, title));
      viewsBox.append(section);
      views[k] = k === 'lab' ? mountLab(section, store, engine, shelf) : MOUNTS[k](section, store, engine);
      if (views[k].exportable) title.after(exportBar(() => views[k].exportable(), exportMsg, caption));
      return views[k];
    };

    let frame = 0;
    const computer = (this._computer = createComputer(engine, shelf, {
      onResult: () => schedule(),
      onStatus: (s) => {
        busy.textContent = statusText(s);
        busy.hidden = !s;
      },
    }));
    const render = () => {
      frame = 0;
      const current = store.get();
      clear(notices);
      notices.hidden = !store.notices.length;
      if (store.notices.length)
        notices.append(h('p', null, h('strong', null, 'Some attribute values were not valid and were replaced by defaults:')),
          h('ul', null, store.notices.map((n) => h('li', null, n))));
      // Until the newest result arrives, the views draw the state of the one they have.
      const { result, st, stale, fresh } = computer.frame(current);
      viewsBox.classList.toggle('stale', stale);
      viewsBox.setAttribute('aria-busy', String(stale));
      if (fresh && result) sentences.message(result.which, result.ok ? '' : result.message);
      const hide = (f) => st.hide.includes(f);
      sentencesBox.hidden = hide('sentences') || !SENTENCE_VIEWS.has(st.view);   // only what the view uses
      controlsBox.hidden = hide('controls');
      if (!sentencesBox.hidden) sentences.render(current);
      if (!hide('controls')) controls.render(current);
      const view = viewOf(st.view);
      for (const [k, section] of Object.entries(sections)) {
        section.hidden = k !== st.view;
        section.querySelector(':scope > h2').hidden = hide('title');
        const bar = section.querySelector(':scope > .exports');
        if (bar) bar.hidden = hide('exports');
      }
      view.render(st, st.view === 'lab' ? computer.labProbe(st, result) : result);
      this._root.classList.add('ready');
    };
    const schedule = () => (frame ||= requestAnimationFrame(render));
    store.subscribe(schedule);
    shelf.subscribe(schedule);
    render();
  }
}

export function definePlayground(name = 'pe-playground') {
  if (!customElements.get(name)) customElements.define(name, name === 'pe-playground' ? PePlayground : class extends PePlayground {});
  return customElements.get(name);
}
