// The page's Web Worker: its own instance of the SIMD module (bundled in, so the
// single-file page starts it from a blob: URL), answering host.js requests: the lab's
// training, and the probe's phases (computeMain, computeSpread: computer.js). The page
// starts two of them, one for the lab and one for the probe, so training never delays
// a redraw. It posts
// {type: 'ready'} once the module runs, or {type: 'failed', error} (no WebAssembly SIMD:
// the client then trains on the main thread with the page's engine).
import createModule from '../generated/pe_module_simd.mjs';
import { Engine, simdSupported } from '../engine.js';
import { createHost, transferables } from './host.js';
import { computeOps } from '../compute.js';

async function start() {
  if (!simdSupported()) throw new Error('this browser has no WebAssembly SIMD in workers');
  const engine = new Engine(await createModule(), true);
  const handle = createHost(engine, computeOps(engine));
  self.onmessage = (e) => {
    const reply = handle(e.data);
    self.postMessage(reply, transferables(reply));
  };
  self.postMessage({ type: 'ready', simd: true });
}

start().catch((e) => self.postMessage({ type: 'failed', error: e?.message || String(e) }));
