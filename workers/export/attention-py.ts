/**
 * The Python (PyTorch) sources of the attention export, as pieces: each method's run.py is the concatenation its
 * entry in ATTENTION_IMPLS (workers/experiments/attention/registry.ts, `python.code`) lists.
 */
export const PY_MASKS: Record<string, string> = {
  window: `
def method_mask(n, lab):
    """StreamingLLM: causal, key j is visible to query i iff j <= i and (i - j < w or j < sinks);
    non-causal: |i - j| <= w // 2 or j < sinks."""
    i = torch.arange(n)[:, None]
    j = torch.arange(n)[None, :]
    w, s = PARAMS["window"], PARAMS["sinks"]
    if PARAMS["causal"]:
        return (j <= i) & ((i - j < w) | (j < s))
    return ((i - j).abs() <= w // 2) | (j < s)
`,
  blocksparse: `
def method_mask(n, lab):
    """Block-sparse: the lab's kept key blocks per query block (blocks[h, I, J] == 1), expanded to tokens."""
    b = PARAMS["block"]
    kept = torch.from_numpy(lab["blocks"] >= 1)  # 1 selected, 2 forced by the self-similarity guard
    mask = kept.repeat_interleave(b, dim=1).repeat_interleave(b, dim=2)[:, :n, :n]
    if PARAMS["causal"]:
        mask = mask & torch.ones(n, n, dtype=torch.bool).tril()
    return mask
`,
  hip: `
def method_mask(n, lab):
    """HiP: per 32-query block, the sinks, the b_k-token key blocks the tree search selected (mask holds
    their first keys; -1 unused, -2 the whole searchable range) and each query's own window."""
    w, s, bk, causal = PARAMS["window"], PARAMS["sinks"], PARAMS["hipBk"], PARAMS["causal"]
    sel = lab["mask"]
    heads, nqb, _ = sel.shape
    i = torch.arange(n)[:, None]
    j = torch.arange(n)[None, :]
    band = (i - j < w) if causal else ((i - j).abs() <= w // 2)
    mask = (band | (j < s)).expand(heads, n, n).clone()
    for h in range(heads):
        for blk in range(nqb):
            q0, q1 = 32 * blk, min(n, 32 * blk + 32)
            searchable = max(0, q1 - w - s) if causal else max(0, n - s)
            end = s + searchable
            for first in sel[h, blk]:
                if first == -2:
                    mask[h, q0:q1, s:end] = True
                elif first >= 0:
                    mask[h, q0:q1, first:min(end, first + bk)] = True
    if causal:
        mask = mask & torch.ones(n, n, dtype=torch.bool).tril()
    return mask
`,
  sea: `
def method_mask(n, lab):
    """SEA (training-free variant): query i keeps position buckets (mask[h, i, c] == 1); key j belongs to
    bucket round(j (T - 1) / (N - 1)), rounding halves up."""
    keep = torch.from_numpy(lab["mask"].astype(bool))
    cols = keep.shape[2]
    pos = np.arange(n) * (cols - 1) / (n - 1) if n > 1 else np.zeros(n)
    bucket = torch.from_numpy(np.floor(pos + 0.5).astype(np.int64))
    mask = keep[:, :, bucket]
    if PARAMS["causal"]:
        mask = mask & torch.ones(n, n, dtype=torch.bool).tril()
    return mask
`,
};

export const PY_SDPA = `
def sdpa(q, k, v, attn_mask=None, is_causal=False):
    """torch.nn.functional.scaled_dot_product_attention (PyTorch >= 2.0; attn_mask True = attend), or on an
    older PyTorch the same formula spelled out: softmax(q k^T / sqrt(d), masked) v."""
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, is_causal=is_causal)
    n = q.shape[-2]
    if is_causal:
        attn_mask = torch.ones(n, n, dtype=torch.bool).tril()
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, -math.inf)
    return torch.softmax(scores, dim=-1) @ v
`;

export const PY_BLOCKS = `
def block_means(x, b):
    """Mean of each block of b rows (the last block may be partial)."""
    n = x.shape[0]
    return torch.stack([x[i : min(n, i + b)].mean(0) for i in range(0, n, b)])


def ranked_blocks(scores, I, visible, diagonal_first=False):
    """Visible key blocks of query block I by pooled score, highest first (ties: lower block)."""
    order = sorted(range(visible), key=lambda J: (-float(scores[I, J]), J))
    if diagonal_first:
        order.remove(I)
        order.insert(0, I)
    return order
`;

/** Recomputes the lab's selection from Q and K (a check of the mask the output check above uses). */
export const PY_SELECT: Record<string, string> = {
  blocksparse: `
def self_similar(x, b, center):
    """SpargeAttn's self-similarity of each block of rows: |sum of the unit-normalised rows|^2 / rows^2 (keys
    after subtracting the mean key), compared with theta."""
    if center:
        x = x - x.mean(0)
    norms = x.norm(dim=1, keepdim=True)
    unit = torch.where(norms > 0, x / torch.where(norms > 0, norms, torch.ones_like(norms)), torch.zeros_like(x))
    n = x.shape[0]
    sims = [float((unit[i : min(n, i + b)].sum(0) ** 2).sum()) / (min(n, i + b) - i) ** 2 for i in range(0, n, b)]
    return [s > PARAMS["simTheta"] for s in sims]


def select(q, k):
    """Block-sparse selection per head: pool Q and K per block, score tau q̄_I.k̄_J, keep the top ⌈rho·visible⌉
    key blocks, or by estimated mass p (topp: the fewest reaching p; topp_sparge: the longest prefix staying
    <= p, at least one), always the diagonal and block 0. With the self-similarity guard, blocks whose query or
    key block is not self-similar are forced (kept, outside the ranking). 1 kept, 2 forced, 0 skipped,
    -1 invisible (causal)."""
    b, causal = PARAMS["block"], PARAMS["causal"]
    heads, n, d = q.shape
    nb = -(-n // b)
    sizes = [min(n, J * b + b) - J * b for J in range(nb)]
    out = np.zeros((heads, nb, nb), dtype=np.int32)
    for h in range(heads):
        scores = (block_means(q[h], b) @ block_means(k[h], b).T) / math.sqrt(d)
        guard = PARAMS.get("simGuard", False)
        gq = self_similar(q[h], b, False) if guard else [True] * nb
        gk = self_similar(k[h], b, True) if guard else [True] * nb
        for I in range(nb):
            visible = I + 1 if causal else nb
            forced = [J for J in range(visible) if not (gq[I] and gk[J])]
            order = [J for J in ranked_blocks(scores, I, visible) if J not in forced]
            if PARAMS["selection"] == "topk":
                keep = max(1, min(len(order), math.ceil(PARAMS["rho"] * len(order) - 1e-9)))
            else:
                top = float(scores[I, order[0]]) if order else 0.0
                mass = [sizes[J] * math.exp(float(scores[I, J]) - top) for J in order]
                total, cum = sum(mass), 0.0
                if PARAMS["selection"] == "topp":
                    keep = len(order)
                    for t, w in enumerate(mass):
                        cum += w
                        if cum >= PARAMS["topP"] * total * (1 - 1e-12):
                            keep = t + 1
                            break
                else:
                    keep = 0
                    for t, w in enumerate(mass):
                        cum += w
                        if cum > PARAMS["topP"] * total * (1 + 1e-12):
                            break
                        keep = t + 1
                    keep = max(1, keep)
            out[h, I, visible:] = -1
            for J in order[:keep] + forced + [I, 0]:
                out[h, I, J] = 2 if J in forced else 1
    return {"blocks": out}
`,
  sla: `
def select(q, k):
    """SLA's block classes per head: pooled scores with the mean key subtracted (smooth-k); per query block the
    top ⌈kh·visible/100⌉ blocks are critical (2; causal: the diagonal ranked first), the bottom ⌊kl·visible/100⌋
    negligible (0), the rest marginal (1); -1 invisible."""
    b, causal = PARAMS["block"], PARAMS["causal"]
    heads, n, d = q.shape
    nb = -(-n // b)
    out = np.full((heads, nb, nb), -1, dtype=np.int32)
    for h in range(heads):
        scores = (block_means(q[h], b) @ (block_means(k[h], b) - k[h].mean(0)).T) / math.sqrt(d)
        for I in range(nb):
            visible = I + 1 if causal else nb
            crit = min(visible, max(1, math.ceil(PARAMS["kh"] * visible / 100 - 1e-9)))
            keep = max(crit, visible - math.floor(PARAMS["kl"] * visible / 100 + 1e-9))
            for rank, J in enumerate(ranked_blocks(scores, I, visible, diagonal_first=causal)):
                out[h, I, J] = 2 if rank < crit else 1 if rank < keep else 0
    return {"classes": out}
`,
};

export const PY_PHI = `
def phi(x, role, omega=None):
    """The feature map of linear attention, row by row (x: N×d)."""
    n, d = x.shape
    name = PARAMS["featureMap"]
    if name == "elu1":
        return F.elu(x) + 1
    if name == "relu":
        return F.relu(x)
    if name == "softmax":
        return torch.softmax(x, dim=-1)
    if name == "cosformer":
        theta = math.pi * torch.arange(1, n + 1, dtype=x.dtype) / (2 * n)
        r = F.relu(x)
        return torch.cat([r * torch.cos(theta)[:, None], r * torch.sin(theta)[:, None]], dim=1)
    if name == "favor":
        # Performer FAVOR+ (positive random features) with the lab's projection omega (m×d).
        xs = x * d ** -0.25
        dash = xs @ omega.T
        half = (xs * xs).sum(-1, keepdim=True) / 2
        stab = dash.max(dim=-1, keepdim=True).values if role == "query" else dash.max()
        return (torch.exp(dash - half - stab) + 1e-4) / math.sqrt(omega.shape[0])
    raise ValueError(f"unknown feature map {name}")
`;

export const PY_METHOD: Record<string, string> = {
  dense: `
def attention(q, k, v, lab, omega=None):
    """Dense softmax attention (the lab's flash kernel computes the same)."""
    return sdpa(q, k, v, is_causal=PARAMS["causal"])
`,
  masked: `
def attention(q, k, v, lab, omega=None):
    """Exact softmax attention restricted to the method's mask (True = attend)."""
    mask = method_mask(q.shape[1], lab)
    return sdpa(q, k, v, attn_mask=mask)
`,
  linear: `
def attention(q, k, v, lab, omega=None):
    """Linear attention o_i = sum_j phi(q_i).phi(k_j) v_j / (sum_j phi(q_i).phi(k_j) + eps), j <= i when causal.
    Written in its quadratic form for clarity; the lab runs the chunked prefix-sum form (same numbers)."""
    outs = []
    for h in range(q.shape[0]):
        a = phi(q[h], "query", omega) @ phi(k[h], "key", omega).T
        if PARAMS["causal"]:
            a = a.tril()
        outs.append((a @ v[h]) / (a.sum(-1, keepdim=True) + EPS))
    return torch.stack(outs)
`,
  loglinear: `
def fenwick_weights(n, beta, lambdas=None):
    """lambda^level(t, s) with level 0 on the diagonal and 1 + msb(t xor s) below it: beta^level, or the
    given per-level weights (0 past their end)."""
    t = np.arange(n)[:, None]
    s = np.arange(n)[None, :]
    x = np.bitwise_xor(t, s)
    level = np.where(x == 0, 0, np.floor(np.log2(np.maximum(x, 1))).astype(np.int64) + 1)
    if lambdas is None:
        lam = beta ** level.astype(np.float64)
    else:
        lam = np.where(level < lambdas.size, np.asarray(lambdas, np.float64)[np.minimum(level, lambdas.size - 1)], 0.0)
    w = np.where(s <= t, lam, 0.0)
    return torch.from_numpy(w)


def attention(q, k, v, lab, omega=None):
    """Log-linear (Fenwick) attention: causal linear attention whose score of (t, s) is weighted by
    lambda^level(t, s), normalised like linear attention. Weights: beta^level (fixed; the paper learns them), or
    with levelWeights = fitted the per-level weights the lab fitted on its calibration rows (outputs.npz
    levelWeights, float32; the fit itself is not recomputed here)."""
    outs = []
    for h in range(q.shape[0]):
        fitted = lab["levelWeights"][h] if PARAMS.get("levelWeights") == "fitted" else None
        w = fenwick_weights(q.shape[1], BETA, fitted).to(q.dtype)
        a = (phi(q[h], "query", omega) @ phi(k[h], "key", omega).T) * w
        outs.append((a @ v[h]) / (a.sum(-1, keepdim=True) + EPS))
    return torch.stack(outs)
`,
  sla: `
def attention(q, k, v, lab, omega=None):
    """SLA, training-free: exact softmax over the critical blocks (classes == 2), linear attention over the
    marginal ones (classes == 1), negligible blocks (0) skipped, mixed per query block by
    alpha = estimated share of the kept mass in the critical blocks (the paper learns this projection)."""
    b, causal = PARAMS["block"], PARAMS["causal"]
    heads, n, d = q.shape
    classes = torch.from_numpy(lab["classes"])
    sizes = torch.tensor([min(n, i + b) - i for i in range(0, n, b)], dtype=q.dtype)
    outs = []
    for h in range(heads):
        cls = classes[h]
        # Pooled scores (smooth-k: the mean key is subtracted) and the mixing weight alpha per query block.
        scores = (block_means(q[h], b) @ (block_means(k[h], b) - k[h].mean(0)).T) / math.sqrt(d)
        scores = torch.where(cls >= 0, scores, torch.tensor(-math.inf, dtype=q.dtype))
        mass = sizes[None, :] * torch.exp(scores - scores.max(dim=1, keepdim=True).values)
        alpha = (mass * (cls == 2)).sum(1) / (mass * (cls >= 1)).sum(1)
        tokens = lambda m: m.repeat_interleave(b, 0).repeat_interleave(b, 1)[:n, :n]
        critical = tokens(cls == 2)
        if causal:
            critical = critical & torch.ones(n, n, dtype=torch.bool).tril()
        sparse = sdpa(q[h][None], k[h][None], v[h][None], attn_mask=critical[None])[0]
        a = (phi(q[h], "query", omega) @ phi(k[h], "key", omega).T) * tokens(cls == 1)
        linear = (a @ v[h]) / (a.sum(-1, keepdim=True) + EPS)
        if PARAMS.get("combine") == "sum":
            # The paper's sum O_s + Proj(O_l), Proj(o) = [o, 1] W: W = 0 (its initialisation), [I; 0] (identity)
            # or the W the lab fitted by ridge regression on its calibration rows (outputs.npz slaProj, float32;
            # the fit itself is not recomputed here).
            proj = PARAMS["projection"]
            if proj == "fitted":
                W = torch.from_numpy(lab["slaProj"][h]).to(q.dtype)
            elif proj == "identity":
                W = torch.cat([torch.eye(d, dtype=q.dtype), torch.zeros(1, d, dtype=q.dtype)])
            else:
                W = torch.zeros(d + 1, d, dtype=q.dtype)
            outs.append(sparse + torch.cat([linear, torch.ones(n, 1, dtype=q.dtype)], dim=1) @ W)
        else:
            mix = alpha.repeat_interleave(b)[:n, None]
            outs.append(mix * sparse + (1 - mix) * linear)
    return torch.stack(outs)
`,
};

export const PY_LLSA = `
def pool(x, size):
    """Mean of each block of size rows (the last block divides by its real row count) and the counts."""
    n = x.shape[0]
    starts = range(0, n, size)
    return torch.stack([x[i : min(n, i + size)].mean(0) for i in starts]), [min(n, i + size) - i for i in starts]


def top_k_blocks(cands, scores, k):
    """The k best candidates by score (ties to the lower index), ascending."""
    ranked = sorted(cands, key=lambda J: (-float(scores[J]), J))[:k]
    return sorted(ranked)


def llsa_head(q, k, v):
    """LLSA for one head (non-causal): hierarchical top-K selection over pooled levels of B = 16^l tokens
    (plain dot product, no scale), then one softmax (scale 1/sqrt(d)) over the fine tokens of the K level-1
    picks plus, per enrichment, the pooled keys of each level's candidates weighted by their token counts
    ('code': all candidates; 'partition': only those not picked; 'none': fine tokens only)."""
    n, d = q.shape
    B, K, L, enrich = 16, PARAMS["llsaK"], PARAMS["levels"], PARAMS["llsaEnrich"]
    qp = [pool(q, B**l)[0] for l in range(1, L + 1)]
    kp = [pool(k, B**l) for l in range(1, L + 1)]
    vp = [pool(v, B**l)[0] for l in range(1, L + 1)]
    picks, cands = [None] * L, [None] * L
    for l in range(L, 0, -1):
        nb = qp[l - 1].shape[0]
        S = qp[l - 1] @ kp[l - 1][0].T
        picks[l - 1], cands[l - 1] = [], []
        for I in range(nb):
            if l == L:
                c = list(range(nb))
            else:
                c = [J for P in picks[l][I // B] for J in range(P * B, min(nb, (P + 1) * B))]
            picks[l - 1].append(top_k_blocks(c, S[I], K))
            cands[l - 1].append(c)
    out = torch.zeros_like(q)
    for I in range(-(-n // B)):
        fine = [j for J in picks[0][I] for j in range(J * B, min(n, (J + 1) * B))]
        keys, vals, logw = [k[fine]], [v[fine]], [torch.zeros(len(fine), dtype=q.dtype)]
        if enrich != "none":
            for l in range(1, L + 1):
                Il = I // B ** (l - 1)
                picked = set(picks[l - 1][Il])
                use = [J for J in cands[l - 1][Il] if enrich == "code" or J not in picked]
                keys.append(kp[l - 1][0][use])
                vals.append(vp[l - 1][use])
                logw.append(torch.log(torch.tensor([float(kp[l - 1][1][J]) for J in use], dtype=q.dtype)))
        rows = slice(I * B, min(n, (I + 1) * B))
        s = q[rows] @ torch.cat(keys).T / math.sqrt(d) + torch.cat(logw)[None, :]
        out[rows] = torch.softmax(s, dim=-1) @ torch.cat(vals)
    return out


def attention(q, k, v, lab, omega=None):
    return torch.stack([llsa_head(q[h], k[h], v[h]) for h in range(q.shape[0])])
`;
