// The element's style sheet: the page's own styles.css, scoped to the shadow root, plus
// the element's frame. Read once at build time (?inline), adapted, never copied:
//   :root -> :host        (the colour variables live on the element)
//   body  -> .pe-root     (the page's base font and colours go on the inner wrapper)
//   N rem -> N * --pe-rem (the host page's <html> font size must not scale the figure)
// The author restyles through custom properties on the element (every one optional):
//   --pe-font, --pe-font-size, --pe-fg, --pe-bg, --pe-muted, --pe-panel, --pe-border,
//   --pe-accent, --pe-accent-fg, --pe-focus, --pe-bar, --pe-bar-picked, --pe-radius
// and through ::part(root|notices|sentences|view|title|controls|loading).
import pageCss from '../styles.css?inline';

const scoped = pageCss
  .replace(/:root\b/g, ':host')
  .replace(/(^|[\s,}])body(?=[\s.{:[,])/g, '$1.pe-root')
  .replace(/(\d*\.?\d+)rem\b/g, 'calc($1 * var(--pe-rem, 16px))');

// The page's palette, overridable one variable at a time; dark mode keeps the override
// when the author gives one (an author who wants two palettes sets them in a media query).
const LIGHT = { bg: '#ffffff', fg: '#1a1a1a', muted: '#555', panel: '#f6f7f9', border: '#d0d4da', accent: '#0b5cad', 'accent-fg': '#ffffff', bar: '#31688e', 'bar-picked': '#b35806', focus: '#b35806' };
const DARK = { bg: '#16181c', fg: '#e8e8e8', muted: '#b0b4ba', panel: '#1f2228', border: '#3a3f47', accent: '#7fb8ff', 'accent-fg': '#0b0d10', bar: '#6ece58', 'bar-picked': '#fdb863', focus: '#fdb863' };
const vars = (p) => Object.entries(p).map(([k, v]) => `--${k}: var(--pe-${k}, ${v});`).join(' ');

const frame = `
:host { all: initial; display: block; contain: content; ${vars(LIGHT)} color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :host { ${vars(DARK)} } }
:host([hidden]) { display: none; }
.pe-root { display: block; margin: 0; padding: 0; max-width: none; background: var(--bg); color: var(--fg);
  font: var(--pe-font-size, 15px)/1.45 var(--pe-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  text-align: start; letter-spacing: normal; word-spacing: normal; text-transform: none; white-space: normal;
  visibility: visible; border-radius: var(--pe-radius, 8px); }
.pe-root .panel { border-radius: var(--pe-radius, 8px); margin: 0 0 10px; }
.pe-root .panel:last-child { margin-bottom: 0; }
.pe-root [hidden] { display: none !important; }
.pe-loading { margin: 0; padding: 12px 14px; }
svg text { font-family: var(--pe-font, system-ui, sans-serif); }
`;

export const ELEMENT_CSS = scoped + frame;

// One constructed sheet shared by every element (no <style> per element, and allowed by a
// CSP without style-src 'unsafe-inline'); a <style> where constructed sheets are missing.
let sheet = null;
export function adoptStyles(shadow) {
  try {
    sheet ||= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(ELEMENT_CSS);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = ELEMENT_CSS;
    shadow.append(style);
  }
}
