// Embed mode and the "copy embed code" button. In embed mode (?embed, or embed=1 in the
// hash) the page shows one view (view=...) without the chrome; hide=controls,sentences,
// title,exports removes more. The page posts its height to the parent window as
// {type: "pe-playground:height", height} whenever it changes, so an iframe can size itself.
import { h } from '../dom.js';
import { HIDE_FLAGS } from '../state.js';

export const HEIGHT_MESSAGE = 'pe-playground:height';

// Views that read the sentences; an embed of any other view (a scheme's tables, its
// distance curve, its formula) leaves the sentences out: it shows only what it uses.
export const SENTENCE_VIEWS = new Set(['order', 'heatmaps', 'norms', 'pairs', 'lab']);

export function applyEmbed(st) {
  const b = document.body;
  b.classList.toggle('embed', st.embed);
  for (const f of ['controls', 'sentences', 'title', 'exports'])
    b.classList.toggle(`hide-${f}`, st.embed && (st.hide.includes(f) || (f === 'sentences' && !SENTENCE_VIEWS.has(st.view))));
}

let observer = null;
// The height of the content, not of the frame: an embed shrinks as well as grows (the
// document's scrollHeight never drops below the frame's own height).
export function contentHeight() {
  const b = document.body, cs = getComputedStyle(b);
  // bottom, not height: a first child's top margin collapses through the body.
  return Math.ceil(b.getBoundingClientRect().bottom + window.scrollY + parseFloat(cs.marginBottom));
}
export function postHeight() {
  if (window.parent === window || observer) return;
  let last = -1;
  const send = () => {
    const height = contentHeight();
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
    }
  };
  observer = new ResizeObserver(send);
  observer.observe(document.body);
  send();
}

const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const pageUrl = () => location.href.split('#')[0].split('?')[0];

// The embed's state: the current one, with the builder's view and hidden parts.
function embedHash(store, { view, hide }) {
  return store.hashOf({ embed: false, view, hide });
}

export function embedUrl(store, opts = { view: store.get().view, hide: store.get().hide }) {
  return `${pageUrl()}?embed#${embedHash(store, opts)}`;
}

// opts: {view, hide: [parts], height: 'auto' | pixels, kind: 'iframe' | 'element'}
export function embedCode(store, opts = {}) {
  const st = store.get();
  const o = { view: st.view, hide: st.hide, height: 'auto', kind: 'iframe', ...opts };
  if (o.kind === 'element') {
    // Every state key is an attribute of <pe-playground> (element/pe-playground.js).
    const attrs = [...new URLSearchParams(embedHash(store, o))].map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
    return `<script type="module" src="pe-playground.js"></script>\n<pe-playground${attrs}></pe-playground>`;
  }
  const fixed = o.height !== 'auto';
  const frame = `<iframe src="${esc(embedUrl(store, o))}" title="Positional encoding playground" width="100%" height="${fixed ? o.height : 480}" style="border:0" loading="lazy"></iframe>`;
  if (fixed) return frame;
  return frame + '\n' +
    `<script>addEventListener("message", (e) => { if (e.data && e.data.type === "${HEIGHT_MESSAGE}") for (const f of document.querySelectorAll("iframe")) if (f.contentWindow === e.source) f.style.height = e.data.height + "px"; });</script>`;
}

// The embed builder: pick the view, the parts to hide, the height and the kind of code;
// the code updates as you choose. From file:// an iframe would point at this computer's
// disk, so the builder says so and offers the element instead.
export function mountEmbedButton(root, store, viewLabels = {}) {
  const views = Object.keys(viewLabels).length ? viewLabels : { order: 'Order sensitivity' };
  const ids = { view: 'embed-view', height: 'embed-height', kind: 'embed-kind' };
  const viewSel = h('select', { id: ids.view }, Object.entries(views).map(([k, label]) => h('option', { value: k }, label)));
  const hideBoxes = HIDE_FLAGS.map((f) => h('input', { type: 'checkbox', value: f, id: `embed-hide-${f}` }));
  const heightSel = h('select', { id: ids.height }, [['auto', 'fits its content'], ['360', '360 px'], ['480', '480 px'], ['640', '640 px'], ['800', '800 px']].map(([v, t]) => h('option', { value: v }, t)));
  const kindSel = h('select', { id: ids.kind }, h('option', { value: 'iframe' }, 'iframe (this page, hosted)'), h('option', { value: 'element' }, '<pe-playground> element (dist/pe-playground.js)'));
  const out = h('textarea', { id: 'embed-code', readonly: true, rows: 5, 'aria-label': 'Embed code' });
  const warn = h('p', { class: 'notices', id: 'embed-warning', role: 'status', hidden: true });
  const status = h('span', { class: 'small', role: 'status' });
  const opts = () => ({ view: viewSel.value, hide: hideBoxes.filter((b) => b.checked).map((b) => b.value), height: heightSel.value, kind: kindSel.value });
  const update = () => {
    const o = opts();
    heightSel.disabled = o.kind === 'element';
    out.value = embedCode(store, o);
    const local = location.protocol === 'file:';
    warn.hidden = !(local && o.kind === 'iframe');
    warn.textContent = 'This page runs from a file on this computer (file://), so an iframe of it works only here. Put dist/ on a web server and copy the code from there, or choose the <pe-playground> element, which works from any page with dist/pe-playground.js beside it.';
  };
  const open = () => {
    const st = store.get();
    viewSel.value = st.view in views ? st.view : Object.keys(views)[0];
    for (const b of hideBoxes) b.checked = st.hide.includes(b.value);
    if (location.protocol === 'file:') kindSel.value = 'element';
    update();
  };
  const details = h('details', { class: 'embed-builder', id: 'embed-builder', ontoggle: () => details.open && open() },
    h('summary', null, 'Embed this view in an article'),
    h('div', { class: 'embed-form', onchange: update },
      h('label', { for: ids.view }, 'View '), viewSel,
      h('fieldset', null, h('legend', null, 'Hide'), hideBoxes.map((b) => h('label', { class: 'check' }, b, ` ${b.value}`))),
      h('label', { for: ids.height }, 'Height '), heightSel,
      h('label', { for: ids.kind }, 'Code '), kindSel),
    warn, out);
  const btn = h('button', { type: 'button', id: 'copy-embed' }, 'Copy embed code');
  btn.addEventListener('click', async () => {
    if (!details.open) { details.open = true; open(); }
    update();
    try {
      await navigator.clipboard.writeText(out.value);
      status.textContent = 'Copied. Paste it into your article.';
    } catch {
      out.select();
      status.textContent = 'Select the code below and copy it (the clipboard is not available here).';
    }
  });
  store.subscribe(() => details.open && update());
  root.append(details, btn, status);
}
