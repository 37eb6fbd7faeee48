// Prelude: one thread per item on a 2-D grid of WG-thread workgroups (x ≤ 65535 workgroups, as grid() in
// workers/gpu/pass.ts lays them out): item = gid.x + gid.y·nwg.x·WG. WG is the kernel's workgroup size,
// set by its wrapper through the pipeline's override constants.
override WG: u32 = 256u;

fn flatIndex(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}
