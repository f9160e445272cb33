// scripts/lib/local.mjs, the static server of the browser tests and the bench: a request
// that is not a path (GET /%) is a 400 and the server keeps serving; nothing outside its
// folder is served.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startStaticServer } from '../../scripts/lib/local.mjs';

// One raw request (fetch would normalise the path first); resolves to the status code.
function rawGet(port, target) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.on('data', (d) => { data += d; });
    socket.on('end', () => resolve(Number((data.match(/^HTTP\/1\.1 (\d+)/) || [])[1] || 0)));
    socket.on('error', reject);
  });
}

test('GET /% is a bad request and the server keeps serving; nothing outside the folder', async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-local-'));
  const dir = path.join(base, 'site');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'index.html'), '<p>hi</p>');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'no');
  fs.mkdirSync(path.join(base, 'site-evil'));
  fs.writeFileSync(path.join(base, 'site-evil', 'x.html'), 'no');
  const server = await startStaticServer({ dir });
  try {
    for (const bad of ['/%', '/%zz', '/a%', '/%E0%A4%A']) assert.equal(await rawGet(server.port, bad), 400, bad);
    assert.equal(await rawGet(server.port, '/'), 200);
    assert.equal(await rawGet(server.port, '/index.html'), 200);
    for (const out of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/../site-evil/x.html', '/index.html%00'])
      assert.equal(await rawGet(server.port, out), 404, out);
    assert.equal(await rawGet(server.port, '/missing.js'), 404);
    const r = await fetch(`${server.url}/index.html`);
    assert.equal(await r.text(), '<p>hi</p>');
  } finally {
    await server.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
});
