// Embed mode and the "copy embed code" button. In embed mode (?embed, or embed=1 in the
// hash) the page shows one view (view=...) without the chrome; hide=controls,sentences,
// title,exports removes more. The page posts its height to the parent window as
// {type: "pe-playground:height", height} whenever it changes, so an iframe can size itself.
import { h } from '../dom.js';

export const HEIGHT_MESSAGE = 'pe-playground:height';

export function applyEmbed(st) {
  const b = document.body;
  b.classList.toggle('embed', st.embed);
  for (const f of ['controls', 'sentences', 'title', 'exports']) b.classList.toggle(`hide-${f}`, st.embed && st.hide.includes(f));
}

let observer = null;
export function postHeight() {
  if (window.parent === window || observer) return;
  let last = -1;
  const send = () => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
    }
  };
  observer = new ResizeObserver(send);
  observer.observe(document.body);
  send();
}

export function embedUrl(store) {
  const st = store.get();
  const base = location.href.split('#')[0].split('?')[0];
  return `${base}?embed#${store.hashOf({ embed: false, view: st.view })}`;
}

export function embedCode(store) {
  return `<iframe src="${embedUrl(store).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" title="Positional encoding playground" width="100%" height="640" style="border:0" loading="lazy"></iframe>\n` +
    `<script>addEventListener("message", (e) => { if (e.data && e.data.type === "${HEIGHT_MESSAGE}") for (const f of document.querySelectorAll("iframe")) if (f.contentWindow === e.source) f.style.height = e.data.height + "px"; });</script>`;
}

export function mountEmbedButton(root, store) {
  const out = h('textarea', { id: 'embed-code', readonly: true, rows: 4, 'aria-label': 'Embed code' });
  const status = h('span', { class: 'small', role: 'status' });
  const btn = h('button', { type: 'button', id: 'copy-embed' }, 'Copy embed code');
  btn.addEventListener('click', async () => {
    out.value = embedCode(store);
    out.hidden = false;
    try {
      await navigator.clipboard.writeText(out.value);
      status.textContent = 'Copied. It embeds the current view; paste it into your article.';
    } catch {
      out.select();
      status.textContent = 'Select the code below and copy it (the clipboard is not available here).';
    }
  });
  out.hidden = true;
  root.append(btn, status, out);
}
