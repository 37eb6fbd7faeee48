// Shared by the batched phase-diagram solvers (phase-omp.wgsl, phase-fista.wgsl), after phase-batch.wgsl:
// the generated problems (X at binding 1, y at 2, both read) and the solutions (coef, count×d, at 3).

@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> coef: array<f32>;
