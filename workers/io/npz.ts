/**
 * NumPy .npz archives (np.savez: stored members; np.savez_compressed: deflated members), read with
 * fflate. Each member `name.npy` is a .npy file; this returns the members' bytes, which the caller
 * reads with readNpy and maps to the experiment's data slots by name.
 */
import { type UnzipFileInfo, unzipSync, zipSync } from 'fflate';

export class NpzError extends Error {
  override name = 'NpzError';
}

/** Uncompressed size limits: an archive claiming more is refused before anything is inflated. */
export const MAX_MEMBER_BYTES = 2 ** 31;
export const MAX_TOTAL_BYTES = 2 ** 32;
const MAX_MEMBERS = 64;

export interface NpzMember {
  /** The array's name as np.savez was given it: the member's file name without `.npy`. */
  key: string;
  /** The member's .npy bytes, uncompressed (np.save of the same array writes the same bytes). */
  bytes: Uint8Array;
}

export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  );
}

export function readNpz(bytes: Uint8Array, fileName = 'the archive'): NpzMember[] {
  const fail = (why: string): never => {
    throw new NpzError(`${fileName}: ${why}`);
  };
  if (!isZip(bytes)) fail('not a .npz file (a .npz is a zip archive; this does not start with one)');
  const infos: UnzipFileInfo[] = [];
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/')) return false;
        infos.push(f);
        if (infos.length > MAX_MEMBERS) fail(`it holds more than ${MAX_MEMBERS} arrays`);
        if (f.compression !== 0 && f.compression !== 8)
          fail(
            `member ${f.name} uses zip compression method ${f.compression}; NumPy writes stored (0) or deflated (8)`,
          );
        if (f.originalSize > MAX_MEMBER_BYTES)
          fail(`member ${f.name} would unpack to ${f.originalSize} bytes`);
        // Deflate expands at most ~1032:1 and a stored member not at all: a larger claim is a damaged
        // (or hostile) archive, refused before any memory is allocated for it.
        if (
          (f.compression === 0 && f.originalSize !== f.size) ||
          (f.compression === 8 && f.originalSize > f.size * 1032 + 64)
        )
          fail(`member ${f.name} claims ${f.originalSize} bytes from ${f.size}: the archive is damaged`);
        total += f.originalSize;
        if (total > MAX_TOTAL_BYTES) fail(`its members would unpack to more than ${MAX_TOTAL_BYTES} bytes`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof NpzError) throw e;
    return fail(`the archive is damaged or not a zip file (${e instanceof Error ? e.message : String(e)})`);
  }
  const members: NpzMember[] = [];
  for (const info of infos) {
    const data = files[info.name];
    if (!data) continue;
    if (!info.name.endsWith('.npy'))
      fail(`member "${info.name.slice(0, 80)}" is not a .npy array (np.savez writes only name.npy members)`);
    if (data.length !== info.originalSize)
      fail(`member ${info.name} unpacked to ${data.length} bytes, the archive says ${info.originalSize}`);
    members.push({ key: info.name.slice(0, -4), bytes: data });
  }
  if (members.length === 0) fail('the archive holds no arrays');
  return members;
}

/**
 * Writes arrays as a .npz NumPy reads with np.load: one `name.npy` member per array. Deflated like
 * np.savez_compressed when `compress`, else stored like np.savez. A fixed timestamp keeps the bytes
 * the same for the same arrays.
 */
export function writeNpz(arrays: Record<string, Uint8Array>, compress = false): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6; mtime: Date }]> = {};
  const mtime = new Date(1980, 0, 1);
  for (const [name, npy] of Object.entries(arrays)) {
    if (!/^[\w.-]+$/.test(name)) throw new NpzError(`cannot name an archive member "${name.slice(0, 40)}"`);
    files[`${name}.npy`] = [npy, { level: compress ? 6 : 0, mtime }];
  }
  return zipSync(files);
}
