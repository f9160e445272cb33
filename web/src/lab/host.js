// The trainer side of the lab's message protocol: it owns the engine's trainers by key
// and answers one request at a time. The same code runs inside the Web Worker
// (worker.js) and, where workers are unavailable, on the main thread (client.js), so
// both give the same numbers.
//
//   request {id, op, ...args}  ->  reply {id, ok: true, result} | {id, ok: false, error}
//   create   {key, options}  -> {vocab, config}        options: engine.trainer's (train_json.hpp)
//   step     {key, count}    -> {losses: [count], step, grad_norm, lr, tokens_per_second, ms}
//   evaluate {key, len}      -> {len, loss, accuracy, applicable, reason, ms}
//   save     {key}           -> {bytes: Uint8Array}   (safetensors; its buffer is transferable)
//   free     {key}, freeAll  -> {}
// Errors are the core's messages (a bad option names the key). `extra` adds operations
// (the compute worker's probe phases: computer.js).
export function createHost(engine, extra = {}) {
  const trainers = new Map();
  const get = (key) => {
    const t = trainers.get(key);
    if (!t) throw new Error(`no trainer '${key}' (it was reset)`);
    return t;
  };
  const free = (key) => {
    trainers.get(key)?.free();
    trainers.delete(key);
  };
  const ops = {
    create({ key, options }) {
      free(key);
      const t = engine.trainer(options);
      trainers.set(key, t);
      return { vocab: t.vocab.length, config: t.config };
    },
    step({ key, count }) {
      const t0 = performance.now();
      const r = get(key).step(count);
      return { ...r, losses: Array.from(r.losses), ms: performance.now() - t0 };
    },
    evaluate({ key, len }) {
      const t0 = performance.now();
      const r = get(key).evaluate(len);
      return { ...r, ms: performance.now() - t0 };
    },
    save({ key }) {
      return { bytes: get(key).save() };
    },
    free({ key }) {
      free(key);
      return {};
    },
    freeAll() {
      for (const key of [...trainers.keys()]) free(key);
      return {};
    },
  };
  Object.assign(ops, extra);
  return function handle(msg) {
    try {
      const op = Object.prototype.hasOwnProperty.call(ops, msg?.op) ? ops[msg.op] : null;
      if (!op) throw new Error(`unknown lab request '${msg?.op}'`);
      return { id: msg.id, ok: true, result: op(msg) };
    } catch (e) {
      return { id: msg?.id, ok: false, error: e?.message || String(e) };
    }
  };
}

// The buffers a reply can hand over without copying.
export const transferables = (reply) => (reply.ok && reply.result?.bytes ? [reply.result.bytes.buffer] : []);
