// What the browser tests and the benchmark share: a static file server on 127.0.0.1
// (a random port, nothing outside `dir`) and Debian's Chromium, headless, through
// playwright-core (never a downloaded browser).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

// Serves files under dir. allow: URL path prefixes that may be served (all when null);
// extra: {'/path': 'html text'} served as-is. Resolves to {url, port, close}.
export function startStaticServer({ dir, allow = null, extra = {} }) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (extra[url.pathname]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(extra[url.pathname]);
    }
    let rel;
    try {
      rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    } catch {  // "/%", "/%zz": not a path; a bad request must not end the server
      res.writeHead(400);
      return res.end('bad request');
    }
    const root = path.resolve(dir);
    const file = path.join(root, path.normalize(rel));
    const allowed = !allow || allow.some((p) => rel.startsWith(p));
    const inside = file.startsWith(root + path.sep) && !rel.includes('\0');
    if (!allowed || !inside || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  server.on('clientError', (err, socket) => socket.destroy());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    resolve({ url: `http://127.0.0.1:${port}`, port, close: () => new Promise((r) => server.close(r)) });
  }));
}
