// Two builds of web/:
//   default:             dist/ (index.html + assets), for any static host and `npm start`
//   --mode singlefile:   build/single/index.html with every script, style and the WASM
//                        inlined; scripts/build.sh copies it to dist/pe-playground.html
//   --mode element:      build/element/pe-playground.js, the <pe-playground> element as one
//                        ES module (library mode, WASM and worker inlined, no chunks);
//                        scripts/build.sh copies it to dist/ and inlines it in dist/article.html
// The lab's Web Worker (web/src/lab/worker.js) is imported with ?worker&inline in both
// builds: one classic-script bundle (with its own SIMD module) started from a blob: URL,
// which the page's CSP allows as `worker-src blob:`, also from file://.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger, defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

// Emscripten's glue names Node's fs and path inside its Node-only branch; the browser
// never runs it, so Vite's note that it externalised them is noise.
const logger = createLogger(process.argv.includes('preview') ? 'info' : 'warn');
const warn = logger.warn;
logger.warn = (msg, options) => {
  if (/generated\/pe_module_\w+\.mjs/.test(msg) && msg.includes('externalized for browser compatibility')) return;
  warn(msg, options);
};

// The CSP of web/index.html keeps script-src 'unsafe-inline' only as a placeholder: the
// served build has no inline script, so it is dropped; the single file's inlined scripts
// are allowed by their sha256 hashes instead (computed after vite-plugin-singlefile has
// inlined them), so no other inline script could run.
function cspScripts(single) {
  const csp = /(<meta http-equiv="Content-Security-Policy" content="[^"]*script-src [^;"]*?)\s'unsafe-inline'/;
  return {
    name: 'pe-csp-scripts',
    enforce: 'post',
    transformIndexHtml: single ? undefined : (html) => html.replace(csp, '$1'),
    // after every plugin has written the bundle (the inlining happens late in the build)
    writeBundle: !single ? undefined : (options) => {
      const file = path.join(options.dir, 'index.html');
      const html = fs.readFileSync(file, 'utf8');
      const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
        .filter((m) => m[1].length > 0)
        .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
      if (!hashes.length) throw new Error('pe-csp-scripts: the single file has no inline script to allow');
      fs.writeFileSync(file, html.replace(csp, `$1 ${hashes.join(' ')}`));
    },
  };
}

export default defineConfig(({ mode }) => {
  const single = mode === 'singlefile';
  if (mode === 'element') return {
    root: 'web',
    customLogger: logger,
    publicDir: false,
    worker: { format: 'iife' },
    build: {
      outDir: '../build/element',
      emptyOutDir: true,
      target: 'es2020',
      assetsInlineLimit: 100000000,
      chunkSizeWarningLimit: 8192,
      reportCompressedSize: false,
      lib: { entry: 'src/element/index.js', formats: ['es'], fileName: () => 'pe-playground.js' },
      rolldownOptions: { output: { codeSplitting: false } },
    },
  };
  return {
    root: 'web',
    customLogger: logger,
    base: './',
    publicDir: false,
    plugins: single ? [viteSingleFile(), cspScripts(true)] : [cspScripts(false)],
    // iife: the inline worker is one script, so it cannot load chunks of its own.
    worker: { format: 'iife' },
    build: {
      outDir: single ? '../build/single' : '../dist',
      emptyOutDir: true,
      target: 'es2020',
      assetsInlineLimit: single ? 100000000 : 4096,
      chunkSizeWarningLimit: 4096,
      reportCompressedSize: false,
    },
    preview: { host: '127.0.0.1' },
  };
});
