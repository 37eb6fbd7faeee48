/**
 * NumPy .npy reader and writer, for files as NumPy writes them: format versions 1.0, 2.0 and 3.0, C or
 * Fortran order (Fortran-order data is transposed to C order on read), either byte order, float16/32/64,
 * int8/16/32/64, uint8/16/32/64 and bool. The header is read as strictly as `np.lib.format` reads it
 * (a Python dict literal with exactly the keys descr, fortran_order and shape), by a hand-written
 * scanner that runs in time linear in the header's length. Errors name the file and what is wrong.
 */
import { type DType, type NdArray, sizeOf, type TypedData } from '../core/ndarray';
import { scanNumber } from './number';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** NumPy's default `max_header_size`: it refuses longer headers unless the file is fully trusted. */
export const MAX_HEADER_CHARS = 10_000;
/** More dimensions than NumPy allows (32) are refused before anything is allocated. */
const MAX_DIMS = 32;
const MAX_DEPTH = 8;

export class NpyError extends Error {
  override name = 'NpyError';
}

/** How a file's element type is stored and what it becomes in memory. */
interface Kind {
  /** NumPy's name for the file's dtype. */
  name: string;
  bytes: number;
  dtype: DType;
}

const KINDS: Record<string, Kind> = {
  f2: { name: 'float16', bytes: 2, dtype: 'float32' },
  f4: { name: 'float32', bytes: 4, dtype: 'float32' },
  f8: { name: 'float64', bytes: 8, dtype: 'float64' },
  i1: { name: 'int8', bytes: 1, dtype: 'int32' },
  i2: { name: 'int16', bytes: 2, dtype: 'int32' },
  i4: { name: 'int32', bytes: 4, dtype: 'int32' },
  i8: { name: 'int64', bytes: 8, dtype: 'int64' },
  u1: { name: 'uint8', bytes: 1, dtype: 'uint8' },
  u2: { name: 'uint16', bytes: 2, dtype: 'int32' },
  u4: { name: 'uint32', bytes: 4, dtype: 'int64' },
  u8: { name: 'uint64', bytes: 8, dtype: 'int64' },
  b1: { name: 'bool', bytes: 1, dtype: 'bool' },
};
const SUPPORTED = 'float16/32/64, int8/16/32/64, uint8/16/32/64, bool';

/** What the file held, beside the array it became: shown beside the file and recorded in results. */
export interface NpyInfo {
  /** The header's descr, e.g. '>f8'. */
  descr: string;
  /** NumPy's name of the file's dtype, e.g. 'float16' (the array may be wider: see notes). */
  fileDtype: string;
  fortranOrder: boolean;
  version: string;
  /** Every conversion made on read (transposed from Fortran order, byte-swapped, widened). */
  notes: string[];
}

export function readNpy(buffer: ArrayBuffer | Uint8Array, fileName = 'the file'): NdArray {
  return readNpyInfo(buffer, fileName).array;
}

export function readNpyInfo(
  buffer: ArrayBuffer | Uint8Array,
  fileName = 'the file',
): { array: NdArray; info: NpyInfo } {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const fail = (why: string): never => {
    throw new NpyError(`${fileName}: ${why}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail('not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6];
  const minor = bytes[7];
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0)
    fail(`unsupported .npy format version ${major}.${minor} (NumPy writes 1.0, 2.0 and 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : -1;
  const headerStart = major === 1 ? 10 : 12;
  if (headerLen < 0 || headerStart + headerLen > bytes.length) fail('truncated header');
  const rawHeader = bytes.subarray(headerStart, headerStart + headerLen);
  // Padding beyond the dict is harmless; the dict itself is held to NumPy's default size limit.
  let end = rawHeader.length;
  while (
    end > 0 &&
    (rawHeader[end - 1] === 0x20 || rawHeader[end - 1] === 0x0a || rawHeader[end - 1] === 0x09)
  )
    end--;
  if (end > MAX_HEADER_CHARS)
    fail(
      `the header is ${end} bytes long; NumPy refuses headers over ${MAX_HEADER_CHARS} (its max_header_size), and a numeric array's header is under 200`,
    );
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(
      rawHeader.subarray(0, end),
    );
  } catch {
    return fail('the header is not valid UTF-8');
  }
  const h = parseNpyHeader(header, major < 3, fail);
  const info: NpyInfo = {
    descr: h.descr,
    fileDtype: '',
    fortranOrder: h.fortranOrder,
    version: `${major}.0`,
    notes: [],
  };
  const order = h.descr[0];
  const code = h.descr.slice(1);
  if (h.descr.includes('O')) fail('object arrays (dtype=object) cannot be read; save a numeric array');
  const kind = KINDS[code];
  if (!kind || !'<>|='.includes(order) || h.descr.length !== 3)
    fail(`unsupported dtype '${h.descr}' (supported: ${SUPPORTED})`);
  if (order === '|' && kind.bytes > 1)
    fail(`dtype '${h.descr}' has no byte order; NumPy writes '<' or '>' here`);
  info.fileDtype = kind.name;
  const bigEndian = order === '>';
  const { shape } = h;
  const count = sizeOf(shape);
  const dataStart = headerStart + headerLen;
  const need = count * kind.bytes;
  if (!Number.isSafeInteger(need) || need > 2 ** 31)
    fail(`shape (${shape.join(', ')}) is too large to load (${need} bytes)`);
  if (bytes.length - dataStart < need) {
    fail(
      `truncated data: shape (${shape.join(', ')}) needs ${need} bytes, the file has ${bytes.length - dataStart}`,
    );
  }
  // Copy into a fresh, aligned buffer: the payload offset need not be a multiple of the element size.
  // (Uint8Array's slice, not Node Buffer's, which would return a view into a shared pool.)
  const raw = Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + need) as Uint8Array;
  if (bigEndian && kind.bytes > 1) {
    swapBytes(raw, kind.bytes);
    info.notes.push(`${fileName} is big-endian (${h.descr}): byte-swapped on read`);
  }
  let data = decode(raw, code, kind, fail);
  if (kind.name !== kind.dtype)
    info.notes.push(`${fileName} holds ${kind.name}: read as ${kind.dtype} (every value exact)`);
  if (h.fortranOrder && shape.length > 1) {
    data = fortranToC(data, shape);
    info.notes.push(`${fileName} is in Fortran order: transposed to C order on read`);
  }
  return { array: { dtype: kind.dtype, shape, data }, info };
}

function swapBytes(b: Uint8Array, width: number): void {
  for (let i = 0; i < b.length; i += width) {
    for (let lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}

/** IEEE half precision → float32 (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decode(raw: Uint8Array, code: string, kind: Kind, fail: (why: string) => never): TypedData {
  const buf = raw.buffer as ArrayBuffer;
  switch (code) {
    case 'f2':
      return Float32Array.from(new Uint16Array(buf), halfToFloat);
    case 'f4':
      return new Float32Array(buf);
    case 'f8':
      return new Float64Array(buf);
    case 'i1':
      return Int32Array.from(new Int8Array(buf));
    case 'i2':
      return Int32Array.from(new Int16Array(buf));
    case 'u2':
      return Int32Array.from(new Uint16Array(buf));
    case 'i4':
      return new Int32Array(buf);
    case 'i8':
      return new BigInt64Array(buf);
    case 'u4':
      return BigInt64Array.from(new Uint32Array(buf), (v) => BigInt(v));
    case 'u8': {
      const u = new BigUint64Array(buf);
      const bad = u.findIndex((v) => v >= 2n ** 63n);
      if (bad >= 0)
        fail(
          `uint64 value ${u[bad]} at flat index ${bad} is above 2^63 − 1, the largest integer this lab holds`,
        );
      return new BigInt64Array(buf);
    }
    case 'b1':
      return raw.map((v) => (v ? 1 : 0));
    default:
      if (kind.dtype === 'uint8') return raw;
      return fail(`unsupported dtype ${code}`);
  }
}

/** Reorders column-major (Fortran) data of the given shape into row-major (C) order. */
function fortranToC(src: TypedData, shape: number[]): TypedData {
  const out = new (src.constructor as { new (n: number): TypedData })(src.length);
  const nd = shape.length;
  if (nd === 2) {
    const [r, c] = shape;
    const s = src as Float64Array;
    const o = out as Float64Array;
    for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) o[i * c + j] = s[j * r + i];
    return out;
  }
  // Walk the Fortran layout in order (first index fastest) and place each value at its C offset.
  const cStride = new Array<number>(nd).fill(1);
  for (let k = nd - 2; k >= 0; k--) cStride[k] = cStride[k + 1] * shape[k + 1];
  const idx = new Array<number>(nd).fill(0);
  let cOff = 0;
  const s = src as Float64Array;
  const o = out as Float64Array;
  for (let f = 0; f < src.length; f++) {
    o[cOff] = s[f];
    for (let k = 0; k < nd; k++) {
      idx[k]++;
      cOff += cStride[k];
      if (idx[k] < shape[k]) break;
      cOff -= idx[k] * cStride[k];
      idx[k] = 0;
    }
  }
  return out;
}

// ---- The header: a Python literal, read as `ast.literal_eval` would, in one linear pass. ----

type PyValue =
  | { t: 'str'; v: string }
  | { t: 'int'; v: number }
  | { t: 'float' }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'tuple'; items: PyValue[] }
  | { t: 'list'; items: PyValue[] }
  | { t: 'dict'; entries: [PyValue, PyValue][] };

function show(v: PyValue): string {
  switch (v.t) {
    case 'str':
      return `'${v.v.length > 30 ? `${v.v.slice(0, 30)}…` : v.v}'`;
    case 'int':
      return String(v.v);
    case 'float':
      return 'a float';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return `a tuple of ${v.items.length}`;
    case 'list':
      return `a list of ${v.items.length}`;
    case 'dict':
      return `a dict of ${v.entries.length}`;
  }
}

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/**
 * Parses the header text (a Python dict literal) and checks it as `np.lib.format` does: exactly the
 * keys descr, fortran_order and shape; shape a tuple of non-negative ints; fortran_order a bool; descr
 * a string (a list descr is a structured dtype, refused). Stricter than NumPy in one place: a key
 * given twice is refused (NumPy silently keeps the last). `legacyL` accepts Python 2's `2L` integers,
 * as NumPy does for format 1.0 and 2.0 files. Linear time: one forward pass, nesting capped.
 */
export function parseNpyHeader(
  text: string,
  legacyL = true,
  fail: (why: string) => never = defaultFail,
): NpyHeader {
  let i = 0;
  const n = text.length;
  const at = () => (i < n ? `at character ${i + 1} ("${text.slice(i, i + 12)}…")` : 'at the end');
  const bad = (why: string): never => fail(`the header is not a valid NumPy header: ${why}`);
  const skip = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) i++;
      else if (c === 92 && text.charCodeAt(i + 1) === 10)
        i += 2; // a backslash line continuation
      else if (c === 35) {
        // A # comment runs to the end of the line.
        while (i < n && text.charCodeAt(i) !== 10) i++;
      } else break;
    }
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) bad(`values nested more than ${MAX_DEPTH} deep ${at()}`);
    skip();
    const c = text[i];
    if (c === '{' || c === '(' || c === '[') {
      const close = c === '{' ? '}' : c === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      const entries: [PyValue, PyValue][] = [];
      let sawComma = false;
      for (;;) {
        skip();
        if (text[i] === close) {
          i++;
          break;
        }
        if (i >= n) bad(`"${c}" is never closed`);
        const v = value(depth + 1);
        if (c === '{') {
          skip();
          if (text[i] !== ':') bad(`expected ":" after a key ${at()}`);
          i++;
          entries.push([v, value(depth + 1)]);
        } else items.push(v);
        if (items.length > MAX_DIMS * 4 || entries.length > 16) bad(`too many items ${at()}`);
        skip();
        if (text[i] === ',') {
          i++;
          sawComma = true;
        } else if (text[i] !== close) bad(`expected "," or "${close}" ${at()}`);
      }
      if (c === '{') return { t: 'dict', entries };
      if (c === '[') return { t: 'list', items };
      // (x) is x in Python; (x,) and () are tuples.
      if (items.length === 1 && !sawComma) return items[0];
      return { t: 'tuple', items };
    }
    if (c === "'" || c === '"') {
      i++;
      const quote = c.charCodeAt(0);
      const parts: string[] = [];
      let from = i;
      for (;;) {
        const ch = text.charCodeAt(i);
        if (i >= n || ch === 10) bad('a string is never closed');
        if (ch === quote) {
          parts.push(text.slice(from, i));
          i++;
          break;
        }
        if (ch === 92) {
          parts.push(text.slice(from, i));
          const e = text[i + 1] ?? '';
          parts.push(e === 'n' ? '\n' : e === 't' ? '\t' : e);
          i += 2;
          from = i;
        } else i++;
      }
      const s = parts.join('');
      return { t: 'str', v: s };
    }
    if (c === '-' || c === '+' || (c >= '0' && c <= '9') || c === '.') {
      const start = i;
      if (c === '-' || c === '+') {
        i++;
        skip();
      }
      const body = i;
      const hex = text.charCodeAt(i) === 48 && (text[i + 1] === 'x' || text[i + 1] === 'X');
      for (; i < n; i++) {
        const ch = text.charCodeAt(i);
        const word =
          (ch >= 48 && ch <= 57) ||
          (ch >= 65 && ch <= 90) ||
          (ch >= 97 && ch <= 122) ||
          ch === 95 ||
          ch === 46;
        if (!word) break;
        // An exponent's sign belongs to the number.
        const sign = text.charCodeAt(i + 1);
        if ((ch === 101 || ch === 69) && (sign === 43 || sign === 45) && !hex) i++;
      }
      // No dimension needs more than 20 digits: longer words are refused without further scanning.
      if (i - body > 60) bad(`a number ${i - body} characters long ${at()}`);
      let word = text.slice(body, i);
      if (legacyL && /^[0-9]+[lL]$/.test(word)) word = word.slice(0, -1);
      const neg = text[start] === '-';
      let v: number;
      if (/^(0|[1-9](_?[0-9])*)$/.test(word)) v = Number(word.replaceAll('_', ''));
      else if (/^0[xX](_?[0-9a-fA-F])+$/.test(word))
        v = Number.parseInt(word.slice(2).replaceAll('_', ''), 16);
      else if (/^0[oO](_?[0-7])+$/.test(word)) v = Number.parseInt(word.slice(2).replaceAll('_', ''), 8);
      else if (/^0[bB](_?[01])+$/.test(word)) v = Number.parseInt(word.slice(2).replaceAll('_', ''), 2);
      else if (/^0+$/.test(word)) v = 0;
      else if (scanNumber(word, { maxChars: 60 }).ok) return { t: 'float' };
      else return bad(`"${word.slice(0, 20)}" is not a number ${at()}`);
      return { t: 'int', v: neg ? -v : v };
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]{0,20}/.exec(text.slice(i, i + 22))?.[0] ?? '';
    if (word === 'True' || word === 'False') {
      i += word.length;
      return { t: 'bool', v: word === 'True' };
    }
    if (word === 'None') {
      i += 4;
      return { t: 'none' };
    }
    if (word) return bad(`"${word}" is not a Python literal (NumPy's header holds only literals) ${at()}`);
    return bad(i >= n ? 'it ends where a value should be' : `unexpected "${text[i]}" ${at()}`);
  };

  skip();
  if (i >= n) bad('it is empty');
  const top = value(0);
  skip();
  if (i < n) bad(`unexpected text after the dict ${at()}`);
  if (top.t !== 'dict') bad(`it is ${show(top)}, not a dict`);
  const d = top as Extract<PyValue, { t: 'dict' }>;
  const got = new Map<string, PyValue>();
  for (const [k, v] of d.entries) {
    if (k.t !== 'str') bad(`a key is ${show(k)}, not a string`);
    const key = (k as { v: string }).v;
    if (got.has(key)) bad(`the key '${key}' is given twice`);
    got.set(key, v);
  }
  const keys = [...got.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape')
    bad(
      `it must have exactly the keys 'descr', 'fortran_order' and 'shape' (it has ${keys.map((k) => `'${k.slice(0, 30)}'`).join(', ') || 'none'})`,
    );
  const shapeV = got.get('shape') as PyValue;
  if (shapeV.t !== 'tuple') return bad(`shape must be a tuple of integers (it is ${show(shapeV)})`);
  if (shapeV.items.length > MAX_DIMS)
    bad(`shape has ${shapeV.items.length} dimensions (NumPy allows ${MAX_DIMS})`);
  const shape = shapeV.items.map((x) => {
    if (x.t !== 'int') return bad(`shape must be a tuple of integers (it holds ${show(x)})`);
    if (x.v < 0) return bad(`shape has a negative dimension (${x.v})`);
    if (!Number.isSafeInteger(x.v)) return bad(`shape has a dimension too large (${x.v})`);
    return x.v;
  });
  const fo = got.get('fortran_order') as PyValue;
  if (fo.t !== 'bool') return bad(`fortran_order must be True or False (it is ${show(fo)})`);
  const descr = got.get('descr') as PyValue;
  if (descr.t === 'list')
    return fail(
      `structured arrays (a record dtype) are not supported; save a plain numeric array (${SUPPORTED})`,
    );
  if (descr.t !== 'str') return bad(`descr must be a dtype string such as '<f4' (it is ${show(descr)})`);
  return { descr: descr.v, fortranOrder: fo.v, shape };
}

function defaultFail(why: string): never {
  throw new NpyError(why);
}

const WRITE_DESCR: Record<DType, string> = {
  float32: '<f4',
  float64: '<f8',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
  bool: '|b1',
};

/** Serialises as format 1.0 with the header padded so the data starts on a 64-byte boundary. */
export function writeNpy(a: NdArray): Uint8Array {
  if (sizeOf(a.shape) !== a.data.length)
    throw new NpyError(`shape ${a.shape.join('×')} does not match ${a.data.length} elements`);
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '${WRITE_DESCR[a.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const headerBytes = new TextEncoder().encode(header);
  const payload = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Uint8Array(10 + headerBytes.length + payload.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, headerBytes.length, true);
  out.set(headerBytes, 10);
  out.set(payload, 10 + headerBytes.length);
  return out;
}
