// The page's side of the lab's message protocol (host.js), wrapped once as engine.js
// wraps the module:
//   const client = await createLabClient();          // {worker: false} forces the fallback
//   client.mode        'worker' or 'main thread'
//   await client.call(op, args) -> result            (throws Error(message) on {ok: false})
//   client.close()
// The worker is bundled inline (a blob: URL, allowed by the page's CSP as
// `worker-src blob:`). Without workers (none in this browser, blocked, or failing to
// start) the same host runs on the main thread, one request per macrotask (setTimeout),
// so the page still paints and answers input between chunks of training.
import LabWorker from './worker.js?worker&inline';
import { loadEngine } from '../engine.js';
import { createHost } from './host.js';

const START_TIMEOUT_MS = 20000;

export function startWorker(name = 'pe-lab') {
  return new Promise((resolve, reject) => {
    let worker;
    try {
      if (typeof Worker !== 'function') throw new Error('this browser has no Web Workers');
      worker = new LabWorker({ name });
    } catch (e) {
      reject(e);
      return;
    }
    const timer = setTimeout(() => fail(new Error('the worker did not start in time')), START_TIMEOUT_MS);
    function fail(e) {
      clearTimeout(timer);
      worker.terminate();
      reject(e);
    }
    worker.onerror = (e) => {
      e.preventDefault?.();
      fail(new Error(e.message || 'the worker could not start'));
    };
    worker.onmessage = (e) => {
      if (e.data?.type === 'ready') {
        clearTimeout(timer);
        resolve(worker);
      } else if (e.data?.type === 'failed') fail(new Error(e.data.error));
    };
  });
}

class Client {
  constructor(send, mode, close, reason = '') {
    this.send = send;
    this.mode = mode;
    this.reason = reason;   // why the fallback runs, if it does
    this.close = close;
    this.nextId = 1;
  }

  async call(op, args = {}) {
    const reply = await this.send({ ...args, op, id: this.nextId++ });
    if (!reply.ok) throw new Error(reply.error);
    return reply.result;
  }
}

export function workerClient(worker, what = 'training') {
  const waiting = new Map();
  worker.onmessage = (e) => {
    const w = waiting.get(e.data?.id);
    if (!w) return;
    waiting.delete(e.data.id);
    w(e.data);
  };
  worker.onerror = (e) => {
    // A crash inside the worker: every pending request fails with the message.
    for (const [id, w] of waiting) w({ id, ok: false, error: `the ${what} worker failed: ${e.message || 'unknown error'}` });
    waiting.clear();
  };
  const send = (msg) => new Promise((resolve) => {
    waiting.set(msg.id, resolve);
    worker.postMessage(msg);
  });
  return new Client(send, 'worker', () => worker.terminate());
}

async function mainThreadClient(reason) {
  const handle = createHost(await loadEngine());
  const send = (msg) => new Promise((resolve) => setTimeout(() => resolve(handle(msg)), 0));
  return new Client(send, 'main thread', () => handle({ op: 'freeAll' }), reason);
}

export async function createLabClient({ worker = true } = {}) {
  if (!worker) return mainThreadClient('asked for the main thread');
  try {
    return workerClient(await startWorker());
  } catch (e) {
    return mainThreadClient(e.message);
  }
}
