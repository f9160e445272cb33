// The trained models the page reads the sentences with (the "trained" switch): at most
// one per scheme, each loaded into the page's engine from safetensors bytes, whether
// from the lab's last run or from a file the reader loads. Keeping the bytes means a
// download gives exactly the model the views use.
//   const shelf = createShelf(engine)
//   shelf.add(bytes, {source, label}) -> entry    (throws Error with a reader-facing message)
//   shelf.get(scheme) -> {scheme, model, bytes, source, label, config, task} | undefined
//   shelf.schemes() -> [names]; shelf.version (bumps on every change); shelf.subscribe(fn)
//   shelf.sample(scheme, {prompt, count, temperature, seed}) -> [token strings]
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

export function createShelf(engine) {
  const entries = new Map();
  const listeners = new Set();
  const order = () => engine.schemes().map((s) => s.name);
  const shelf = {
    version: 0,
    add(bytes, { source = 'lab', label = '' } = {}) {
      if (bytes.length > MAX_MODEL_BYTES) throw new Error(`the file has ${bytes.length.toLocaleString('en')} bytes; a model of this page is far smaller (limit ${MAX_MODEL_BYTES / 1048576} MiB)`);
      const model = engine.loadModel(bytes);   // throws the core's message for a bad file
      const scheme = model.config.scheme;
      entries.get(scheme)?.model.free();
      const entry = { scheme, model, bytes, source, label, config: model.config, task: model.task, vocab: model.vocab };
      entries.set(scheme, entry);
      changed();
      return entry;
    },
    get: (scheme) => entries.get(scheme),
    sample(scheme, options) {
      const e = entries.get(scheme);
      if (!e) throw new Error(`no trained model for ${scheme}`);
      return e.model.sample(options);
    },
    schemes: () => order().filter((n) => entries.has(n)),
    clear(source) {
      for (const [k, e] of entries) if (!source || e.source === source) { e.model.free(); entries.delete(k); }
      changed();
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  function changed() {
    shelf.version++;
    for (const fn of listeners) fn(shelf);
  }
  return shelf;
}
