/**
 * Exports of charts and results: SVG (d3 charts, styles inlined, spec in <desc>), PNG (with a caption
 * band and the share URL in a tEXt chunk), CSV and downloads. DOM-only helpers; no maths.
 */

export interface ExportMeta {
  /** The share URL that reproduces the chart. */
  url: string;
  /** One line describing the spec, for captions. */
  caption: string;
}

export function download(name: string, data: BlobPart, type: string): void {
  const blob = new Blob([data], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function safeName(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'chart'
  );
}

const STYLE_PROPS = [
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'opacity',
  'font-size',
  'font-family',
  'font-weight',
  // Direct labels have a halo (a stroke painted under the fill): both are needed for it to look the same.
  'paint-order',
  'stroke-linejoin',
];

/** A standalone SVG document: computed styles inlined (no stylesheet needed), title and spec embedded. */
export function svgDocument(svg: SVGSVGElement, title: string, meta: ExportMeta): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = svg.querySelectorAll('*');
  const dst = clone.querySelectorAll('*');
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    (dst[i] as SVGElement).setAttribute('style', style);
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const bg = getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#fff';
  clone.setAttribute('style', `background:${bg}`);
  const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  t.textContent = title;
  const d = document.createElementNS('http://www.w3.org/2000/svg', 'desc');
  d.textContent = `${meta.caption}\n${meta.url}`;
  clone.prepend(t, d);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

/** Draws an image plus a caption band (title, spec) on a canvas and encodes it as PNG with the URL in tEXt. */
export async function pngWithCaption(
  source: CanvasImageSource,
  w: number,
  h: number,
  title: string,
  meta: ExportMeta,
): Promise<Uint8Array> {
  const band = 46;
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h + band;
  const g = c.getContext('2d');
  if (!g) throw new Error('no 2-D canvas');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, c.width, c.height);
  g.imageSmoothingEnabled = false;
  g.drawImage(source, 0, 0, w, h);
  g.fillStyle = '#111';
  g.font = 'bold 14px sans-serif';
  g.fillText(title, 6, h + 18, w - 12);
  g.font = '11px sans-serif';
  g.fillText(meta.caption, 6, h + 36, w - 12);
  const blob = await new Promise<Blob | null>((r) => c.toBlob(r, 'image/png'));
  if (!blob) throw new Error('the canvas could not be encoded as PNG');
  return withTextChunk(
    new Uint8Array(await blob.arrayBuffer()),
    'Description',
    `${title} — ${meta.caption} — ${meta.url}`,
  );
}

/** An SVG chart rasterised (for a PNG of a d3 chart). */
export async function svgToPng(svg: SVGSVGElement, title: string, meta: ExportMeta): Promise<Uint8Array> {
  const text = svgDocument(svg, title, meta);
  const img = new Image();
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    img.src = url;
    await img.decode();
    const w = svg.viewBox.baseVal?.width || svg.clientWidth || 600;
    const h = svg.viewBox.baseVal?.height || svg.clientHeight || 300;
    return await pngWithCaption(img, w, h, title, meta);
  } finally {
    URL.revokeObjectURL(url);
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Inserts a PNG tEXt chunk (Latin-1 keyword and text) right after IHDR. */
export function withTextChunk(png: Uint8Array, keyword: string, text: string): Uint8Array {
  const latin1 = (s: string) => Uint8Array.from(s, (ch) => (ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 63));
  const data = new Uint8Array([...latin1(keyword), 0, ...latin1(text)]);
  const chunk = new Uint8Array(12 + data.length);
  const dv = new DataView(chunk.buffer);
  dv.setUint32(0, data.length);
  chunk.set(latin1('tEXt'), 4);
  chunk.set(data, 8);
  dv.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const ihdrEnd = 8 + 12 + 13; // signature + IHDR (length, type, 13 bytes, crc)
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, ihdrEnd), 0);
  out.set(chunk, ihdrEnd);
  out.set(png.subarray(ihdrEnd), ihdrEnd + chunk.length);
  return out;
}

/** RFC 4180 CSV from a header and rows. */
export function toCsv(header: string[], rows: Array<Array<string | number>>): string {
  const cell = (v: string | number) => {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : String(v)) : v;
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\n')}\n`;
}
