// TensorFlow.js for the bench, on the Node side.
//
// loadTfjsNode(): tfjs-core with tfjs-backend-wasm as the bench times it (one thread,
// SIMD on); one CommonJS instance of tfjs-core for both packages (the backend requires it).
//
// tfjsGradients(file): training needs tfjs's gradient functions, which the tfjs-core
// bundles leave out (the @tensorflow/tfjs union package registers them; we depend on
// tfjs-core alone). This bundles tfjs-core's own dist/register_all_gradients.js into one
// ES module at `file` (once; rolldown, the bundler that comes with vite) and, in Node,
// imports it. The Chromium page imports the same file after tf-core.min.js. Its copy of
// the ops finds the one engine and gradient registry on globalThis, as tfjs intends
// for several copies of the library in one page.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
let ready = null;

async function load() {
  const tf = require('@tensorflow/tfjs-core');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setWasmPaths(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep);
  await tf.setBackend('wasm');
  await tf.ready();
  return tf;
}

export const loadTfjsNode = () => (ready ??= load());

export async function tfjsNodeInfo() {
  const tf = await loadTfjsNode();
  return {
    backend: tf.getBackend(),
    threads: require('@tensorflow/tfjs-backend-wasm').getThreadsCount(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
  };
}

const CORE = path.join(root, 'node_modules/@tensorflow/tfjs-core');

// Writes the gradient bundle to `file` unless it is there and newer than tfjs-core.
export async function bundleTfjsGradients(file) {
  const stamp = fs.statSync(path.join(CORE, 'package.json')).mtimeMs;
  if (fs.existsSync(file) && fs.statSync(file).mtimeMs >= stamp) return file;
  const { rolldown } = await import('rolldown');
  const bundle = await rolldown({ input: path.join(CORE, 'dist/register_all_gradients.js'), platform: 'browser', logLevel: 'silent' });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await bundle.write({ file, format: 'esm' });
  await bundle.close();
  return file;
}

// tfjs (loadTfjsNode) with its gradients registered; `file` as bundleTfjsGradients.
export async function loadTfjsTrainingNode(file) {
  const tf = await loadTfjsNode();
  await import(pathToFileURL(await bundleTfjsGradients(file)).href);
  return tf;
}
