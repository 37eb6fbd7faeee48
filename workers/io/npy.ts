/**
 * NumPy .npy reader and writer (format versions 1.0, 2.0 and 3.0; C order; little-endian).
 * Errors name what is wrong with the file so the lab can show them as they are.
 */
import { type DType, type NdArray, sizeOf, type TypedData } from '../core/ndarray';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR: Record<string, { dtype: DType; bytes: number }> = {
  '<f4': { dtype: 'float32', bytes: 4 },
  '<f8': { dtype: 'float64', bytes: 8 },
  '<i4': { dtype: 'int32', bytes: 4 },
  '<i8': { dtype: 'int64', bytes: 8 },
  '|u1': { dtype: 'uint8', bytes: 1 },
  '<u1': { dtype: 'uint8', bytes: 1 },
  '|b1': { dtype: 'bool', bytes: 1 },
};

export class NpyError extends Error {
  override name = 'NpyError';
}

export function readNpy(buffer: ArrayBuffer | Uint8Array, fileName = 'the file'): NdArray {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const fail = (why: string): never => {
    throw new NpyError(`${fileName}: ${why}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail('not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6];
  if (major !== 1 && major !== 2 && major !== 3) fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : -1;
  const headerStart = major === 1 ? 10 : 12;
  if (headerLen < 0 || headerStart + headerLen > bytes.length) fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLen),
  );

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1] ?? fail('header has no descr');
  const fortran =
    /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] ?? fail('header has no fortran_order');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail('header has no shape');
  if (fortran === 'True') fail('Fortran-order arrays are not supported; save with np.ascontiguousarray(a)');
  if (descr.includes('O')) fail('object arrays (dtype=object) cannot be read; save a numeric array');
  if (descr.startsWith('>'))
    fail(`big-endian dtype ${descr} is not supported; save with a.astype(a.dtype.newbyteorder('<'))`);
  const kind =
    DESCR[descr] ??
    fail(`unsupported dtype ${descr} (supported: float32, float64, int32, int64, uint8, bool)`);

  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(v) || v < 0) fail(`bad dimension "${s}" in shape`);
      return v;
    });
  const count = sizeOf(shape);
  const dataStart = headerStart + headerLen;
  const need = count * kind.bytes;
  if (bytes.length - dataStart < need) {
    fail(
      `truncated data: shape (${shape.join(', ')}) needs ${need} bytes, the file has ${bytes.length - dataStart}`,
    );
  }
  // Copy into a fresh, aligned buffer: the payload offset need not be a multiple of the element size.
  // (Uint8Array's slice, not Node Buffer's, which would return a view into a shared pool.)
  const raw = Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + need).buffer;
  let data: TypedData;
  switch (kind.dtype) {
    case 'float32':
      data = new Float32Array(raw);
      break;
    case 'float64':
      data = new Float64Array(raw);
      break;
    case 'int32':
      data = new Int32Array(raw);
      break;
    case 'int64':
      data = new BigInt64Array(raw);
      break;
    default:
      data = new Uint8Array(raw);
  }
  return { dtype: kind.dtype, shape, data };
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
