/** Pieces every exported run.py shares: the header, the .npz loader, the agreement report, and the folder. */
import type { NdArray } from '../core/ndarray';
import { writeNpz } from './npz';
import type { ExportFolder, ExportRequest } from './types';

/** A Python literal for a JSON-like value (dicts, lists, numbers, strings, booleans, None). */
export function py(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return "float('nan')";
    if (!Number.isFinite(value)) return value > 0 ? "float('inf')" : "-float('inf')";
    // JavaScript's shortest round-trip forms are valid Python and read back to the same double.
    const abs = Math.abs(value);
    return abs !== 0 && abs < 1e-3 ? value.toExponential() : String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}: ${py(v)}`)
      .join(', ')}}`;
  throw new Error(`cannot write ${typeof value} as Python`);
}

/** The module docstring and the shared helpers; `imports` are the lab's own import lines. */
export function preamble(title: string, req: ExportRequest, what: string, imports: string): string {
  const safeUrl = req.url.replace(/[\\"]/g, '');
  return `"""${title}

Exported by SparseLab from ${safeUrl}
(backend: ${req.result.backend}; run finished ${req.result.finishedAt}).

${what}

Run:   python3 run.py          (exit code 0 when every array agrees with the lab, 1 otherwise)
To use your own data, replace load_data() below: it is the only place that reads inputs.npz.
"""
import math
import sys
from pathlib import Path

import numpy as np
${imports}
HERE = Path(__file__).resolve().parent


def load_npz(name):
    """Every array of one of this folder's .npz files, by name."""
    with np.load(HERE / name) as z:
        return {key: z[key] for key in z.files}


def rel_error(got, want, scale=None):
    """max |got - want| / scale, scale = max |want| unless given (0 for empty arrays, inf for a shape mismatch)."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return float("inf")
    if want.size == 0:
        return 0.0
    if scale is None:
        scale = float(np.max(np.abs(want)))
    return float(np.max(np.abs(got - want))) / max(scale, 1e-30)


def report(checks):
    """checks: (name, ours, the lab's, tolerance[, scale]) tuples. Prints one line each; returns the exit code."""
    ok = True
    for name, got, want, tol, *scale in checks:
        err = rel_error(got, want, *scale)
        passed = bool(err <= tol)
        ok = ok and passed
        print(f"{name:<14} relative error {err:.3e}   tolerance {tol:.0e}   {'PASS' if passed else 'FAIL'}")
    print("agreement with SparseLab:", "PASS" if ok else "FAIL")
    return 0 if ok else 1
`;
}

/** The folder: run.py, inputs.npz, outputs.npz and a short README.txt. */
export function folder(
  req: ExportRequest,
  runPy: string,
  inputs: Record<string, NdArray>,
  outputs: Record<string, NdArray>,
  requires: readonly string[],
): ExportFolder {
  const list = (a: Record<string, NdArray>) =>
    Object.entries(a)
      .map(([k, x]) => `  ${k}: ${x.dtype} ${x.shape.length ? x.shape.join('×') : 'scalar'}`)
      .join('\n');
  const readme = `SparseLab export: ${req.result.experiment}
From: ${req.url.replace(/[\r\n]/g, '')}
Backend: ${req.result.backend}

  python3 run.py

recomputes the run with ${requires.join(', ')} and prints its agreement with the lab's outputs.

inputs.npz (what the lab computed from):
${list(inputs)}

outputs.npz (what the lab computed):
${list(outputs)}
`;
  return {
    files: {
      'run.py': runPy,
      'inputs.npz': writeNpz(inputs),
      'outputs.npz': writeNpz(outputs),
      'README.txt': readme,
    },
  };
}
