// Colour scales for the debug views: viridis (perceptually uniform, readable for colour-blind users and in both
// themes) as a 256-entry lookup table interpolated from its published anchor colours, and a value → colour
// scale shared by every tile of a grid so tiles compare. Pure: the canvas components call it per pixel.

/** Viridis at 0, 1/8, …, 1 (matplotlib's _viridis_data at those points). */
const VIRIDIS_ANCHORS: [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** 256 RGB triples packed as 0xRRGGBB, built once. */
export const VIRIDIS: Uint32Array = (() => {
  const out = new Uint32Array(256);
  const n = VIRIDIS_ANCHORS.length - 1;
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * n;
    const k = Math.min(n - 1, Math.floor(t));
    const f = t - k;
    const [a, b] = [VIRIDIS_ANCHORS[k], VIRIDIS_ANCHORS[k + 1]];
    const c = [0, 1, 2].map((j) => Math.round(a[j] + (b[j] - a[j]) * f));
    out[i] = (c[0] << 16) | (c[1] << 8) | c[2];
  }
  return out;
})();

/** A linear scale from [min, max] to the table's 256 entries; a constant map (min = max) sits in the middle. */
export interface Scale {
  min: number;
  max: number;
  /** Table index 0..255 for a value (clamped). */
  index(v: number): number;
}

export function scale(min: number, max: number): Scale {
  const span = max - min;
  return {
    min,
    max,
    index: (v) => {
      if (!(span > 0) || !Number.isFinite(v)) return 128;
      const i = Math.round(((v - min) / span) * 255);
      return i < 0 ? 0 : i > 255 ? 255 : i;
    },
  };
}

/** `#rrggbb` of a table entry (legends, bars). */
export const hex = (rgb: number) => `#${rgb.toString(16).padStart(6, '0')}`;

/** The colour of `v` on `s`, as CSS. */
export const colorOf = (s: Scale, v: number) => hex(VIRIDIS[s.index(v)]);

/** Writes `values` (row-major h×w) into RGBA `pixels` at (x0, y0) of an image `width` wide, each value one pixel. */
export function paint(
  pixels: Uint8ClampedArray,
  width: number,
  values: ArrayLike<number>,
  offset: number,
  h: number,
  w: number,
  x0: number,
  y0: number,
  s: Scale,
) {
  for (let y = 0; y < h; y++) {
    let p = ((y0 + y) * width + x0) * 4;
    for (let x = 0; x < w; x++, p += 4) {
      const rgb = VIRIDIS[s.index(values[offset + y * w + x])];
      pixels[p] = rgb >> 16;
      pixels[p + 1] = (rgb >> 8) & 255;
      pixels[p + 2] = rgb & 255;
      pixels[p + 3] = 255;
    }
  }
}

/** Grey for the probe image (inputs are 0..1 after the loader's scaling; others are stretched to their range). */
export function paintGrey(
  pixels: Uint8ClampedArray,
  values: ArrayLike<number>,
  offset: number,
  n: number,
  min: number,
  max: number,
) {
  const span = max - min || 1;
  for (let i = 0; i < n; i++) {
    const g = Math.round(((values[offset + i] - min) / span) * 255);
    pixels[i * 4] = pixels[i * 4 + 1] = pixels[i * 4 + 2] = g;
    pixels[i * 4 + 3] = 255;
  }
}
