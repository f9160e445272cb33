// The two sentences and the one-click variations of B: swap two words (click one, then
// another), reverse, shuffle (seeded), add a word in front ("pad"; not the shift probe,
// which moves positions without changing words), copy A. Words here are the
// whitespace-separated pieces of the text; the core's tokens are shown by the other views.
import { h, clear } from '../dom.js';
import { shuffled } from '../compute.js';
import { MAX_SENTENCE_CHARS } from '../state.js';

const words = (t) => t.split(/\s+/).filter(Boolean);

export function mountSentences(root, store) {
  // maxlength: the longest text the URL hash accepts back (state.js), so what is typed reloads
  const inputA = h('textarea', { id: 'sentence-a', rows: 2, spellcheck: 'false', 'aria-describedby': 'sentence-msg', maxlength: String(MAX_SENTENCE_CHARS) });
  const inputB = h('textarea', { id: 'sentence-b', rows: 2, spellcheck: 'false', 'aria-describedby': 'sentence-msg', maxlength: String(MAX_SENTENCE_CHARS) });
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Words of sentence B: click two to swap them' });
  const msg = h('p', { id: 'sentence-msg', class: 'message', role: 'status', 'aria-live': 'polite' });
  let picked = -1;
  let shuffles = 0;

  // One timer per sentence: typing in A must not drop B's edit. The value is taken when
  // typed, and a render never overwrites a field whose edit is still pending (a quick
  // change elsewhere within the 60 ms used to reset the field and lose the edit).
  const timers = { a: 0, b: 0 };
  const cancel = (key) => {
    clearTimeout(timers[key]);
    timers[key] = 0;
  };
  const setB = (text) => {
    picked = -1;
    cancel('b');
    store.set({ b: text });
  };
  const btn = (label, title, fn) => h('button', { type: 'button', title, onclick: fn }, label);
  const variations = h('div', { class: 'buttons', role: 'group', 'aria-label': 'Variations of sentence B' },
    btn('Copy A', 'Sentence B becomes a copy of A', () => setB(store.get().a)),
    btn('Reverse', 'Reverse the words of B', () => setB(words(store.get().b).reverse().join(' '))),
    btn('Shuffle', 'Shuffle the words of B (seeded by the seed control)', () => setB(shuffled(words(store.get().b), store.get().seed + 7919 * ++shuffles).join(' '))),
    btn('Add a word in front', 'Put the word "pad" in front of B. This changes the words, not only the positions; the shift probe (Shift K) moves every position without changing a word', () => setB('pad ' + store.get().b)),
    btn('Reset', 'Both sentences back to the defaults', () => {
      cancel('a');
      cancel('b');
      store.set({ a: store.fields.a.def, b: store.fields.b.def });
    }));

  root.append(
    h('div', { class: 'sentence-row' }, h('label', { for: 'sentence-a' }, 'Sentence A'), inputA),
    h('div', { class: 'sentence-row' }, h('label', { for: 'sentence-b' }, 'Sentence B'), inputB),
    h('div', { class: 'variations' }, h('span', { class: 'small' }, 'Swap two words of B (click one, then another):'), chips),
    variations,
    msg,
  );

  const onInput = (key, el) => () => {
    clearTimeout(timers[key]);
    const value = el.value;
    timers[key] = setTimeout(() => {
      timers[key] = 0;
      store.set({ [key]: value });
    }, 60);
  };
  inputA.addEventListener('input', onInput('a', inputA));
  inputB.addEventListener('input', onInput('b', inputB));

  function renderChips(st) {
    clear(chips);
    const ws = words(st.b);
    if (ws.length > 40) {
      chips.append(h('span', { class: 'small' }, `(${ws.length} words: too many to list; edit the text)`));
      return;
    }
    ws.forEach((w, k) => {
      chips.append(h('button', {
        type: 'button', class: 'chip' + (k === picked ? ' picked' : ''), 'aria-pressed': String(k === picked),
        'data-word': k, title: picked < 0 ? `Pick "${w}" to swap` : `Swap with "${ws[picked]}"`,
        onclick: () => {
          if (picked < 0 || picked === k) {
            picked = picked === k ? -1 : k;
            renderChips(store.get());
            chips.querySelector(`[data-word="${k}"]`)?.focus();
            return;
          }
          const next = [...ws];
          [next[picked], next[k]] = [next[k], next[picked]];
          setB(next.join(' '));
          chips.querySelector(`[data-word="${k}"]`)?.focus();
        },
      }, w));
    });
  }

  return {
    render(st) {
      if (inputA.getRootNode().activeElement !== inputA && !timers.a && inputA.value !== st.a) inputA.value = st.a;
      if (inputB.getRootNode().activeElement !== inputB && !timers.b && inputB.value !== st.b) inputB.value = st.b;
      renderChips(st);
    },
    message(which, text) {
      msg.textContent = text || '';
      inputA.setAttribute('aria-invalid', String(Boolean(text) && which === 'a'));
      inputB.setAttribute('aria-invalid', String(Boolean(text) && which === 'b'));
    },
  };
}
