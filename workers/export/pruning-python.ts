/**
 * The Python side of each pruning method (workers/export/pruning.ts assembles the script): the arrays it
 * compares, the spec fields it passes, the NumPy helpers it needs, its `compute` and its checks. One entry per
 * method; workers/experiments/pruning/registry.ts maps the method ids to them.
 */
import { DSNOT_DEFAULTS } from '../reference/pruning/dsnot';
import type { PruningValues } from '../spec/pruning';
import { py } from './python';

/** Pruned weights relative to max |w|: float64 on both sides, the lab's stored as float32 (≈6e-8). */
export const PRUNING_WEIGHT_TOL = 1e-6;
/** relErr, relative: both sides float64 (the lab through XᵀX, here through the products). */
export const PRUNING_RELERR_TOL = 1e-8;
/** R-Sparse's rank-r copy W V_r V_rᵀ (the lab's from the eigenvectors of a Gram matrix, stored float32). */
export const RSPARSE_LOWRANK_TOL = 1e-5;
/** CoSpaDi: relErr and C·Dᵀ from the lab's float32 factors against its float64 Ŵ. */
export const COSPADI_TOL = 1e-5;
/** CoSpaDi re-run by K-SVD in NumPy: Ŵ relative to max |Ŵ|, and relErr. */
export const COSPADI_KSVD_TOL = 1e-6;
/** WebGPU masks chosen on float32 scores: fraction of entries allowed to differ (the lab's own parity bound). */
export const PRUNING_GPU_MASK_TOL = 1e-4;

export const PY_SUMS = `
def column_sums(A):
    """Column sums adding the rows in order, as the lab does (so equal scores stay equal bit for bit)."""
    s = np.zeros(A.shape[1])
    for row in A:
        s += row
    return s

`;

export const PY_SELECT = `
def prune_smallest(scores, k):
    """Keep-mask (1 = kept) of a 1-D group whose k smallest scores are pruned, ties to the lower index."""
    keep = np.ones(scores.size, dtype=np.uint8)
    keep[np.argsort(scores, kind="stable")[:k]] = 0
    return keep


def nm_mask(scores, n, m):
    """Per row, each group of m consecutive inputs keeps its n largest scores (a last partial group keeps
    min(n, its size)); ties: the lower index is pruned first."""
    rows, cols = scores.shape
    keep = np.ones((rows, cols), dtype=np.uint8)
    for g in range(0, cols, m):
        block = scores[:, g : g + m]
        drop = block.shape[1] - min(n, block.shape[1])
        order = np.argsort(block, axis=1, kind="stable")[:, :drop]
        np.put_along_axis(keep[:, g : g + m], order, 0, axis=1)
    return keep


def select_mask(scores, group):
    """Count-based selection: N:M per row; unstructured, each row (or the whole layer) loses floor(s * n)."""
    rows, cols = scores.shape
    if PATTERN["kind"] == "nm":
        return nm_mask(scores, PATTERN["n"], PATTERN["m"])
    s = PATTERN["sparsity"]
    if group == "layer":
        return prune_smallest(scores.ravel(), math.floor(s * rows * cols)).reshape(rows, cols)
    return np.stack([prune_smallest(row, math.floor(s * cols)) for row in scores])


def wanda_scores(W, X):
    """S_ij = |W_ij| * ||X_:,j||_2 over the calibration tokens."""
    return np.abs(W) * np.sqrt(column_sums(X * X))


def apply_mask(W, mask):
    """W with the mask applied through torch.nn.utils.prune (weight = weight_orig * weight_mask)."""
    layer = torch.nn.Linear(W.shape[1], W.shape[0], bias=False).double()
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(W))
    prune.custom_from_mask(layer, name="weight", mask=torch.from_numpy(mask.astype(bool)))
    return layer.weight.detach().numpy().copy()
`;

const PY_SPARSEGPT = `
def sparsegpt(W, X, fixed_keep=None):
    """SparseGPT (Frantar & Alistarh 2023): H = (2/T) X^T X + lambda I, U the upper Cholesky factor of H^-1;
    columns left to right in blocks, each pruned weight's error spread over the columns not yet visited,
    lazy batched updates between blocks. Unstructured masks are chosen per block across all rows on the
    updated weights (score w^2 / U_jj^2, the block loses floor(s * rows * width)); N:M per row and group.
    Returns the keep-mask, the updated weights and the selection scores."""
    W = W.astype(np.float64).copy()
    rows, cols = W.shape
    H = (X.T @ X) * (2 / max(1, X.shape[0]))
    dead = np.diag(H) == 0  # inputs that are always zero: weight set to 0, H_jj to 1
    H[dead, dead] = 1
    W[:, dead] = 0
    mean_diag = float(np.mean(np.diag(H)))
    lam = PARAMS["percdamp"] * mean_diag
    U = None
    for _ in range(8):  # a failed factorisation retries with lambda x 10
        try:
            L = np.linalg.cholesky(H + lam * np.eye(cols))
            L_inv = np.linalg.solve(L, np.eye(cols))
            U = np.linalg.cholesky(L_inv.T @ L_inv).T  # H^-1 = U^T U
            break
        except np.linalg.LinAlgError:
            lam = lam * 10 if lam > 0 else 1e-8 * max(mean_diag, 1)
    if U is None:
        raise RuntimeError("SparseGPT: H could not be factorised even with damping")
    d = np.diag(U)
    keep = np.ones((rows, cols), dtype=np.uint8) if fixed_keep is None else fixed_keep.copy()
    scores = np.zeros((rows, cols))
    nm = PATTERN["kind"] == "nm"
    bs = max(PATTERN["m"], PARAMS["blocksize"] // PATTERN["m"] * PATTERN["m"]) if nm else PARAMS["blocksize"]
    for i1 in range(0, cols, bs):
        i2 = min(cols, i1 + bs)
        err = np.zeros((rows, i2 - i1))
        if fixed_keep is None and not nm:
            k = math.floor(PATTERN["sparsity"] * rows * (i2 - i1))
            if k > 0:
                scores[:, i1:i2] = W[:, i1:i2] ** 2 / d[i1:i2] ** 2
                keep[:, i1:i2] = prune_smallest(scores[:, i1:i2].ravel(), k).reshape(rows, i2 - i1)
        for i in range(i1, i2):
            if fixed_keep is None and nm and (i - i1) % PATTERN["m"] == 0:
                g = slice(i, min(cols, i + PATTERN["m"]))
                scores[:, g] = W[:, g] ** 2 / d[g] ** 2
                keep[:, g] = nm_mask(scores[:, g], PATTERN["n"], PATTERN["m"])
            w = W[:, i].copy()
            q = np.where(keep[:, i] == 1, w, 0.0)
            e = (w - q) / U[i, i]
            err[:, i - i1] = e
            W[:, i:i2] -= np.outer(e, U[i, i:i2])
            W[:, i] = q
        W[:, i2:] -= err @ U[i1:i2, i2:]
    return keep, W, scores
`;

const PY_DSNOT = `
def sign(x):
    return int(x > 0) - int(x < 0)


def dsnot(W, X, keep0, score):
    """DSnoT (Zhang et al. 2023) as the lab runs it: per row, the expected output shift
    e_i = sum_{j pruned} W_ij mu_j is shrunk by swaps that keep the row's (N:M: the group's) count. Grow the
    pruned weight with the largest c_ij / v_j of e's sign (c_ij = W_ij mu_j, v_j the column variance); prune
    the lowest-scored kept weight with the opposite sign (N:M: the lowest-scored kept one in the grown
    weight's group, and only if |e| shrinks). Stops at |e| <= tau, after max_cycles swaps, or when e would
    change sign (sign check). Weights never change."""
    T, cols = X.shape
    mean = column_sums(X) / max(1, T)
    var = column_sums((X - mean) ** 2) / max(1, T)
    vp = np.maximum(var, 1e-12) ** POW_VAR
    nm = PATTERN["kind"] == "nm"
    check = True if nm else PARAMS["signCheck"]
    keep = keep0.copy()
    for i in range(W.shape[0]):
        c = W[i] * mean
        row = keep[i]
        e = 0.0
        for j in range(cols):
            if not row[j]:
                e += c[j]
        sigma = sign(e)
        pruned = [j for j in range(cols) if not row[j]]
        grow = {True: sorted((j for j in pruned if c[j] > 0), key=lambda j: (-(c[j] / vp[j]), j)),
                False: sorted((j for j in pruned if c[j] < 0), key=lambda j: (c[j] / vp[j], j))}
        kept = sorted((j for j in range(cols) if row[j]), key=lambda j: (score[i, j], j))
        shrink = {True: [j for j in kept if c[j] < 0], False: [j for j in kept if c[j] > 0]}
        group_score = np.where(row == 1, score[i], np.inf)
        finite = group_score[np.isfinite(group_score)]
        top = max(0.0, float(finite.max())) if finite.size else 0.0
        ptr = {"grow": {True: 0, False: 0}, "shrink": {True: 0, False: 0}}
        for _ in range(PARAMS["maxCycles"]):
            if not abs(e) > PARAMS["tau"] or e == 0:
                break
            positive = e > 0
            gl = grow[positive]
            while ptr["grow"][positive] < len(gl) and row[gl[ptr["grow"][positive]]]:
                ptr["grow"][positive] += 1
            if ptr["grow"][positive] >= len(gl):
                break
            g = gl[ptr["grow"][positive]]
            if nm:
                g0 = g // PATTERN["m"] * PATTERN["m"]
                cands = [j for j in range(g0, min(cols, g0 + PATTERN["m"])) if row[j]]
                q = min(cands, key=lambda j: (group_score[j], j)) if cands else -1
            else:
                pl = shrink[positive]
                while ptr["shrink"][positive] < len(pl) and not row[pl[ptr["shrink"][positive]]]:
                    ptr["shrink"][positive] += 1
                q = pl[ptr["shrink"][positive]] if ptr["shrink"][positive] < len(pl) else -1
            if q < 0:
                break
            e_new = e + c[q] - c[g]
            if check and sign(e_new) != sigma:
                break
            if nm and not abs(e_new) < abs(e):
                break
            row[g], row[q] = 1, 0
            ptr["grow"][positive] += 1
            if nm:
                group_score[q], group_score[g] = top + 1, score[i, g]
            else:
                ptr["shrink"][positive] += 1
            e = e_new
    return keep
`;

const PY_RSPARSE = `
def rsparse(W, X_cal):
    """R-Sparse-style activation sparsity: channel j of a token skips W when |x_j| sigma_j <= theta
    (sigma_j = ||W_:,j||, all ones at alpha = 1; theta the floor(s_m * T * in)-th smallest value on the
    calibration tokens, s_m = 1 - (1 - s) alpha) and goes through W_r = W V_r V_r^T, the best rank-r copy,
    r = floor((in * out * (1 - s) - floor(in (1 - s) alpha) * out) / (in + out))."""
    rows, cols = W.shape
    s, alpha = PARAMS["sparsity"], PARAMS["alpha"]
    kept_channels = math.floor(cols * (1 - s) * alpha)
    rank = math.floor((cols * rows * (1 - s) - kept_channels * rows) / (cols + rows))
    rank = max(0, min(rank, rows, cols))
    mask_sparsity = 1 - (1 - s) * alpha
    sigma = np.ones(cols) if alpha >= 1 else np.sqrt(column_sums(W * W))
    values = np.abs(X_cal) * sigma
    k = math.floor(mask_sparsity * values.size)
    theta = np.sort(values.ravel())[k - 1] if k >= 1 else -1.0
    _, _, Vt = np.linalg.svd(W, full_matrices=False)
    V = Vt[:rank].T
    return {"sigma": sigma, "theta": theta, "lowRank": W @ V @ V.T, "rank": rank}


def rsparse_forward(W, fit, X):
    """y = W (x * m) + W_r (x * (1 - m)) per token; m = 1 where |x_j| sigma_j > theta."""
    m = (np.abs(X) * fit["sigma"] > fit["theta"]).astype(np.uint8)
    return (X * m) @ W.T + (X * (1 - m)) @ fit["lowRank"].T, m
`;

const PY_COSPADI = `
def omp(y, Dt, DtD, q):
    """Orthogonal matching pursuit: at most q atoms (columns of Dt), each step the one with the largest
    |correlation| with the residual (the lower index on ties), coefficients by least squares (Cholesky)."""
    k = Dt.shape[1]
    dty = Dt.T @ y
    corr, sel, coef = dty.copy(), [], np.zeros(0)
    for _ in range(q):
        score = np.abs(corr)
        score[sel] = -1
        best = int(np.argmax(score))
        if score[best] <= 1e-14 * max(1, abs(dty[best])):
            break
        sel.append(best)
        try:
            L = np.linalg.cholesky(DtD[np.ix_(sel, sel)])
        except np.linalg.LinAlgError:
            sel.pop()
            break
        coef = np.linalg.solve(L.T, np.linalg.solve(L, dty[sel]))
        corr = dty - DtD[:, sel] @ coef
    c = np.zeros(k)
    c[sel[: coef.size]] = coef
    return c


def cospadi(W, X_cal):
    """CoSpaDi as the lab reads it: W ~ C D^T (C out x k with at most s non-zeros per row), minimising
    ||(W - C D^T) X^T||. With X^T X + lambda I = L L^T this is dictionary learning on W~ = W L, by K-SVD:
    the dictionary starts from W~'s top right singular vectors; OMP codes (a row keeps its old codes when OMP
    does worse); each atom and its codes updated by a rank-1 fit (12 power iterations from the current atom)
    to the residual of the rows that use it. Back in W's space: D = L^-T D~, W_hat = C D^T."""
    rows, cols = W.shape
    k, q = PARAMS["atoms"], min(PARAMS["nonzeros"], PARAMS["atoms"])
    G = X_cal.T @ X_cal
    mean_diag = float(np.mean(np.diag(G)))
    lam = PARAMS["percdamp"] * mean_diag
    for _ in range(8):  # a failed factorisation retries with lambda x 10
        try:
            L = np.linalg.cholesky(G + lam * np.eye(cols))
            break
        except np.linalg.LinAlgError:
            lam = lam * 10 if lam > 0 else 1e-8 * max(mean_diag, 1)
    Wt = W @ L
    _, sigma, Vt = np.linalg.svd(Wt, full_matrices=False)
    if k > sigma.size or sigma[k - 1] <= 1e-12 * sigma[0]:
        raise RuntimeError("more atoms than W L's rank: the lab fills them from its own random stream")
    Dt = Vt[:k].T.copy()
    C = np.zeros((rows, k))
    row_err = np.full(rows, np.inf)

    def code_step():
        DtD = Dt.T @ Dt
        for i in range(rows):
            c = omp(Wt[i], Dt, DtD, q)
            e = np.sum((Wt[i] - Dt @ c) ** 2)
            e_old = np.sum((Wt[i] - Dt @ C[i]) ** 2) if np.isfinite(row_err[i]) else np.inf
            if e <= e_old:
                C[i], row_err[i] = c, e
            else:
                row_err[i] = e_old

    code_step()
    for _ in range(PARAMS["iterations"]):
        R = Wt - C @ Dt.T
        for a in range(k):
            users = np.flatnonzero(C[:, a] != 0)
            if users.size == 0:
                continue
            E = R[users] + np.outer(C[users, a], Dt[:, a])
            v = Dt[:, a].copy()
            for _ in range(12):
                nv = E.T @ (E @ v)
                n = np.linalg.norm(nv)
                if n == 0:
                    break
                nv = nv / n
                change = np.sum((nv - v) ** 2)
                v = nv
                if change < 1e-20:
                    break
            u = E @ v
            Dt[:, a] = v
            C[users, a] = np.where(u == 0, 5e-324, u)  # a used slot stays non-zero
            R[users] = E - np.outer(C[users, a], v)
        code_step()
    D = np.linalg.solve(L.T, Dt)
    return C, D, C @ D.T
`;

/** What a method's script depends on besides the spec: the layer's shape and whether the mask came from the GPU. */
export interface PythonContext {
  v: PruningValues;
  rows: number;
  cols: number;
  /** Unstructured pattern (rather than N:M). */
  unstructured: boolean;
  /** The lab's mask came from float32 GPU scores and differs from the float64 reference somewhere. */
  gpuMask: boolean;
}

export interface MethodPython {
  /** The run's arrays the script compares with its recomputation. */
  outputs: readonly string[];
  /** A weight-mask method: the script selects with the lab's count rule and applies masks through PyTorch. */
  mask: boolean;
  /** Spec fields written to PARAMS (besides `method`). */
  params(c: PythonContext): (keyof PruningValues)[];
  /** NumPy helper definitions, in order, after the shared ones. */
  helpers(c: PythonContext): string[];
  /** What the script recomputes (for its docstring). */
  what(c: PythonContext): string;
  /** `def compute(W, X_cal, X_held)` → dict of arrays. */
  compute(c: PythonContext): string;
  /** relErr tolerance and the comment beside it. */
  relErrTol(c: PythonContext): { tol: number; note: string };
  /** Lines after PARAMS / PATTERN (method constants) and after RELERR_TOL (extra tolerances). */
  header?(c: PythonContext): string;
  tolerances?(c: PythonContext): string;
  /** `def main()`: the checks. */
  main(c: PythonContext): string;
}

const ERR = `
def rel_err(W, W_hat, X):
    """||(W - W_hat) X^T||_F / ||W X^T||_F: the layer-output error the lab reports (held-out tokens)."""
    return np.linalg.norm((W - W_hat) @ X.T) / np.linalg.norm(W @ X.T)
`;

const FLOAT64_RELERR = {
  tol: PRUNING_RELERR_TOL,
  note: 'float64 on both sides (the lab through X^T X, here through the products)',
};

const MASK_PROPERTY = `
def pattern_counts(mask):
    """The mask's defining property: kept weights per N:M group (each must be min(N, group size)), or for an
    unstructured mask the number pruned (the lab removes exactly floor(s * n) per competing group)."""
    if PATTERN["kind"] == "nm":
        n, m = PATTERN["n"], PATTERN["m"]
        cols = mask.shape[1]
        got = np.stack([mask[:, g : g + m].sum(1) for g in range(0, cols, m)], axis=1)
        want = np.stack([np.full(mask.shape[0], min(n, min(m, cols - g))) for g in range(0, cols, m)], axis=1)
        return got, want
    return np.array(int((mask == 0).sum())), np.array(expected_pruned(*mask.shape))


def expected_pruned(rows, cols):
    s = PATTERN["sparsity"]
    method = PARAMS["method"]
    per_block = (method == "sparsegpt" and PARAMS["sgptMask"] == "adaptive") or (
        method == "dsnot" and PARAMS["dsnotInit"] == "sparsegpt")
    if per_block:  # SparseGPT chooses floor(s * rows * width) per block of columns
        bs = PARAMS["blocksize"]
        return sum(math.floor(s * rows * (min(cols, b + bs) - b)) for b in range(0, cols, bs))
    if method == "magnitude" and PARAMS["magGroup"] == "layer":
        return math.floor(s * rows * cols)
    return rows * math.floor(s * cols)
`;

/** The checks of every weight-mask method: the mask (exactly, or the GPU's share of differences), its counts, Ŵ, relErr. */
function maskMain(c: PythonContext): string {
  const maskCheck = c.gpuMask
    ? `    # The lab's mask came from float32 GPU scores: the fraction of entries that differ from ours.
    differ = np.mean(ours["mask"] != lab["mask"])
    checks = [("mask (differ)", differ, 0.0, GPU_MASK_TOL, 1.0)]
    # Weights and error from the lab's own mask, so a near-tie flipped on the GPU is not counted twice.
    ours["pruned"] = apply_mask(W, lab["mask"])
    ours["relErr"] = np.array(rel_err(W, ours["pruned"], X_held))`
    : `    checks = [("mask", ours["mask"], lab["mask"], 0)]`;
  return `${MASK_PROPERTY}
def main():
    W, X_cal, X_held = load_data()
    ours = compute(W, X_cal, X_held)
    lab = load_npz("outputs.npz")
${maskCheck}
    got, want = pattern_counts(lab["mask"])
    checks.append(("lab mask counts", got, want, 0))
    scale = float(np.max(np.abs(lab["pruned"])))
    checks.append(("pruned", ours["pruned"], lab["pruned"], WEIGHT_TOL, scale))
    checks.append(("relErr", ours["relErr"], lab["relErr"], RELERR_TOL))
    return report(checks)
`;
}

const MASK_OUTPUTS = ['mask', 'pruned'] as const;

export const magnitudePython: MethodPython = {
  outputs: MASK_OUTPUTS,
  mask: true,
  params: (c) => (c.unstructured ? ['magGroup'] : []),
  helpers: () => [],
  what: () => 'Recomputes the magnitude mask and the pruned weights in NumPy',
  compute: () => `${ERR}
def compute(W, X_cal, X_held):
    """Magnitude pruning: score |W_ij|; no weight update."""
    mask = select_mask(np.abs(W), PARAMS["magGroup"] if PATTERN["kind"] == "unstructured" else "row")
    pruned = apply_mask(W, mask)
    return {"mask": mask, "pruned": pruned, "relErr": np.array(rel_err(W, pruned, X_held))}
`,
  relErrTol: () => FLOAT64_RELERR,
  main: maskMain,
};

export const wandaPython: MethodPython = {
  outputs: MASK_OUTPUTS,
  mask: true,
  params: () => [],
  helpers: () => [],
  what: () => 'Recomputes Wanda’s mask and the pruned weights in NumPy',
  compute: () => `${ERR}
def compute(W, X_cal, X_held):
    """Wanda (Sun et al. 2023): score |W_ij| * ||X_:,j||, each output row competes; no weight update."""
    mask = select_mask(wanda_scores(W, X_cal), "row")
    pruned = apply_mask(W, mask)
    return {"mask": mask, "pruned": pruned, "relErr": np.array(rel_err(W, pruned, X_held))}
`,
  relErrTol: () => FLOAT64_RELERR,
  main: maskMain,
};

export const sparsegptPython: MethodPython = {
  outputs: MASK_OUTPUTS,
  mask: true,
  params: () => ['percdamp', 'blocksize', 'sgptMask'],
  helpers: () => [PY_SPARSEGPT],
  what: () => 'Recomputes SparseGPT’s mask and updated weights in NumPy (float64)',
  compute: ({ v }) => `${ERR}
def compute(W, X_cal, X_held):
    ${
      v.sgptMask === 'wanda'
        ? `"""SparseGPT's weight update on Wanda's mask (the lab's "mask = wanda" variant)."""
    mask, pruned, _ = sparsegpt(W, X_cal, fixed_keep=select_mask(wanda_scores(W, X_cal), "row"))`
        : `"""SparseGPT with its own adaptive mask."""
    mask, pruned, _ = sparsegpt(W, X_cal)`
    }
    return {"mask": mask, "pruned": pruned, "relErr": np.array(rel_err(W, pruned, X_held))}
`,
  relErrTol: () => FLOAT64_RELERR,
  main: maskMain,
};

/** DSnoT's starting mask and scores, per value of `dsnotInit`. */
const DSNOT_INIT: Record<PruningValues['dsnotInit'], string> = {
  wanda: `scores = wanda_scores(W, X_cal)
    keep0 = select_mask(scores, "row")`,
  magnitude: `scores = np.abs(W)
    keep0 = select_mask(scores, "row")`,
  sparsegpt: `keep0, _, scores = sparsegpt(W, X_cal)  # its mask and score w^2 / U_jj^2, not its update`,
};

export const dsnotPython: MethodPython = {
  outputs: MASK_OUTPUTS,
  mask: true,
  params: ({ v }) => [
    'dsnotInit',
    'maxCycles',
    'tau',
    'signCheck',
    ...(v.dsnotInit === 'sparsegpt' ? (['percdamp', 'blocksize'] as const) : []),
  ],
  helpers: ({ v }) => [...(v.dsnotInit === 'sparsegpt' ? [PY_SPARSEGPT] : []), PY_DSNOT],
  what: () => 'Recomputes the initial mask and DSnoT’s swaps in NumPy',
  compute: ({ v }) => `${ERR}
def compute(W, X_cal, X_held):
    """DSnoT from the ${v.dsnotInit} mask; the kept weights keep their values."""
    ${DSNOT_INIT[v.dsnotInit]}
    mask = dsnot(W, X_cal, keep0, scores)
    pruned = apply_mask(W, mask)
    return {"mask": mask, "pruned": pruned, "relErr": np.array(rel_err(W, pruned, X_held))}
`,
  relErrTol: () => FLOAT64_RELERR,
  header: () => `\nPOW_VAR = ${py(DSNOT_DEFAULTS.powVar)}  # the grow criterion divides by v_j^POW_VAR`,
  main: maskMain,
};

export const rsparsePython: MethodPython = {
  outputs: ['actMask', 'lowRank'],
  mask: false,
  params: () => ['sparsity', 'alpha'],
  helpers: () => [PY_RSPARSE],
  what: () => 'Recomputes R-Sparse’s threshold, activation mask and rank-r copy of W in NumPy',
  compute: () => `
def compute(W, X_cal, X_held):
    fit = rsparse(W, X_cal)
    Y_hat, act = rsparse_forward(W, fit, X_held)
    Y = X_held @ W.T
    rel = np.linalg.norm(Y - Y_hat) / np.linalg.norm(Y)
    return {"actMask": act, "lowRank": fit["lowRank"], "relErr": np.array(rel)}
`,
  relErrTol: () => FLOAT64_RELERR,
  tolerances: () =>
    `\nLOWRANK_TOL = ${py(RSPARSE_LOWRANK_TOL)}  # W_r, relative to max |W_r|: the lab's from a Gram matrix's eigenvectors, stored float32`,
  main: () => `
def main():
    W, X_cal, X_held = load_data()
    ours = compute(W, X_cal, X_held)
    lab = load_npz("outputs.npz")
    return report([
        ("actMask", ours["actMask"], lab["actMask"], 0),
        ("lowRank", ours["lowRank"], lab["lowRank"], LOWRANK_TOL),
        ("relErr", ours["relErr"], lab["relErr"], RELERR_TOL),
    ])
`,
};

/** CoSpaDi is re-run in full unless atoms beyond W·L's rank were drawn from the lab's random stream. */
const fullKsvd = (c: PythonContext) => c.v.atoms <= Math.min(c.rows, c.cols);

export const cospadiPython: MethodPython = {
  outputs: ['pruned', 'dictionary', 'codes'],
  mask: false,
  params: (c) => (fullKsvd(c) ? ['atoms', 'nonzeros', 'iterations', 'percdamp'] : ['atoms', 'nonzeros']),
  helpers: (c) => (fullKsvd(c) ? [PY_COSPADI] : []),
  what: (c) =>
    fullKsvd(c)
      ? 'Re-runs CoSpaDi’s K-SVD in NumPy, checks the lab’s factors (W_hat = C·Dᵀ, at most s atoms per row)'
      : 'Checks CoSpaDi’s stored factors (W_hat = C·Dᵀ, at most s atoms per row) in NumPy',
  compute: (c) =>
    fullKsvd(c)
      ? `${ERR}
def compute(W, X_cal, X_held):
    C, D, W_hat = cospadi(W, X_cal)
    return {"pruned": W_hat, "relErr": np.array(rel_err(W, W_hat, X_held))}
`
      : `${ERR}
def compute(W, X_cal, X_held):
    """With more atoms than W L's rank the lab fills the extra ones from its own random stream, which NumPy
    cannot replay, so K-SVD is not re-run here: the lab's factors are checked instead (main below), and relErr
    is recomputed from the lab's W_hat on the held-out tokens."""
    lab = load_npz("outputs.npz")
    return {"pruned": lab["pruned"], "relErr": np.array(rel_err(W, lab["pruned"], X_held))}
`,
  relErrTol: () => ({ tol: COSPADI_TOL, note: 'from the lab’s float32 W_hat against its float64 one' }),
  tolerances: (c) =>
    `\nFACTOR_TOL = ${py(COSPADI_TOL)}  # C D^T from the lab's float32 factors, relative to max |W_hat|${
      fullKsvd(c)
        ? `\nKSVD_TOL = ${py(COSPADI_KSVD_TOL)}  # W_hat re-run here, relative to max |W_hat|, and relErr: the SVD start and power iterations round differently`
        : ''
    }`,
  main: (c) => `
def main():
    W, X_cal, X_held = load_data()
    lab = load_npz("outputs.npz")
    ours = compute(W, X_cal, X_held)
    # At most s non-zeros per row of the codes: the excess over s must be 0 (compared on an absolute scale).
    excess = np.maximum((lab["codes"] != 0).sum(1) - PARAMS["nonzeros"], 0)
    checks = [${fullKsvd(c) ? '("pruned", ours["pruned"], lab["pruned"], KSVD_TOL),\n        ' : ''}("C D^T (lab's)", lab["codes"] @ lab["dictionary"].T, lab["pruned"], FACTOR_TOL),
        ("nnz > s per row", excess, np.zeros_like(excess), 0, 1),
        ("relErr", ours["relErr"], lab["relErr"], ${fullKsvd(c) ? 'KSVD_TOL' : 'RELERR_TOL'}),
    ]
    return report(checks)
`,
};
