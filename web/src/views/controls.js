// Controls: width, heads, seed, causal mask, shift K, the scheme picker, the side-by-side
// scheme, and each picked scheme's own parameters, built from engine.schemes() params
// (kind, default, range or choices, help). Nothing here knows a scheme by name.
// The weights switch picks random (seeded) weights or the lab's trained models.
// Presets (presets.js) come first: a published model's settings in one choice, with the
// config it comes from; the raw parameters stay one click away in their folded boxes.
import { h, clear, uid } from '../dom.js';
import { DIMS, HEADS } from '../state.js';
import { PRESETS, PRESET_NOTE } from './presets.js';

function select(id, options, value, onchange) {
  const el = h('select', { id, onchange: (e) => onchange(e.target.value) });
  for (const [v, label] of options) el.append(h('option', { value: v, selected: String(v) === String(value) }, label));
  return el;
}

function paramControl(scheme, spec, store) {
  const id = uid(`p-${scheme}-${spec.key}`);
  const help = h('span', { class: 'help', id: id + '-help' }, spec.help);
  const err = h('span', { class: 'field-error', id: id + '-err', role: 'alert' });
  const value = store.setting(scheme, spec.key);
  const commit = (v, el) => {
    try {
      store.setSetting(scheme, spec.key, v);
      err.textContent = '';
      el.removeAttribute('aria-invalid');
    } catch (e) {
      err.textContent = `${spec.key}: ${e.message}`;
      el.setAttribute('aria-invalid', 'true');
    }
  };
  let input;
  if (spec.kind === 'boolean') {
    input = h('input', { type: 'checkbox', id, checked: value === 'true', 'aria-describedby': id + '-help' });
    input.addEventListener('change', () => commit(input.checked ? 'true' : 'false', input));
    return h('div', { class: 'field check' }, input, h('label', { for: id }, spec.key), help, err);
  }
  if (spec.kind === 'choice') {
    input = select(id, spec.choices.map((c) => [c, c]), value, (v) => commit(v, input));
    input.setAttribute('aria-describedby', id + '-help');
  } else {
    const numeric = spec.kind === 'number' || spec.kind === 'integer';
    input = h('input', {
      id, type: numeric ? 'number' : 'text', value, 'aria-describedby': `${id}-help ${id}-err`,
      min: numeric && Number.isFinite(spec.min) ? spec.min : null,
      max: numeric && Number.isFinite(spec.max) ? spec.max : null,
      step: spec.kind === 'integer' ? 1 : numeric ? 'any' : null,
      inputmode: spec.kind === 'list' ? 'decimal' : null,
    });
    input.addEventListener('change', () => commit(input.value, input));
  }
  const range = spec.kind === 'choice' ? '' : spec.kind === 'list' ? ` (items in [${spec.min}, ${spec.max}])` : ` ${spec.min_exclusive ? '(' : '['}${spec.min}, ${spec.max}]`;
  return h('div', { class: 'field' }, h('label', { for: id }, spec.key, h('span', { class: 'range' }, range)), input, help, err);
}

export function mountControls(root, store, engine, shelf = null) {
  const schemes = engine.schemes();
  const presets = PRESETS.filter((p) => schemes.some((x) => x.name === p.scheme));
  // The preset the state is on: its scheme, and every parameter at the preset's value
  // (or the default where the preset names none).
  const change = (p) => ({ patch: { scheme: p.scheme, ...(p.state || {}) }, settings: { [p.scheme]: p.settings } });
  const presetOf = (st) => presets.find((p) => store.matches(st, change(p))) || null;
  const applyPreset = (id) => {
    const p = presets.find((x) => x.id === id);
    if (p) store.apply(change(p));
  };
  const global = h('div', { class: 'control-grid' });
  const params = h('div', { class: 'params' });
  root.append(global, params);
  let paramsKey = '';
  const openBoxes = new Set();

  function renderGlobal(st) {
    clear(global);
    const field = (label, id, el, help) => h('div', { class: 'field' }, h('label', { for: id }, label), el, help ? h('span', { class: 'help' }, help) : null);
    const opts = schemes.map((x) => [x.name, `${x.name}: ${x.title}`]);
    const seedIn = h('input', { id: 'ctl-seed', type: 'number', min: 0, max: 4294967295, step: 1, value: st.seed });
    seedIn.addEventListener('change', () => {
      const v = Number(seedIn.value);
      if (Number.isInteger(v) && v >= 0 && v <= 4294967295) store.set({ seed: v });
      else seedIn.value = store.get().seed;
    });
    const shiftIn = h('input', { id: 'ctl-shift', type: 'number', min: 0, max: 4096, step: 1, value: st.shift });
    shiftIn.addEventListener('change', () => {
      const v = Number(shiftIn.value);
      if (Number.isInteger(v) && v >= 0 && v <= 4096) store.set({ shift: v });
      else shiftIn.value = store.get().shift;
    });
    const causal = h('input', { id: 'ctl-causal', type: 'checkbox', checked: st.causal, onchange: (e) => store.set({ causal: e.target.checked }) });
    const trainedNames = shelf ? shelf.schemes() : [];
    const radio = (value, label) => h('label', { class: 'radio' },
      h('input', { type: 'radio', name: 'ctl-weights', id: `ctl-weights-${value}`, value, checked: st.trained === (value === 'trained'), onchange: () => store.set({ trained: value === 'trained' }) }), label);
    const weights = h('fieldset', { class: 'field weights', 'aria-describedby': 'weights-help' },
      h('legend', null, 'Weights'),
      radio('random', 'random (seeded)'), radio('trained', 'trained in the lab'),
      h('span', { class: 'help', id: 'weights-help' }, trainedNames.length
        ? `Trained: ${trainedNames.join(', ')}. Width, heads, seed and the causal mask apply to random weights only.`
        : 'No trained model yet: train in the "Training lab" tab or load a model file there.'));
    const current = presetOf(st);
    const presetSel = select('ctl-preset', [['', current ? '(custom)' : '(custom settings)'], ...presets.map((p) => [p.id, `${p.label}: ${p.scheme}`])], current?.id || '', applyPreset);
    presetSel.setAttribute('aria-describedby', 'preset-source');
    for (const o of presetSel.options) {
      const p = presets.find((x) => x.id === o.value);
      if (p) o.title = p.source;
    }
    const sources = h('details', { class: 'preset-sources' }, h('summary', null, 'Sources of the presets'),
      h('ul', null, presets.map((p) => h('li', null, h('strong', null, p.label), `: ${p.source}.`))), h('p', null, PRESET_NOTE));
    const presetField = h('div', { class: 'field preset' }, h('label', { for: 'ctl-preset' }, 'Preset (a published model)'), presetSel,
      h('span', { class: 'help preset-note', id: 'preset-source' }, current ? `Source: ${current.source}.` : 'Pick a model to set the scheme and its settings; the raw parameters are below.'),
      sources);
    global.append(
      presetField,
      weights,
      field('Scheme', 'ctl-scheme', select('ctl-scheme', opts, st.scheme, (v) => store.set({ scheme: v }))),
      field('Side by side with', 'ctl-vs', select('ctl-vs', [['', '(off)'], ...opts], st.vs, (v) => store.set({ vs: v }))),
      field('Width d', 'ctl-dim', select('ctl-dim', DIMS.filter((d) => d % st.heads === 0).map((d) => [d, String(d)]), st.dim, (v) => store.set({ dim: Number(v) }))),
      field('Heads H', 'ctl-heads', select('ctl-heads', HEADS.filter((x) => st.dim % x === 0).map((x) => [x, String(x)]), st.heads, (v) => store.set({ heads: Number(v) }))),
      field('Seed', 'ctl-seed', seedIn, 'weights, embeddings, seeded tables'),
      field('Shift K', 'ctl-shift', shiftIn, 'positions moved for the shift probe'),
      h('div', { class: 'field check' }, causal, h('label', { for: 'ctl-causal' }, 'Causal mask'),
        h('span', { class: 'help', id: 'causal-why' }, 'Without position, attention is permutation-equivariant; the mask lets token i see only tokens 0..i, so even "none" learns order from how many tokens each one sees.')),
    );
  }

  function renderParams(st) {
    const picked = [st.scheme, st.vs].filter((n, k, arr) => n && arr.indexOf(n) === k);
    const key = JSON.stringify([picked, picked.map((n) => st.settings[n] || {})]);
    if (key === paramsKey) return;
    paramsKey = key;
    const focused = root.getRootNode().activeElement?.id;
    clear(params);
    for (const name of picked) {
      const info = schemes.find((x) => x.name === name);
      if (!info) continue;
      const changed = Object.keys(st.settings[name] || {}).length;
      // On a preset the raw parameters fold away (one click on the summary opens them).
      const preset = name === st.scheme ? presetOf(st) : null;
      const open = openBoxes.has(name) || (!preset && (info.params.length <= 4 || changed > 0));
      const box = h('details', { class: 'scheme-params-box', open },
        h('summary', null, `${info.name} parameters (${info.params.length}${changed ? `, ${changed} changed` : ''}${preset ? `: the ${preset.label} preset` : ''})`));
      box.addEventListener('toggle', () => (box.open ? openBoxes.add(name) : openBoxes.delete(name)));
      const fs = h('fieldset', { class: 'scheme-params' }, h('legend', { class: 'visually-hidden' }, `${info.name} parameters`));
      box.append(fs);
      if (!info.params.length) fs.append(h('p', { class: 'small' }, 'This scheme has no parameters.'));
      for (const spec of info.params) fs.append(paramControl(name, spec, store));
      if (Object.keys(st.settings[name] || {}).length)
        fs.append(h('button', { type: 'button', onclick: () => store.apply({ settings: { [name]: {} } }) }, `Reset ${name} to defaults`));
      params.append(box);
    }
    if (focused) root.getRootNode().getElementById(focused)?.focus();
  }

  let globalKey = '';
  return {
    render(st) {
      const gk = JSON.stringify([st.scheme, st.vs, st.dim, st.heads, st.seed, st.shift, st.causal, st.trained, shelf?.version, presetOf(st)?.id]);
      if (gk !== globalKey) {
        const focused = root.getRootNode().activeElement?.id;
        globalKey = gk;
        renderGlobal(st);
        if (focused && focused.startsWith('ctl-')) root.getRootNode().getElementById(focused)?.focus();
      }
      renderParams(st);
    },
  };
}

