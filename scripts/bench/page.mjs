// window.bench for the Chromium page: loads modules and runs batches of calls of a target
// (targets.mjs); run.mjs drives it and reads the main thread's CPU time around each batch.
import { attentionTarget, peakTarget, tfjsTarget, tfjsTrainTarget, trainTarget } from './targets.mjs';

const instances = new Map();  // id -> module instance
const targets = new Map();    // id -> target
let nextId = 1;
let tfReady = null;

async function loadTfjs() {
  const tf = window.tf;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);  // one thread, SIMD on
  tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  await tf.setBackend('wasm');
  await tf.ready();
  return tf;
}

window.bench = {
  // A fresh instance of an ES6 module factory (url of a .mjs built by CMake).
  async load(url) {
    const factory = (await import(url)).default;
    const id = nextId++;
    instances.set(id, await factory());
    return id;
  },
  async tfjsInfo() {
    tfReady ??= loadTfjs();
    const tf = await tfReady;
    return { backend: tf.getBackend(), threads: tf.wasm.getThreadsCount(), simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') };
  },
  // tfjs's gradient functions for training (tfjs_node.mjs bundles them; url of that file).
  async loadTfjsGradients(url) {
    await (tfReady ??= loadTfjs());
    await import(url);
  },
  async create(kind, instance, setup) {
    let t;
    if (kind === 'attention') t = attentionTarget(instances.get(instance), setup);
    else if (kind === 'peak') t = peakTarget(instances.get(instance), setup.chains);
    else if (kind === 'train') t = trainTarget(instances.get(instance), setup);
    else if (kind === 'tfjs-train') t = tfjsTrainTarget(await (tfReady ??= loadTfjs()), setup);
    else t = tfjsTarget(await (tfReady ??= loadTfjs()), setup);
    const id = nextId++;
    targets.set(id, t);
    return { id, flops: t.flops, tokens: t.tokens, parameters: t.parameters };
  },
  runCalls(id, k) {
    const t = targets.get(id);
    const wall = new Array(k);
    for (let i = 0; i < k; ++i) {
      const t0 = performance.now();
      t.call();
      wall[i] = performance.now() - t0;
    }
    return wall;
  },
  checksum(id) {
    return targets.get(id).checksum();
  },
  free(id) {
    targets.get(id).free();
    targets.delete(id);
  },
  userAgent: () => navigator.userAgent,
};
window.benchReady = true;
