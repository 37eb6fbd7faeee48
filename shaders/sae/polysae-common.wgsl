// PolySAE general form: the sizes every kernel of its training step reads (workers/kernels/sae/polysae.ts).
// Rows [0, B) of the stacked arrays (z, sel, A, xraw, G, GA) are the batch, rows [B, 2B) its AuxK codes.
// A and GA pack a₁ | a₂ | a₃ (columns [0, R₁), [R₁, R₁+R₂), [R₁+R₂, T)). One thread per output (flatIndex and the override WG from
// shaders/common/flat-index.wgsl, prepended before this prelude; the wrapper sets WG).
struct Dims {
  B: u32, d: u32, M: u32, R1: u32,
  R2: u32, R3: u32, T: u32, k: u32,
  kAux: u32, aux: u32, rows: u32, _p0: u32,
  deadAfter: f32, variance: f32, auxCoeff: f32, _p1: f32,
}
