// Two builds of web/:
//   default:             dist/ (index.html + assets), for any static host and `npm start`
//   --mode singlefile:   build/single/index.html with every script, style and the WASM
//                        inlined; scripts/build.sh copies it to dist/pe-playground.html
// The lab's Web Worker (web/src/lab/worker.js) is imported with ?worker&inline in both
// builds: one classic-script bundle (with its own SIMD module) started from a blob: URL,
// which the page's CSP allows as `worker-src blob:`, also from file://.
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

export default defineConfig(({ mode }) => {
  const single = mode === 'singlefile';
  return {
    root: 'web',
    customLogger: logger,
    base: './',
    publicDir: false,
    plugins: single ? [viteSingleFile()] : [],
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
