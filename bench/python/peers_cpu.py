"""Peer timings for bench/peers-cpu.ts: a long-lived process that loads the problem from .npy files once,
then answers one line per request ("lasso" or "sae") with the milliseconds that call took, measured here
(no interpreter start or import in the time), so the TypeScript side can alternate ours and theirs."""
import json
import sys
import time

import numpy as np

d = sys.argv[1]
cfg = json.load(open(f"{d}/config.json"))
torch = None
if "sae" in cfg:
    import torch

    torch.set_num_threads(1)


def lasso():
    from sklearn.linear_model import lasso_path

    L = cfg["lasso"]
    X = np.load(f"{d}/lasso_X.npy")
    y = np.load(f"{d}/lasso_y.npy")
    alphas = np.load(f"{d}/lasso_alphas.npy")

    def run():
        return lasso_path(X, y, alphas=alphas, tol=L["tol"], max_iter=L["maxIter"])

    return run, lambda out: np.save(f"{d}/lasso_coefs.npy", np.ascontiguousarray(out[1].T))


def sae():
    S = cfg["sae"]
    dd, m, k, auxk, B = S["d"], S["m"], S["k"], S["auxK"], S["batch"]
    X = torch.from_numpy(np.load(f"{d}/sae_X.npy")).float()
    W_enc = torch.from_numpy(np.load(f"{d}/sae_W_enc.npy")).float().requires_grad_()
    W_dec = torch.from_numpy(np.load(f"{d}/sae_W_dec.npy")).float().requires_grad_()
    b_enc = torch.zeros(m, dtype=torch.float32, requires_grad=True)
    b_dec = torch.zeros(dd, dtype=torch.float32, requires_grad=True)
    params = [W_enc, W_dec, b_enc, b_dec]
    opt = torch.optim.Adam(params, lr=S["lr"], betas=(0.9, 0.999), eps=1e-8)
    since = torch.zeros(m, dtype=torch.float32)
    n = X.shape[0]
    state = {"step": 0}

    def run():
        s = state["step"]
        state["step"] += 1
        rows = (torch.arange(B) + s * B) % n
        x = X[rows]
        xc = x - b_dec
        pre = xc @ W_enc.T + b_enc
        vals, idx = pre.topk(k, dim=-1)
        z = torch.zeros_like(pre).scatter(-1, idx, torch.relu(vals))
        xhat = z @ W_dec + b_dec
        e = x - xhat
        loss = (e**2).sum() / (B * S["variance"])
        dead = since >= S["deadSamples"]
        if dead.any():
            masked = pre.masked_fill(~dead, float("-inf"))
            av, ai = masked.topk(min(auxk, int(dead.sum())), dim=-1)
            za = torch.zeros_like(pre).scatter(-1, ai, torch.relu(av))
            target = e.detach()
            ehat = za @ W_dec
            loss = loss + S["auxCoeff"] * ((target - ehat) ** 2).sum() / (target**2).sum()
        opt.zero_grad()
        loss.backward()
        with torch.no_grad():
            # decoder-gradient projection, Adam, unit-norm atoms, dead-latent bookkeeping (as ours)
            g = W_dec.grad
            g -= (g * W_dec).sum(1, keepdim=True) / (W_dec * W_dec).sum(1, keepdim=True) * W_dec
            opt.step()
            W_dec.div_(W_dec.norm(dim=1, keepdim=True))
            fired = (z > 0).sum(0)
            since.copy_(torch.where(fired > 0, torch.zeros_like(since), since + B))
        return float(loss)

    return run, None


jobs = {}
if "lasso" in cfg:
    jobs["lasso"] = lasso()
if "sae" in cfg:
    jobs["sae"] = sae()
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    name = line.strip()
    if not name:
        continue
    run, save = jobs[name]
    t = time.perf_counter()
    out = run()
    ms = 1000 * (time.perf_counter() - t)
    if save:
        save(out)
    print(json.dumps({"ms": ms}), flush=True)
