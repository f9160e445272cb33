// dist/article.html from web/article.html: the <script type="module" src="./pe-playground.js">
// marker becomes the module itself, inline, so the article works from file:// (Chromium
// refuses module scripts by src there: a file: URL has an opaque origin, CORS fails).
//   node scripts/build-article.mjs [module] [source] [out]
import fs from 'node:fs';

const [mod = 'dist/pe-playground.js', src = 'web/article.html', out = 'dist/article.html'] = process.argv.slice(2);
const MARKER = '<script type="module" src="./pe-playground.js"></script>';
const html = fs.readFileSync(src, 'utf8');
if (!html.includes(MARKER)) throw new Error(`${src}: no ${MARKER}`);
// "</script" cannot appear inside an inline script; in JS text "<\/script" means the same.
const code = fs.readFileSync(mod, 'utf8').replace(/<\/script/gi, '<\\/script');
fs.writeFileSync(out, html.replace(MARKER, () => `<script type="module">\n${code}\n</script>`));
