/**
 * The compute worker's cache of the user's files, parsed once and kept by SHA-256 and name. The main
 * thread sends a file's bytes to a worker only when that worker does not hold it yet (see
 * `LabClient.run`); later runs refer to it by name and hash alone.
 */
import type { NdArray } from './core/ndarray';
import { sha256Hex } from './io/hash';
import { type InputInfo, readUserFile } from './io/user-data';
import type { FileRef } from './spec/fields';

/** One data slot's file in a run request: its bytes only when the worker does not have it yet. */
export interface RunFile {
  name: string;
  sha256: string;
  bytes?: ArrayBuffer;
}

export const fileKey = (name: string, sha256: string): string => `${sha256}|${name}`;

export class FileCache {
  private readonly parsed = new Map<string, { array: NdArray; info: InputInfo }>();

  /** The keys (see fileKey) of the files held here, out of `keys`. */
  held(keys: string[]): string[] {
    return keys.filter((k) => this.parsed.has(k));
  }

  /** Keeps a file parsed elsewhere (a dropped file checked by inspectFile). */
  put(ref: FileRef, array: NdArray, info: InputInfo): void {
    this.parsed.set(fileKey(ref.name, ref.sha256), { array, info });
  }

  /** One slot's file: parsed from its bytes (checked against the hash it was sent with) or taken from the cache. */
  async get(
    experiment: string,
    slot: string,
    f: RunFile,
  ): Promise<{ ref: FileRef; array: NdArray; info: InputInfo }> {
    const key = fileKey(f.name, f.sha256);
    let hit = this.parsed.get(key);
    if (f.bytes) {
      const u8 = new Uint8Array(f.bytes);
      const sha256 = await sha256Hex(u8);
      if (sha256 !== f.sha256)
        throw new Error(`${f.name}: its bytes do not match the SHA-256 they were sent with`);
      if (!hit) {
        const [one] = await readUserFile(f.name, u8, {
          slot,
          slots: [slot],
          experiment,
          archiveByName: false,
        });
        hit = { array: one.array, info: one.info };
        this.parsed.set(key, hit);
      }
    }
    if (!hit) throw new Error(`${f.name} (${slot}) was not sent to the compute worker; drop the file again`);
    return { ref: { name: f.name, shape: hit.array.shape, sha256: f.sha256 }, ...hit };
  }
}
