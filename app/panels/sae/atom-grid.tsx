/**
 * Small multiples of images on one canvas: decoder atoms (signed, drawn on a diverging scale centred at 0,
 * each image scaled to its own largest |value|) or input samples (non-negative, grey scale). Each tile is
 * captioned with text, so nothing depends on colour alone; clicking a tile selects it.
 */
import { useEffect, useRef } from 'react';

export interface AtomGridProps {
  /** count × (width·height) values, row-major images. */
  pixels: ArrayLike<number>;
  count: number;
  width: number;
  height: number;
  /** Text under each tile. */
  captions: string[];
  signed: boolean;
  scale?: number;
  columns?: number;
  selected?: number;
  onSelect?: (i: number) => void;
  label: string;
}

const GAP = 6;
const LINE = 14;
const FONT = `${LINE - 2}px system-ui, sans-serif`;

let probe: CanvasRenderingContext2D | null = null;
/** Caption width in canvas pixels (a shared off-screen context; 0.6 em per character where there is none). */
function textWidth(s: string): number {
  if (!probe && typeof document !== 'undefined') probe = document.createElement('canvas').getContext('2d');
  if (!probe) return s.length * (LINE - 2) * 0.6;
  probe.font = FONT;
  return probe.measureText(s).width;
}

/** A caption as one line when it fits the tile, else two (split at the first space), each cut to fit. */
function captionLines(text: string, room: number): string[] {
  if (textWidth(text) <= room) return [text];
  const at = text.indexOf(' ');
  const parts = at > 0 ? [text.slice(0, at), text.slice(at + 1)] : [text];
  return parts.map((t) => {
    let s = t;
    while (s && textWidth(s) > room) s = `${s.slice(0, -2)}…`;
    return s;
  });
}

function color(v: number, signed: boolean): [number, number, number] {
  if (!signed) {
    const g = Math.round(255 * (1 - Math.max(0, Math.min(1, v))));
    return [g, g, g];
  }
  // Blue for negative, white at zero, red for positive.
  const t = Math.max(-1, Math.min(1, v));
  return t >= 0
    ? [255, Math.round(255 * (1 - t)), Math.round(255 * (1 - t))]
    : [Math.round(255 * (1 + t)), Math.round(255 * (1 + t)), 255];
}

export function AtomGrid(p: AtomGridProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const scale = p.scale ?? 6;
  const cols = Math.max(1, Math.min(p.columns ?? 8, p.count));
  const rows = Math.ceil(p.count / cols);
  const tileW = p.width * scale;
  const tileH = p.height * scale;
  const room = tileW + GAP - 2;
  const lines = p.captions.slice(0, p.count).map((c) => captionLines(c ?? '', room));
  const CAPTION = LINE * Math.max(1, ...lines.map((l) => l.length));
  const W = cols * (tileW + GAP);
  const H = rows * (tileH + CAPTION + GAP);

  useEffect(() => {
    const cv = ref.current;
    const g = cv?.getContext('2d');
    if (!cv || !g) return;
    g.clearRect(0, 0, W, H);
    // Every caption drawn is registered (canvas pixels) in data-label-boxes, so layout checks can see it.
    const boxes: Array<{ x: number; y: number; w: number; h: number; text: string }> = [];
    g.font = FONT;
    const n = p.width * p.height;
    const img = g.createImageData(p.width, p.height);
    const off = document.createElement('canvas');
    off.width = p.width;
    off.height = p.height;
    const og = off.getContext('2d')!;
    for (let i = 0; i < p.count; i++) {
      let max = 0;
      for (let q = 0; q < n; q++) max = Math.max(max, Math.abs(p.pixels[i * n + q]));
      for (let q = 0; q < n; q++) {
        const v = p.pixels[i * n + q];
        const [r, gg, b] = color(p.signed ? (max > 0 ? v / max : 0) : max > 0 ? v / max : 0, p.signed);
        img.data.set([r, gg, b, 255], q * 4);
      }
      og.putImageData(img, 0, 0);
      const x = (i % cols) * (tileW + GAP);
      const y = Math.floor(i / cols) * (tileH + CAPTION + GAP);
      g.imageSmoothingEnabled = false;
      g.drawImage(off, x, y, tileW, tileH);
      g.strokeStyle = i === p.selected ? '#000' : '#bbb';
      g.lineWidth = i === p.selected ? 3 : 1;
      g.strokeRect(x + 0.5, y + 0.5, tileW - 1, tileH - 1);
      // The caption fits its tile: one line, or two when it is long (each cut to the tile's width).
      g.fillStyle = getComputedStyle(cv).color || '#222';
      (lines[i] ?? []).forEach((text, j) => {
        if (!text) return;
        const top = y + tileH + 1 + j * LINE;
        g.fillText(text, x, top + LINE - 4);
        boxes.push({ x, y: top, w: g.measureText(text).width, h: LINE - 1, text });
      });
    }
    cv.dataset.labelBoxes = JSON.stringify(boxes);
  });

  const click = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!p.onSelect) return;
    const r = e.currentTarget.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * W;
    const y = ((e.clientY - r.top) / r.height) * H;
    const i = Math.floor(y / (tileH + CAPTION + GAP)) * cols + Math.floor(x / (tileW + GAP));
    if (i >= 0 && i < p.count) p.onSelect(i);
  };

  return (
    <canvas
      ref={ref}
      width={W}
      height={H}
      role="img"
      aria-label={p.label}
      onClick={click}
      style={{ maxWidth: '100%', cursor: p.onSelect ? 'pointer' : 'default' }}
    />
  );
}
