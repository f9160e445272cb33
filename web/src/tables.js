// engine.table() for the views, with the width each kind of scheme reads (the model
// width for schemes on the input, the head width for schemes on queries and keys) and
// a small cache so redrawing a view does not recompute unchanged tables.
const cache = new Map();

export function widthFor(info, st) {
  return info.where === 'query_key' ? st.dim / st.heads : st.dim;
}

// Returns {tables} or {error}. extra: settings that override the state's.
export function tableFor(engine, store, name, len, extra = {}) {
  const st = store.get();
  const info = engine.schemes().find((x) => x.name === name);
  if (!info) return { error: `unknown scheme ${name}` };
  const settings = { ...(st.settings[name] || {}), ...extra };
  const dim = widthFor(info, st);
  const key = JSON.stringify([name, len, dim, st.heads, settings]);
  if (cache.has(key)) return cache.get(key);
  let out;
  try {
    out = { tables: engine.table(name, { len, dim, heads: st.heads, settings }), dim };
  } catch (e) {
    out = { error: e.message, dim };
  }
  if (cache.size > 64) cache.clear();
  cache.set(key, out);
  return out;
}

// Element (i0, i1, ...) of a table entry.
export const at = (entry, ...idx) => {
  let k = 0;
  for (let a = 0; a < idx.length; a++) k = k * entry.shape[a] + idx[a];
  return entry.data[k];
};
