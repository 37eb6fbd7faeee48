/**
 * SAE → Python (PyTorch): the same model trained from the same initialisation on the same batches in the
 * same order, with torch.optim.Adam at the lab's settings and schedules, the decoder-gradient projection and
 * unit-norm atoms (none for the April-2024 ReLU-L1, whose atom norms are free; PolySAE: QR retraction); autograd gives the gradients (JumpReLU through its
 * straight-through estimator as a custom autograd function).
 */
import { type NdArray, nd } from '../core/ndarray';
import { BatchSampler } from '../data/sae-sources';
import { saeConfig } from '../experiments/sae/config';
import { loadSaeData } from '../experiments/sae/data';
import { type RunContext, UserError } from '../experiments/types';
import { infoOf, initParams, isPoly, paramLayout } from '../reference/sae/model';
import { QR_JITTER, SPARSITY_WARMUP } from '../reference/sae/optim';
import type { SaeValues } from '../spec/sae';
import { saeForm } from '../spec/sae-models';
import { folder, preamble, py } from './python';
import type { ExportRequest, PythonExporter } from './types';

/** Weights after training, relative to max |w|: the issue's bound for 50 steps from the same start. */
export const SAE_TOL = 1e-3;

/** The lab's parameter name → its output array (and the transform from one to the other). */
const OUTPUT_OF: Record<string, string> = {
  W_enc: 'encoder',
  b_enc: 'bias_enc',
  W_dec: 'decoder',
  b_dec: 'bias_dec',
  log_threshold: 'threshold',
  U: 'U',
  C1: 'C1',
  C2: 'C2',
  C3: 'C3',
  lambda: 'lambda',
};

const PY_BODY = `
class JumpReLU(torch.autograd.Function):
    """z = pre * H(pre - theta); straight-through gradient for theta with the rectangle kernel of width eps."""

    @staticmethod
    def forward(ctx, pre, theta):
        ctx.save_for_backward(pre, theta)
        return pre * (pre > theta)

    @staticmethod
    def backward(ctx, grad):
        pre, theta = ctx.saved_tensors
        eps = CFG["bandwidth"]
        kernel = (((pre - theta) / eps).abs() < 0.5).to(grad.dtype)
        return grad * (pre > theta), (-(theta / eps) * kernel * grad).sum(0)


class Step(torch.autograd.Function):
    """H(pre - theta), the L0 count; gradient only for theta (straight-through)."""

    @staticmethod
    def forward(ctx, pre, theta):
        ctx.save_for_backward(pre, theta)
        return (pre > theta).to(pre.dtype)

    @staticmethod
    def backward(ctx, grad):
        pre, theta = ctx.saved_tensors
        eps = CFG["bandwidth"]
        kernel = (((pre - theta) / eps).abs() < 0.5).to(grad.dtype)
        return torch.zeros_like(pre), (-(1 / eps) * kernel * grad).sum(0)


def lr_at(t):
    """Linear warm-up from 0, flat, then linear decay to 0 over the last fraction of the steps."""
    steps = CFG["steps"]
    warm, decay = int(CFG["warmup"] * steps), int(CFG["decay"] * steps)
    f = (t + 1) / (warm + 1) if warm > 0 and t < warm else 1.0
    if decay > 0 and t >= steps - decay:
        f = min(f, (steps - t) / (decay + 1))
    return CFG["lr"] * f


def sparsity_scale_at(t):
    warm = int(SPARSITY_WARMUP * CFG["steps"])
    return (t + 1) / (warm + 1) if warm > 0 and t < warm else 1.0


def top_k_mask(pre, k):
    """True at the k largest entries of each row."""
    return torch.zeros_like(pre, dtype=torch.bool).scatter_(1, pre.topk(k, dim=1).indices, True)


def loss_and_codes(P, X, t, dead, variance):
    B = X.shape[0]
    model, k = CFG["model"], CFG["k"]
    # The 2024 ReLU-L1 has no pre-encoder bias; every other model's encoder sees x - b_dec.
    pre = (X if model == "relu_l1" else X - P["b_dec"]) @ P["W_enc"].T + P["b_enc"]
    if model in ("relu_l1", "relu_l1_unit"):
        z = F.relu(pre)
    elif model == "jumprelu":
        z = JumpReLU.apply(pre, torch.exp(P["log_threshold"]))
    elif model == "batchtopk":
        kk = min(k * B, pre.numel())
        threshold = pre.flatten().topk(kk).values[-1]  # the (k·B)-th largest of the batch
        z = torch.where(pre >= threshold, F.relu(pre), torch.zeros_like(pre))
    else:  # topk, polysae
        z = torch.where(top_k_mask(pre, k), F.relu(pre), torch.zeros_like(pre))
    if model == "polysae":
        a = z @ P["U"]
        r2 = CFG["rank2"]
        xhat = P["b_dec"] + a @ P["C1"].T
        xhat = xhat + P["lambda"][0] * (a[:, :r2] ** 2) @ P["C2"].T + P["lambda"][1] * (a[:, :r2] ** 3) @ P["C3"].T
    else:
        xhat = z @ P["W_dec"] + P["b_dec"]
    e = X - xhat
    loss = (e * e).sum() / (B * variance)
    scale = sparsity_scale_at(t)
    if model in ("relu_l1", "relu_l1_unit"):  # lambda * sum_i f_i ||d_i|| (||d_i|| = 1 in the 2023 form)
        loss = loss + CFG["l1"] * scale * (z * P["W_dec"].norm(dim=1)).sum() / (B * math.sqrt(variance))
    if model == "jumprelu":
        loss = loss + CFG["l0Coeff"] * scale * Step.apply(pre, torch.exp(P["log_threshold"])).sum() / B
    if model in ("topk", "batchtopk") and CFG["auxK"] > 0 and CFG["auxCoeff"] > 0 and bool(dead.any()):
        # AuxK: the top auxK dead latents reconstruct the (fixed) residual.
        kk = min(CFG["auxK"], int(dead.sum()))
        masked = pre.masked_fill(~dead, -math.inf)
        z_aux = torch.where(top_k_mask(masked, kk), F.relu(pre), torch.zeros_like(pre))
        target = e.detach()
        norm = (target * target).sum()
        if norm > 0:
            loss = loss + CFG["auxCoeff"] * ((target - z_aux @ P["W_dec"]) ** 2).sum() / norm
    return loss, z


def train(x, batches, init):
    n_train = CFG["n_train"]
    variance = float(((x[:n_train] - x[:n_train].mean(0)) ** 2).sum(1).mean())
    P = {name: value.clone().requires_grad_(True) for name, value in init.items()}
    opt = torch.optim.Adam(P.values(), lr=CFG["lr"], betas=(CFG["beta1"], CFG["beta2"]), eps=CFG["eps"])
    since = torch.zeros(CFG["latents"], dtype=torch.float64)  # samples since each latent last fired
    poly = CFG["model"] == "polysae"
    unit = not poly and CFG["model"] != "relu_l1"  # the 2024 ReLU-L1 leaves its atoms' norms free
    for t, rows in enumerate(batches):
        X = x[rows]
        dead = since >= CFG["deadSamples"]
        opt.zero_grad()
        loss, z = loss_and_codes(P, X, t, dead, variance)
        loss.backward()
        with torch.no_grad():
            for p in P.values():
                if p.grad is None:
                    p.grad = torch.zeros_like(p)
            if unit:  # the decoder gradient loses its component along each atom
                W, g = P["W_dec"], P["W_dec"].grad
                g -= ((W * g).sum(1, keepdim=True) / (W * W).sum(1, keepdim=True).clamp_min(1e-300)) * W
            for group in opt.param_groups:
                group["lr"] = lr_at(t)
            opt.step()
            if poly:  # U back to orthonormal columns: Cholesky-QR, U <- U L^-T
                U = P["U"]
                fro = (U * U).sum()
                if fro.sqrt() >= 1e-6:
                    G = U.T @ U + QR_JITTER * fro / U.shape[1] * torch.eye(U.shape[1], dtype=U.dtype)
                    U.copy_(U @ torch.linalg.inv(torch.linalg.cholesky(G)).T)
            elif unit:  # unit-norm atoms
                P["W_dec"] /= P["W_dec"].norm(dim=1, keepdim=True).clamp_min(1e-300)
            fired = (z > 0).sum(0)
            since = torch.where(fired > 0, torch.zeros_like(since), since + X.shape[0])
    return {name: p.detach() for name, p in P.items()}


def as_lab_arrays(P):
    """The lab's array names: encoder/decoder M×d, bias_enc, bias_dec, threshold = exp(log_threshold),
    and for PolySAE the linear atoms U C1^T as the decoder."""
    out = {"encoder": P["W_enc"], "bias_enc": P["b_enc"], "bias_dec": P["b_dec"]}
    if CFG["model"] == "polysae":
        out["decoder"] = P["U"] @ P["C1"].T
        for name in ("U", "C1", "C2", "C3", "lambda"):
            out[name] = P[name]
    else:
        out["decoder"] = P["W_dec"]
    if CFG["model"] == "jumprelu":
        out["threshold"] = torch.exp(P["log_threshold"])
    return {k: v.numpy() for k, v in out.items()}
`;

export const saeExporter: PythonExporter = {
  experiment: 'sae',
  requires: ['numpy', 'torch'],
  async export(req: ExportRequest) {
    const v = req.values as unknown as SaeValues;
    const r = req.result;
    if (v.study !== 'train')
      throw new UserError(
        'Export → Python covers training one SAE (study "train"); the frontier sweep keeps no weights to compare',
      );
    const python = saeForm(v.model, v).python;
    if (python !== true) throw new UserError(python.why);
    const ctx: RunContext = {
      backend: 'cpu',
      gpu: null,
      data: req.data,
      dataset: req.dataset,
      signal: new AbortController().signal,
      progress: () => {},
    };
    const { ds } = await loadSaeData(v, ctx);
    const c = saeConfig(v, ds);
    const init = initParams(c, v.seed, ds.mean);
    const sampler = new BatchSampler(ds.nTrain, v.batch, v.seed);
    const batches = new Int32Array(v.steps * v.batch);
    const rows = new Uint32Array(v.batch);
    for (let s = 0; s < v.steps; s++) batches.set(sampler.next(rows), s * v.batch);
    const inputs: Record<string, NdArray> = {
      x: nd(ds.x, [ds.n, ds.d]),
      batches: nd(batches, [v.steps, v.batch]),
    };
    const names = paramLayout(c).map((p) => p.name);
    for (const { name, shape } of paramLayout(c)) inputs[`init_${name}`] = nd(init[name], shape);
    const outputs: Record<string, NdArray> = {};
    for (const name of names) {
      const key = OUTPUT_OF[name];
      if (r.arrays[key]) outputs[key] = r.arrays[key];
    }
    if (isPoly(c)) outputs.decoder = r.arrays.decoder;
    const cfg = {
      model: c.model,
      latents: c.m,
      d: c.d,
      k: c.k,
      l1: c.l1,
      auxK: c.auxK,
      auxCoeff: c.auxCoeff,
      deadSamples: c.deadSamples,
      bandwidth: c.bandwidth,
      l0Coeff: c.l0Coeff,
      rank2: c.rank2,
      lr: c.lr,
      beta1: c.beta1,
      beta2: c.beta2,
      eps: c.eps,
      steps: c.steps,
      warmup: c.warmup,
      decay: c.decay,
      n_train: ds.nTrain,
    };
    const gpu = r.backend === 'webgpu';
    const run = `${preamble(
      `Sparse autoencoder: ${c.model}, ${c.m} latents, ${v.steps} steps`,
      req,
      `Trains the same SAE in PyTorch (float64): the lab's initial weights, the same batches in the same order,
Adam with the lab's settings, learning-rate and sparsity warm-up/decay, ${infoOf(c).exportUpdate}; then compares the weights with the lab's.
The data x is the lab's (${ds.scale !== 1 ? `rescaled by ${ds.scale.toPrecision(6)} so the mean norm is √d` : 'as given'}); rows [0, n_train) train.${
        gpu
          ? `
The lab trained on the GPU in float32: summation order differs from this float64 run, and after many steps a
top-k selection can flip on a near-tie, so later weights may drift apart; within the stated tolerance for
short runs.`
          : ''
      }`,
      'import torch\nimport torch.nn.functional as F\n',
    )}
CFG = ${py(cfg)}
SPARSITY_WARMUP = ${py(SPARSITY_WARMUP)}
QR_JITTER = ${py(QR_JITTER)}
TOLERANCE = ${py(SAE_TOL)}  # relative to max |w| of each array, after ${v.steps} steps
${PY_BODY}

def load_data():
    """The training data (n×d), the batches (steps×batch row indices) and the initial weights.
    Replace with your own activations and your own batch order."""
    z = load_npz("inputs.npz")
    x = torch.from_numpy(z["x"]).double()
    batches = torch.from_numpy(z["batches"]).long()
    init = {name[5:]: torch.from_numpy(z[name]).double() for name in z if name.startswith("init_")}
    return x, batches, init


def main():
    x, batches, init = load_data()
    ours = as_lab_arrays(train(x, batches, init))
    lab = load_npz("outputs.npz")
    return report([(name, ours[name], want, TOLERANCE) for name, want in lab.items()])


if __name__ == "__main__":
    sys.exit(main())
`;
    return folder(req, run, inputs, outputs, this.requires);
  },
};
