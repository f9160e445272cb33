// Colour scales readable in light and dark modes and for colour-vision deficiencies:
// viridis (sequential: attention weights, tables of magnitudes) and a blue-orange
// diverging scale (differences and signed values; blue negative, orange positive).
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
const DIVERGING_LIGHT = ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fee0b6', '#f1a340', '#b35806'];
const DIVERGING_DARK = ['#9ecae1', '#4a90c2', '#1d3d5c', '#262626', '#5c3a14', '#c7781f', '#fdb863'];

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const toHex = (c) => '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');

function ramp(stops) {
  const cs = stops.map(rgb);
  return (t) => {
    if (!Number.isFinite(t)) return '#808080';
    const x = Math.min(1, Math.max(0, t)) * (cs.length - 1);
    const i = Math.min(cs.length - 2, Math.floor(x));
    const f = x - i;
    return toHex(cs[i].map((v, k) => v + (cs[i + 1][k] - v) * f));
  };
}

export const isDark = () => typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;

export const viridis = ramp(VIRIDIS);
const divLight = ramp(DIVERGING_LIGHT);
const divDark = ramp(DIVERGING_DARK);

// Sequential scale over [lo, hi].
export function sequential(lo, hi) {
  const span = hi - lo || 1;
  return (v) => viridis((v - lo) / span);
}

// Diverging scale symmetric around 0 over [-m, m].
export function diverging(m) {
  const f = isDark() ? divDark : divLight;
  const span = m || 1;
  return (v) => f(0.5 + v / (2 * span));
}

// The fixed scales every map of the page shares, so the same number has the same colour
// across heads, schemes and sentences (a scale stretched to each map's own maximum makes
// a rounding error of 1e-7 look as loud as a difference of 0.3):
//   weights      [0, 1], sequential
//   differences  [-DIFF_RANGE, DIFF_RANGE], diverging, clipped beyond (saturated)
//   distances    [0, 1] of 1 - cos, sequential, clipped beyond
// Values whose size is below FLOAT_ZERO draw as exactly the zero colour: a weight lives in
// [0, 1] where float32 resolves about 1.2e-7, and the softmax summing keys in another order
// leaves differences of a few of those; they are rounding, not signal.
export const DIFF_RANGE = 0.25;
export const DISTANCE_RANGE = 1;
export const FLOAT_ZERO = 1e-6;
// Masked cells (the causal mask: a key after its query) are not a zero weight: a neutral
// grey with a hatch line, outside both ramps.
export const MASKED_FILL = '#9e9e9e';

const snap = (v) => (Math.abs(v) < FLOAT_ZERO ? 0 : v);
export const weightScale = () => {
  const f = sequential(0, 1);
  return (v) => f(snap(v));
};
export const differenceScale = () => {
  const f = diverging(DIFF_RANGE);
  return (v) => f(snap(v));
};
export const distanceScale = () => {
  const f = sequential(0, DISTANCE_RANGE);
  return (v) => f(snap(v));
};

// Black or white, whichever reads better on the given fill.
export function inkOn(hex) {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.22 ? '#000000' : '#ffffff';
}

// Series colours for line charts (Okabe-Ito, safe for common deficiencies).
export const SERIES = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#7f7f7f', '#f0e442'];

// One colour per scheme, the same in every chart and list of the page (the lab's curves,
// its extrapolation chart, the ranking's swatches, the distance profile). The lab's six
// defaults get the most distinct ones (Okabe-Ito); every colour reads on the light and
// the dark background.
export const SCHEME_COLORS = {
  none: '#8a8a8a', sinusoidal: '#e69f00', learned: '#cc79a7', rope: '#0072b2', alibi: '#009e73', t5: '#d55e00',
  xpos: '#56b4e9', fope: '#17becf', integer: '#8c564b', binary: '#bcbd22', shaw: '#e7298a', cpe: '#a6761d', cope: '#9467bd',
  fire: '#c51b7d', kerple: '#4d9221', sandwich: '#7b3294', fourier: '#e08214', txl: '#35978f', randomized: '#b2182b',
};

export function schemeColor(name) {
  if (SCHEME_COLORS[name]) return SCHEME_COLORS[name];
  let hsh = 0;
  for (const ch of String(name)) hsh = (hsh * 31 + ch.codePointAt(0)) >>> 0;
  return SERIES[hsh % SERIES.length];
}
