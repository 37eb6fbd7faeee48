/**
 * A Python 3 interpreter with the given modules, for tests that check our files and exports with NumPy,
 * scikit-learn or PyTorch. Looked up in order: $SPARSELAB_PYTHON, /usr/bin/python3 (Debian's python3-numpy,
 * python3-sklearn, python3-torch install there), then `python3` on the PATH. Returns null when none has them:
 * the caller skips and says so locally; under CI (CI=true) the caller must fail instead (see `requirePythonInCi`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const cache = new Map<string, string | null>();

export function findPython(modules: readonly string[]): string | null {
  const key = modules.join(',');
  if (cache.has(key)) return cache.get(key) ?? null;
  const candidates = [
    process.env.SPARSELAB_PYTHON,
    existsSync('/usr/bin/python3') ? '/usr/bin/python3' : undefined,
    'python3',
  ];
  let found: string | null = null;
  for (const py of candidates) {
    if (!py) continue;
    const code = modules.map((m) => `import ${m}`).join('; ') || 'pass';
    const r = spawnSync(py, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) {
      found = py;
      break;
    }
  }
  cache.set(key, found);
  return found;
}

/** In CI the Python checks must run: a missing interpreter is a failure there, a skip elsewhere. */
export function requirePythonInCi(modules: readonly string[]): string | null {
  const py = findPython(modules);
  if (!py && process.env.CI) {
    throw new Error(
      `CI needs a python3 with ${modules.join(', ')} (Debian: python3-numpy python3-sklearn python3-torch)`,
    );
  }
  return py;
}
