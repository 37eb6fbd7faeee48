/** The SAE kernels' one way to make a dispatch: a `Program` of workers/gpu/pass.ts, recorded by a `PassList`. */
import { type Op, type PassList, program } from '../../../gpu/pass';

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
