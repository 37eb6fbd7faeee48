/** Runs one experiment and wraps its output with what every result carries. */
import { countNonFinite } from '../core/ndarray';
import { checkUserData } from '../io/user-data';
import { dataIssues, usedValues } from '../spec/data-rule';
import { validate } from '../spec/define';
import { checkLimits, estimateRun, limitsFor } from './estimate';
import { experimentFor } from './registry';
import { type RunContext, type RunResult, UserError } from './types';

export async function runExperiment(
  id: string,
  values: Record<string, unknown>,
  ctx: RunContext,
): Promise<RunResult> {
  const exp = experimentFor(id);
  if (!exp) throw new UserError(`unknown experiment "${id}"`);
  // The lab's data-source rule, on the files actually supplied: an unused or missing file is an error.
  const dataProblems = dataIssues(exp.spec as never, values, new Set(Object.keys(ctx.data)));
  if (dataProblems.length) throw new UserError(dataProblems.map((i) => i.message).join('; '));
  const checked = validate(exp.spec, values);
  if (!checked.ok) throw new UserError(checked.issues.map((i) => `${i.field}: ${i.message}`).join('; '));
  // One rule for the user's data in every lab: finite values, integers float32 holds exactly.
  checkUserData(ctx.data, ctx.inputs, (m) => {
    throw new UserError(m);
  });
  // Work and memory, estimated before anything is allocated: over the limits, the run is refused.
  const estimate = estimateRun(id, checked.values as Record<string, unknown>, ctx.backend, ctx.data);
  if (estimate)
    checkLimits(estimate, limitsFor(checked.values as Record<string, unknown>, ctx.backend), ctx.backend);
  const t0 = performance.now();
  const out = ctx.gpu
    ? await withGpuErrors(ctx.gpu.device, () => exp.run(checked.values, ctx))
    : await exp.run(checked.values, ctx);
  const nonFinite: Record<string, number> = {};
  for (const [name, arr] of Object.entries(out.arrays)) {
    if (arr.dtype !== 'float32' && arr.dtype !== 'float64') continue;
    const { count } = countNonFinite(arr.data as Float32Array);
    if (count > 0) nonFinite[name] = count;
  }
  for (const [name, v] of Object.entries(out.metrics))
    if (!Number.isFinite(v)) nonFinite[`metric:${name}`] = 1;
  let parity = out.parity;
  if (!parity) {
    if (ctx.backend === 'cpu')
      parity = { status: 'not-applicable', reason: 'the CPU backend is the reference' };
    else if (exp.parity) parity = await exp.parity(checked.values, ctx, out, false);
    else parity = { status: 'skipped', reason: 'no CPU reference for this experiment' };
  }
  return {
    ...out,
    parity,
    experiment: id,
    // Only what the run used: values fixed by the files are left at their defaults.
    spec: usedValues(exp.spec as never, checked.values as Record<string, unknown>),
    backend: ctx.backend,
    stages: out.stages ?? [
      {
        name: 'run',
        backend: ctx.backend,
        algorithm: id,
        note: 'this runner does not itemise its stages: the run’s backend is assumed',
      },
    ],
    adapter: ctx.gpu?.adapter ?? null,
    ...(estimate
      ? { estimate: { gflop: estimate.flops / 1e9, gb: estimate.bytes / 1e9, detail: estimate.detail } }
      : {}),
    nonFinite,
    ...(ctx.inputs && Object.keys(ctx.data).length
      ? {
          inputs: Object.fromEntries(Object.entries(ctx.inputs).filter(([slot]) => ctx.data[slot])),
        }
      : {}),
    wallMs: performance.now() - t0,
    finishedAt: new Date().toISOString(),
  };
}

/** A kernel that fails validation or runs out of memory reports asynchronously: catch it and say so. */
async function withGpuErrors<T>(device: GPUDevice, f: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T;
  try {
    value = await f();
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    const err = validation ?? oom;
    // biome-ignore lint/correctness/noUnsafeFinally: a GPU error invalidates whatever the run returned
    if (err) throw new Error(`a GPU kernel failed: ${err.message.split('\n')[0]}`);
  }
  return value;
}
