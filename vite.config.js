// Two builds of web/:
//   default:             dist/ (index.html + assets), for any static host and `npm start`
//   --mode singlefile:   build/single/index.html with every script, style and the WASM
//                        inlined; scripts/build.sh copies it to dist/pe-playground.html
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

export default defineConfig(({ mode }) => {
  const single = mode === 'singlefile';
  return {
    root: 'web',
    base: './',
    publicDir: false,
    plugins: single ? [viteSingleFile()] : [],
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
