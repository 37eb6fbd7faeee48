/**
 * Canvas heatmap of a rows×cols grid with a colour legend, optional categorical overlay (e.g. block
 * classes) drawn as outlined cells with a labelled key, and a hover readout. NaN cells are hatched grey
 * and counted in a warning, never given a colour of the scale.
 */
import { type Colormap, colormapLut } from './colormaps';
import { exact, formatNumber } from './format';

export interface HeatmapOverlay {
  /** rows*cols class per cell, −1 for none. */
  classes: ArrayLike<number>;
  colors: string[];
  labels: string[];
}

export interface HeatmapData {
  title: string;
  xLabel: string;
  yLabel: string;
  rows: number;
  cols: number;
  values: ArrayLike<number>;
  colormap?: Colormap;
  domain?: [number, number];
  overlay?: HeatmapOverlay;
  height?: number;
  onCellHover?: (r: number, c: number, v: number) => void;
  /** Called with the clicked cell (row, column, value); the canvas shows a pointer cursor when set. */
  onCellClick?: (r: number, c: number, v: number) => void;
}

export function createHeatmap(el: HTMLElement) {
  const root = document.createElement('div');
  root.className = 'chart heatmap';
  const title = document.createElement('div');
  title.className = 'chart-title';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  const legend = document.createElement('div');
  legend.className = 'chart-legend';
  const warn = document.createElement('div');
  warn.className = 'chart-warning';
  warn.setAttribute('role', 'status');
  const tip = document.createElement('div');
  tip.className = 'chart-readout';
  root.append(title, canvas, legend, warn, tip);
  el.append(root);
  let current: HeatmapData | null = null;

  /** The cell under a pointer event, or null outside the grid. */
  function cellAt(ev: MouseEvent): { r: number; c: number } | null {
    if (!current) return null;
    const rect = canvas.getBoundingClientRect();
    const c = Math.floor(((ev.clientX - rect.left) / rect.width) * current.cols);
    const r = Math.floor(((ev.clientY - rect.top) / rect.height) * current.rows);
    return r < 0 || c < 0 || r >= current.rows || c >= current.cols ? null : { r, c };
  }

  canvas.addEventListener('click', (ev) => {
    const at = cellAt(ev);
    if (!current?.onCellClick || !at) return;
    current.onCellClick(at.r, at.c, current.values[at.r * current.cols + at.c]);
  });

  canvas.addEventListener('mousemove', (ev) => {
    const at = cellAt(ev);
    if (!current || !at) return;
    const { r, c } = at;
    const v = current.values[r * current.cols + c];
    const cls = current.overlay ? current.overlay.classes[r * current.cols + c] : -1;
    tip.textContent = `${current.yLabel} ${r}, ${current.xLabel} ${c}: ${exact(v)}${cls >= 0 && current.overlay ? ` (${current.overlay.labels[cls]})` : ''}`;
    current.onCellHover?.(r, c, v);
  });

  function update(d: HeatmapData): void {
    // A one-column strip (per-row error, kept mass) is narrow: its legend stacks and its numbers are short.
    root.classList.toggle('strip', d.cols === 1);
    current = d;
    title.textContent = d.title;
    canvas.style.cursor = d.onCellClick ? 'pointer' : '';
    canvas.setAttribute(
      'aria-label',
      `${d.title}: ${d.rows} × ${d.cols} heatmap; ${d.yLabel} down, ${d.xLabel} across`,
    );
    const n = d.rows * d.cols;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const v = d.values[i];
      if (!Number.isFinite(v)) bad++;
      else {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (d.domain) [lo, hi] = d.domain;
    else if (d.colormap === 'diverging' && Number.isFinite(lo)) {
      // Zero sits at the neutral middle of a diverging map.
      const m = Math.max(Math.abs(lo), Math.abs(hi));
      [lo, hi] = [-m, m];
    }
    if (!(hi > lo)) hi = lo + 1;
    // Pixel-exact grid scaled up with nearest-neighbour (CSS image-rendering: pixelated).
    const scale = Math.max(1, Math.floor(512 / Math.max(d.rows, d.cols)));
    canvas.width = d.cols * scale;
    canvas.height = d.rows * scale;
    canvas.style.width = '100%';
    // The height limit is a custom property, so the presentation layout can tighten it to the stage.
    canvas.style.setProperty('--own-max', `${d.height ?? 420}px`);
    canvas.style.aspectRatio = `${d.cols} / ${d.rows}`;
    // Maps of a sensible shape keep it when a height limit applies (presentation); thin strips stretch.
    const aspect = d.cols / d.rows;
    canvas.style.setProperty('--aspect', String(aspect));
    canvas.toggleAttribute('data-fit', aspect >= 0.2 && aspect <= 5);
    const g = canvas.getContext('2d');
    if (!g) return;
    const img = g.createImageData(d.cols, d.rows);
    const lut = colormapLut(d.colormap ?? 'viridis');
    // One 32-bit write per cell (the colour table packed once, in the platform's byte order): a map of a
    // few hundred thousand cells is filled in a few milliseconds.
    const px = new Uint32Array(img.data.buffer, img.data.byteOffset, n);
    const packed = new Uint32Array(258);
    const bytes = new Uint8Array(packed.buffer);
    for (let t = 0; t < 256; t++) bytes.set([lut[t * 3], lut[t * 3 + 1], lut[t * 3 + 2], 255], t * 4);
    bytes.set([160, 160, 160, 255], 256 * 4);
    bytes.set([90, 90, 90, 255], 257 * 4);
    const k = 255 / (hi - lo);
    for (let i = 0; i < n; i++) {
      const v = d.values[i];
      if (!Number.isFinite(v)) {
        const stripe = ((i % d.cols) + Math.floor(i / d.cols)) % 2;
        px[i] = packed[stripe ? 256 : 257];
        continue;
      }
      const t = Math.min(255, Math.max(0, Math.round((v - lo) * k)));
      px[i] = packed[t];
    }
    const tmp = document.createElement('canvas');
    tmp.width = d.cols;
    tmp.height = d.rows;
    tmp.getContext('2d')?.putImageData(img, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(tmp, 0, 0, canvas.width, canvas.height);
    if (d.overlay) {
      // One path per class, stroked once (the same outlines as a strokeRect per cell, far fewer calls).
      g.lineWidth = Math.max(1, scale / 4);
      const classes = d.overlay.classes;
      let top = -1;
      for (let i = 0; i < n; i++) if (classes[i] > top) top = classes[i];
      for (let cls = 0; cls <= top; cls++) {
        let any = false;
        g.beginPath();
        for (let i = 0; i < n; i++) {
          if (classes[i] !== cls) continue;
          any = true;
          const r = Math.floor(i / d.cols);
          const c = i % d.cols;
          g.rect(c * scale + 0.5, r * scale + 0.5, scale - 1, scale - 1);
        }
        if (!any) continue;
        g.strokeStyle = d.overlay.colors[cls] ?? '#fff';
        g.stroke();
      }
    }
    legend.replaceChildren();
    const bar = document.createElement('span');
    bar.className = 'colorbar';
    bar.style.background = `linear-gradient(to right, ${Array.from({ length: 8 }, (_, i) => `rgb(${lut[Math.round((i / 7) * 255) * 3]},${lut[Math.round((i / 7) * 255) * 3 + 1]},${lut[Math.round((i / 7) * 255) * 3 + 2]})`).join(',')})`;
    const lab = (t: string) => {
      const s = document.createElement('span');
      s.textContent = t;
      return s;
    };
    // Ends of the colour bar: a value that is zero at the scale of the range is written 0 (not 5.4 × 10⁻⁵).
    const end = (v: number) => (Math.abs(v) < (hi - lo) * 1e-3 ? '0' : formatNumber(v, d.cols === 1 ? 2 : 3));
    const lo0 = lab(end(lo));
    const hi0 = lab(end(hi));
    lo0.title = exact(lo);
    hi0.title = exact(hi);
    legend.append(lo0, bar, hi0);
    d.overlay?.labels.forEach((l, i) => {
      const item = document.createElement('span');
      item.className = 'legend-item';
      const sw = document.createElement('span');
      sw.className = 'swatch outline';
      sw.style.borderColor = d.overlay?.colors[i] ?? '#fff';
      item.append(sw, lab(l));
      legend.append(item);
    });
    warn.textContent = bad
      ? `${bad} cell(s) are NaN or infinite (hatched grey, not on the colour scale)`
      : '';
  }

  return { update, destroy: () => root.remove(), canvas: () => canvas };
}
