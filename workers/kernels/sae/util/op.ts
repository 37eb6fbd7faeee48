/** The SAE kernels' one way to make a dispatch: a `Program` of workers/gpu/pass.ts, recorded by a `PassList`. */
import flatIndexCode from '../../../../shaders/common/flat-index.wgsl?raw';
import { grid, type Op, type PassList, program } from '../../../gpu/pass';

/** A dispatch op (not recorded) of `code` under `key`, with its `override` constants, over `buffers` at 0, 1, 2, … */
export function saeOp(
  list: PassList,
  key: string,
  code: string,
  buffers: GPUBuffer[],
  workgroups: readonly [number, number?, number?],
  constants?: Record<string, number>,
): Op {
  return list.op(program(key, code, constants ? { constants } : {}), buffers, workgroups);
}

/**
 * A one-thread-per-item kernel over `n` items in workgroups of `wg` threads: the body uses `flatIndex` and
 * `@workgroup_size(WG)` from the shaders/common/flat-index.wgsl prelude, and `wg` is passed as the override WG.
 */
export function saeFlatOp(
  list: PassList,
  key: string,
  body: string,
  buffers: GPUBuffer[],
  n: number,
  wg: number,
  constants: Record<string, number> = {},
): Op {
  const p = program(key, body, { prelude: [flatIndexCode], constants: { ...constants, WG: wg } });
  return list.op(p, buffers, grid(n, wg));
}
