/**
 * Regression work and memory: a solve costs 2·n·d FLOPs per sweep (iteration), counted as min(maxIter, 50)
 * sweeps; a path has nAlphas solves; CV repeats it folds + 1 times; the n and ε sweeps run points × trials
 * problems; the phase diagram cells² × trials problems at n = nMax. Bytes 8·(3·n·d + nAlphas·d) for one
 * problem (X, its column-major copy and a working copy, the path's coefficients).
 */
import type { NdArray } from '../../core/ndarray';
import { solverUses, studyInfo } from '../../spec/regression-methods';
import type { Estimate } from '../estimate-types';
import type { Backend } from '../types';

export function estimateRegression(
  v: Record<string, unknown>,
  _backend: Backend,
  data: Record<string, NdArray>,
): Estimate {
  let n: number;
  let d: number;
  if (v.source === 'file' && data.X) [n, d] = [data.X.shape[0], data.X.shape[1] ?? 1];
  else if (v.source === 'diabetes') [n, d] = [442, 10];
  else if (v.source === 'digits') [n, d] = [1797, 64];
  else [n, d] = [Number(v.n), Number(v.d)];
  const work = studyInfo(v.study)?.work ?? 'one';
  const sweeps = Math.min(Number(v.maxIter) || 50, 50);
  const A = solverUses(v.solver, 'nAlphas') || work === 'folds' ? Number(v.nAlphas) : 1;
  let problems = 1;
  let what = `${A > 1 ? `a ${A}-α path` : 'one solve'} at n = ${n}, d = ${d}`;
  if (work === 'folds') {
    problems = Number(v.folds) + 1;
    what = `${problems} paths of ${A} α at n = ${n}, d = ${d}`;
  } else if (work === 'trials') {
    problems = Number(v.points) * Number(v.trials);
    n = Math.max(n, Number(v.nMax) || 0);
    what = `${problems} problems up to n = ${n}, d = ${d}`;
  } else if (work === 'cells') {
    problems = Number(v.cells) ** 2 * Number(v.trials);
    n = Number(v.nMax) || n;
    what = `${problems} problems up to n = ${n}, d = ${d}`;
  }
  return {
    flops: problems * A * sweeps * 2 * n * d,
    bytes: 8 * (3 * n * d + A * d),
    detail: `${what}, counting ${sweeps} sweeps per solve`,
  };
}
