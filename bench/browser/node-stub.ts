/** Stands in for workers/gpu/node in the browser bench page (the page uses navigator.gpu, never Dawn). */
export function nodeGpuInstance(): null {
  throw new Error('workers/gpu/node is Node-only; the browser bench page uses navigator.gpu');
}
