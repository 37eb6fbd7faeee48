// Shared by the batched phase-diagram kernels (shaders/regression/phase-*.wgsl): one problem per workgroup of
// WG threads (an override constant), problems described by 8 u32 each in `desc` (binding 0):
// key, n, k, xOff, yOff, lOff, 0, 0; n, d and k are at most MAX (the sizes of the workgroup arrays).

override WG: u32 = 64u;
const MAX: u32 = 512u;

@group(0) @binding(0) var<storage, read> desc: array<u32>;

struct Problem { key: u32, n: u32, k: u32, xOff: u32, yOff: u32, lOff: u32 }

// This workgroup's problem (a 2-D grid of workgroups when there are more than 65535 problems).
fn problem_index(wg: vec3<u32>, nwg: vec3<u32>) -> u32 { return wg.x + wg.y * nwg.x; }

fn problem_of(p: u32) -> Problem {
  let b = p * 8u;
  return Problem(desc[b], desc[b + 1u], desc[b + 2u], desc[b + 3u], desc[b + 4u], desc[b + 5u]);
}
