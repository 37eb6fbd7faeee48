/** Colour-blind-safe colour maps (d3's viridis/cividis) and a diverging map, as functions of t ∈ [0, 1]. */
import { interpolateCividis, interpolateRdBu, interpolateViridis } from 'd3';

export type Colormap = 'viridis' | 'cividis' | 'diverging';

export function colormap(name: Colormap): (t: number) => string {
  if (name === 'cividis') return interpolateCividis;
  if (name === 'diverging') return (t) => interpolateRdBu(1 - t);
  return interpolateViridis;
}

/** RGB bytes of a colour map sampled at 256 points, for fast canvas painting. */
export function colormapLut(name: Colormap): Uint8ClampedArray {
  const f = colormap(name);
  const lut = new Uint8ClampedArray(256 * 3);
  const probe = /rgb\((\d+),\s*(\d+),\s*(\d+)\)|#([0-9a-f]{6})/i;
  for (let i = 0; i < 256; i++) {
    const m = probe.exec(f(i / 255));
    if (!m) continue;
    if (m[4]) {
      const v = Number.parseInt(m[4], 16);
      lut.set([v >> 16, (v >> 8) & 255, v & 255], i * 3);
    } else lut.set([Number(m[1]), Number(m[2]), Number(m[3])], i * 3);
  }
  return lut;
}

/** Categorical colours (Okabe–Ito), distinguishable with the common colour-vision deficiencies. */
export const CATEGORICAL = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  // Okabe–Ito's black, as the text colour: black on a light page, white in dark and presentation modes.
  'currentColor',
];
