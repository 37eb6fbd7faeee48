/** `.npz` files: a zip of `.npy` members (what `np.savez` writes and `np.load` reads), and zips of folders. */
import { zipSync } from 'fflate';
import type { NdArray } from '../core/ndarray';
import { writeNpy } from '../io/npy';

const NAME = /^[A-Za-z_][\w]*$/;

/** `np.load(path)` gives back each array under its key. Keys must be Python identifiers. */
export function writeNpz(arrays: Record<string, NdArray>): Uint8Array {
  const members: Record<string, Uint8Array> = {};
  for (const [key, a] of Object.entries(arrays)) {
    if (!NAME.test(key)) throw new Error(`npz: "${key}" is not a valid array name`);
    members[`${key}.npy`] = writeNpy(a);
  }
  return zipSync(members, { level: 6 });
}

/** A folder (relative path → bytes or text) as one .zip, every file under `root/`. */
export function zipFolder(root: string, files: Record<string, Uint8Array | string>): Uint8Array {
  const enc = new TextEncoder();
  const members: Record<string, Uint8Array> = {};
  for (const [path, body] of Object.entries(files))
    members[`${root}/${path}`] = typeof body === 'string' ? enc.encode(body) : body;
  return zipSync(members, { level: 6 });
}
