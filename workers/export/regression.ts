/**
 * Regression → Python: scikit-learn for Lasso / elastic net (fits, paths, K-fold CV), LARS, OMP and ridge;
 * NumPy for IHT, HTP, FISTA and sparse Bayesian learning (the same algorithms step for step). Coefficients
 * must agree within 1e-6 of max |coef| (CPU results); GPU FISTA runs in float32 and is checked within the
 * lab's own parity tolerance, against the same FISTA in float64.
 */
import { type NdArray, nd } from '../core/ndarray';
import { ldpModel } from '../experiments/regression/fit';
import { kronProblem, SBL_MAX_ITER, userFactors } from '../experiments/regression/kron-sbl';
import { buildProblem } from '../experiments/regression/problem';
import { l1RatioOf, ldpScales } from '../experiments/regression/solve';
import { type RunContext, UserError } from '../experiments/types';
import { Rng } from '../io/rng';
import { gaussianSigma, niSigmas, siClipBound } from '../reference/regression/ldp';
import type { RegressionValues, Solver } from '../spec/regression';
import { SOLVER_INFO, STUDY_INFO } from '../spec/regression-methods';
import { folder, preamble, py } from './python';
import type { ExportRequest, PythonExporter } from './types';

/** Coefficients relative to max |coef|: float64 on both sides. */
export const REGRESSION_TOL = 1e-6;
/** GPU FISTA (float32 iterates) against float64 FISTA: the lab's own parity tolerance. */
export const REGRESSION_GPU_TOL = 5e-3;

/**
 * The privatisation noise the LDP run added, summed as the server receives it: the same draws from the
 * same stream as `ldpNonInteractive` / `ldpSequential` (their count and order do not depend on the data),
 * so the script recomputes everything but the draws themselves.
 */
function ldpNoise(
  v: RegressionValues,
  p: { X: Float64Array; y: Float64Array; n: number; d: number; wTrue: Float64Array | null },
  which: 'ni' | 'si',
): { inputs: Record<string, NdArray>; params: Record<string, unknown> } {
  const { n, d } = p;
  const m = ldpModel(v, p);
  const s = ldpScales(v, n, m);
  const k = Math.min(v.k, d);
  const rng = new Rng(v.seed, 7);
  const params: Record<string, unknown> = {
    intercept: false,
    k,
    tau_x: s.tauX,
    tau_y: s.tauY,
    epsilon: s.epsilon,
    delta: s.delta,
  };
  if (which === 'ni') {
    const pub = v.publicX ? m.publicX : null;
    const { sigmaXX, sigmaXY } = niSigmas(d, s, pub !== null);
    const xx = new Float64Array(d * d);
    const xy = new Float64Array(d);
    if (n * d * d <= 2e7) {
      for (let i = 0; i < n; i++) {
        if (!pub)
          for (let a = 0; a < d; a++) for (let c = a; c < d; c++) xx[a * d + c] += sigmaXX * rng.normal();
        for (let j = 0; j < d; j++) xy[j] += sigmaXY * rng.normal();
      }
    } else {
      const root = Math.sqrt(n);
      if (!pub)
        for (let a = 0; a < d; a++)
          for (let c = a; c < d; c++) xx[a * d + c] += root * sigmaXX * rng.normal();
      for (let j = 0; j < d; j++) xy[j] += root * sigmaXY * rng.normal();
    }
    const inputs: Record<string, NdArray> = { noise_xy: nd(xy, [d]) };
    if (pub) inputs.X_public = nd(pub.X, [pub.m, d]);
    else inputs.noise_xx = nd(xx, [d, d]);
    return { inputs, params };
  }
  const kPrime = Math.min(2 * k, d);
  const T = Math.max(1, Math.min(Math.ceil(Math.log(n)), n));
  const sigma = gaussianSigma(2 * siClipBound(d, kPrime, s, m.radius), s.epsilon, s.delta);
  const perUser = n * d <= 2e6;
  const noise = new Float64Array(T * d);
  for (let t = 0; t < T; t++) {
    const lo = Math.floor((t * n) / T);
    const hi = Math.floor(((t + 1) * n) / T);
    const row = noise.subarray(t * d, (t + 1) * d);
    if (perUser && sigma > 0)
      for (let i = lo; i < hi; i++) for (let j = 0; j < d; j++) row[j] += sigma * rng.normal();
    if (!perUser) for (let j = 0; j < d; j++) row[j] += Math.sqrt(hi - lo) * sigma * rng.normal();
  }
  return { inputs: { noise: nd(noise, [T, d]) }, params: { ...params, radius: m.radius, eta: 0.5 } };
}

const PY_HELPERS = `
def centred(X, y):
    """Centre X and y when fitting an intercept (what scikit-learn's estimators do internally)."""
    if not PARAMS["intercept"]:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = X.mean(axis=0), y.mean()
    return X - x_mean, y - y_mean, x_mean, y_mean
`;

const PY_NUMPY = `
def top_k(v, k):
    """Indices of the k largest |v_i| (ties to the lower index), ascending."""
    order = np.argsort(-np.abs(v), kind="stable")
    return np.sort(order[: min(k, v.size)])


def normalised_step(X, g, S):
    """mu = |g_S|^2 / |X_S g_S|^2, the exact line-search step on the support S."""
    gs = np.zeros_like(g)
    gs[S] = g[S]
    xg = X @ gs
    den = xg @ xg
    return (gs @ gs) / den if den > 0 else 0.0


def iht(X, y, k, tol, max_iter):
    """Normalised iterative hard thresholding (Blumensath & Davies 2010)."""
    d = X.shape[1]
    w, r = np.zeros(d), y.copy()
    obj = 0.5 * r @ r
    for it in range(max_iter):
        g = X.T @ r
        S = top_k(g, k) if it == 0 else np.flatnonzero(w)
        mu = normalised_step(X, g, S if S.size else top_k(g, k))
        if mu == 0:
            break
        for _ in range(31):  # halve mu while the objective would rise
            u = w + mu * g
            nxt = np.zeros(d)
            keep = top_k(u, k)
            nxt[keep] = u[keep]
            r_next = y - X @ nxt
            obj_next = 0.5 * r_next @ r_next
            if obj_next <= obj:
                break
            mu /= 2
        done = np.linalg.norm(nxt - w) <= tol * np.linalg.norm(nxt) or obj_next > obj
        if obj_next <= obj:
            w, r, obj = nxt, r_next, obj_next
        if done:
            break
    return w


def htp(X, y, k, max_iter):
    """Hard thresholding pursuit (Foucart 2011) with the normalised step; stops when the support repeats."""
    n, d = X.shape
    k = min(k, n, d)
    w, S = np.zeros(d), None
    for _ in range(max_iter):
        g = X.T @ (y - X @ w)
        mu = normalised_step(X, g, S if S is not None else top_k(g, k))
        nxt = top_k(w + mu * g, k)
        if S is not None and np.array_equal(nxt, S):
            break
        S = nxt
        XS = X[:, S]
        w = np.zeros(d)
        try:
            w[S] = np.linalg.solve(XS.T @ XS + 1e-12 * np.eye(k), XS.T @ y)
        except np.linalg.LinAlgError:
            pass
    return w


def lipschitz(X):
    """1.01 sigma_max(X)^2 / n by 50 power iterations from the all-ones vector (as the lab)."""
    n, d = X.shape
    v, lam = np.full(d, 1 / np.sqrt(max(d, 1))), 0.0
    for _ in range(50):
        g = X.T @ (X @ v)
        lam = np.linalg.norm(g)
        if lam == 0:
            return 0.0
        v = g / lam
    return 1.01 * lam / n


def gap_and_objective(X, y, w, alpha, l1_ratio):
    """scikit-learn's duality gap of the n-scaled elastic net, and the objective."""
    n = y.size
    r = y - X @ w
    a, beta = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    dual = np.max(np.abs(X.T @ r - beta * w))
    rr = r @ r
    c = a / dual if dual > a else 1.0
    gap = (0.5 * rr * (1 + c * c) if dual > a else rr) + a * np.abs(w).sum() - c * (r @ y)
    gap += 0.5 * beta * (1 + c * c) * (w @ w)
    obj = rr / (2 * n) + alpha * l1_ratio * np.abs(w).sum() + 0.5 * alpha * (1 - l1_ratio) * (w @ w)
    return gap, obj


def fista(X, y, alpha, l1_ratio, tol, max_iter, w0=None, L=None, every=10):
    """FISTA on (1/2n)|y - Xw|^2 + alpha l1 |w|_1 + alpha (1 - l1)/2 |w|^2; gap test and momentum restart
    every 10 iterations."""
    n, d = X.shape
    L = lipschitz(X) if L is None else L
    w = np.zeros(d) if w0 is None else w0.copy()
    if L == 0:
        return w
    z, t, last = w.copy(), 1.0, np.inf
    thr, shrink, step = alpha * l1_ratio / L, 1 / (1 + alpha * (1 - l1_ratio) / L), 1 / (n * L)
    tol = tol * (y @ y)
    for it in range(1, max_iter + 1):
        u = z + (X.T @ (y - X @ z)) * step
        w_new = np.sign(u) * np.maximum(np.abs(u) - thr, 0) * shrink
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        z = w_new + (t - 1) / t_next * (w_new - w)
        w, t = w_new, t_next
        if it % every == 0 or it == max_iter:
            gap, obj = gap_and_objective(X, y, w, alpha, l1_ratio)
            if gap < tol:
                break
            if obj > last:
                z, t = w.copy(), 1.0
            last = obj
    return w


def sbl(X, y, tol, max_iter, update):
    """Sparse Bayesian learning (Tipping 2001): EM (or MacKay) updates of the prior variances gamma."""
    n, d = X.shape
    gamma, mu = np.ones(d), np.zeros(d)
    vy = y.var()
    sigma2 = max(0.1 * vy, 1e-12)
    for _ in range(max_iter):
        A = np.flatnonzero(gamma > 0)
        if A.size == 0:
            break
        XA = X[:, A]
        P = XA.T @ XA / sigma2 + np.diag(1 / gamma[A])
        try:
            L = np.linalg.cholesky(P)
        except np.linalg.LinAlgError:
            break
        mu_a = np.linalg.solve(P, XA.T @ y / sigma2)
        diag = (np.linalg.inv(L) ** 2).sum(axis=0)  # diag(P^-1)
        mu = np.zeros(d)
        mu[A] = mu_a
        res = y - XA @ mu_a
        keep = 1 - diag / gamma[A]
        prev = gamma.copy()
        gamma[A] = mu_a**2 / np.maximum(keep, 1e-300) if update == "mackay" else mu_a**2 + diag
        g_max = gamma[A].max()
        sigma2 = max((res @ res + sigma2 * keep.sum()) / n, 1e-12 * max(vy, 1e-300))
        gamma[A[gamma[A] < 1e-8 * g_max]] = 0
        if g_max == 0 or np.abs(gamma[A] - prev[A]).max() / g_max < tol:
            break
    return np.where(gamma > 0, mu, 0.0)
`;

const sk = (names: string) => `from sklearn.linear_model import ${names}\n`;

/** K-fold cross-validation of the Lasso / elastic-net path (study=cv). */
function cvCode(): PythonCode {
  return {
    imports: sk('enet_path'),
    body: `
def compute(X, y):
    """K-fold CV as scikit-learn's LassoCV / ElasticNetCV: the grid from the whole data, contiguous folds
    (KFold without shuffling), each training fold centred on its own, a warm-started path per fold scored
    by test MSE; the full-data path is then read at the alpha with the least mean MSE."""
    n = y.size
    Xc, yc, x_mean, y_mean = centred(X, y)
    path = dict(l1_ratio=PARAMS["l1_ratio"], tol=PARAMS["tol"], max_iter=PARAMS["max_iter"])
    alphas, coefs, _ = enet_path(Xc, yc, eps=PARAMS["eps"], n_alphas=PARAMS["n_alphas"], **path)
    K = PARAMS["folds"]
    sizes = [n // K + (1 if f < n % K else 0) for f in range(K)]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    mse = np.zeros((K, alphas.size))
    for f in range(K):
        test = np.arange(starts[f], starts[f + 1])
        train = np.setdiff1d(np.arange(n), test)
        Xt, yt, xm, ym = centred(X[train], y[train])
        _, fold_coefs, _ = enet_path(Xt, yt, alphas=alphas, **path)
        pred = X[test] @ fold_coefs + (ym - xm @ fold_coefs)
        mse[f] = ((y[test][:, None] - pred) ** 2).mean(axis=0)
    best = int(np.argmin(mse.mean(axis=0)))
    coef = coefs[:, best]
    out = {"alphas": alphas, "coefs": coefs.T, "mse_path": mse, "coef": coef}
    out["intercept"] = np.array(y_mean - x_mean @ coef)
    return out
`,
  };
}

function enetCode(_v: RegressionValues, _gpu: boolean): PythonCode {
  return {
    imports: sk('ElasticNet'),
    body: `
def compute(X, y):
    """scikit-learn's ElasticNet (l1_ratio = 1 is the Lasso): coordinate descent, duality-gap stopping."""
    model = ElasticNet(alpha=PARAMS["alpha"], l1_ratio=PARAMS["l1_ratio"], fit_intercept=PARAMS["intercept"],
                       tol=PARAMS["tol"], max_iter=PARAMS["max_iter"])
    model.fit(X, y)
    return {"coef": model.coef_, "intercept": np.array(model.intercept_)}
`,
  };
}

function ridgeCode(_v: RegressionValues, _gpu: boolean): PythonCode {
  return {
    imports: sk('Ridge'),
    body: `
def compute(X, y):
    """scikit-learn's Ridge: |y - Xw|^2 + alpha |w|^2."""
    model = Ridge(alpha=PARAMS["alpha"], fit_intercept=PARAMS["intercept"])
    model.fit(X, y)
    return {"coef": model.coef_, "intercept": np.array(model.intercept_)}
`,
  };
}

function ompCode(v: RegressionValues, _gpu: boolean): PythonCode {
  return {
    imports: sk('orthogonal_mp'),
    body: `
def compute(X, y):
    """scikit-learn's orthogonal_mp on unit-norm columns (the lab picks the atom with the largest
    |x_j . r| / |x_j|), rescaled back; k atoms${v.residTol > 0 ? ' or until |r|^2 <= the residual tolerance' : ''}."""
    Xc, yc, x_mean, y_mean = centred(X, y)
    norms = np.linalg.norm(Xc, axis=0)
    norms = np.where(norms > 0, norms, 1.0)
    k = min(PARAMS["k"], *X.shape)
    tol = PARAMS["resid_tol"] if PARAMS["resid_tol"] > 0 else None
    coef = orthogonal_mp(Xc / norms, yc, n_nonzero_coefs=None if tol else k, tol=tol) / norms
    return {"coef": coef, "intercept": np.array(y_mean - x_mean @ coef)}
`,
  };
}

function pathCode(_v: RegressionValues, gpu: boolean): PythonCode {
  if (gpu)
    return {
      imports: '',
      body: `
def compute(X, y):
    """The lab solved this path with FISTA on the GPU (float32), warm-started along alpha; here the same
    FISTA in float64 at the lab's alphas (scikit-learn's enet_path would reach the same optimum only within
    the duality-gap tolerance)."""
    Xc, yc, x_mean, y_mean = centred(X, y)
    # scikit-learn's grid: n_alphas values log-spaced from alpha_max = max |X^T y| / (n l1_ratio) down.
    a_max = np.max(np.abs(Xc.T @ yc)) / (y.size * PARAMS["l1_ratio"])
    alphas = np.logspace(np.log10(a_max * PARAMS["eps"]), np.log10(a_max), PARAMS["n_alphas"])[::-1]
    L, w, coefs = lipschitz(Xc), None, []
    for a in alphas:
        w = fista(Xc, yc, a, PARAMS["l1_ratio"], PARAMS["tol"], PARAMS["max_iter"], w0=w, L=L)
        coefs.append(w)
    coefs = np.array(coefs)
    out = {"alphas": alphas, "coefs": coefs}
    if PARAMS["intercept"]:
        out["intercepts"] = y_mean - coefs @ x_mean
    return out
`,
    };
  return {
    imports: sk('enet_path'),
    body: `
def compute(X, y):
    """scikit-learn's enet_path (lasso_path when l1_ratio = 1) on its own alpha grid, warm-started."""
    Xc, yc, x_mean, y_mean = centred(X, y)
    alphas, coefs, _ = enet_path(Xc, yc, l1_ratio=PARAMS["l1_ratio"], eps=PARAMS["eps"],
                                 n_alphas=PARAMS["n_alphas"], tol=PARAMS["tol"], max_iter=PARAMS["max_iter"])
    out = {"alphas": alphas, "coefs": coefs.T}
    if PARAMS["intercept"]:
        out["intercepts"] = y_mean - coefs.T @ x_mean
    return out
`,
  };
}

function larsCode(_v: RegressionValues, _gpu: boolean): PythonCode {
  return {
    imports: sk('lars_path'),
    body: `
def compute(X, y):
    """scikit-learn's lars_path with method="lasso": the exact path, its breakpoints and entry order."""
    Xc, yc, x_mean, y_mean = centred(X, y)
    alphas, active, coefs = lars_path(Xc, yc, method="lasso")
    out = {"alphas": alphas, "coefs": coefs.T, "active": np.array(active)}
    if PARAMS["intercept"]:
        out["intercepts"] = y_mean - coefs.T @ x_mean
    return out
`,
  };
}

function precondCode(_v: RegressionValues, _gpu: boolean): PythonCode {
  return {
    imports: sk('lars_path'),
    body: `
def compute(X, y):
    """The lab's exploratory preconditioned Lasso: the spectral-band dictionary D = [I, P_1, P_2, ...] (P_s the
    projector onto the eigenvectors of X^T X / N with eigenvalue <= lambda_max 4^-s, a band repeating the previous
    one's eigenvectors skipped), atoms weighted to unit prediction norm, the Lasso on A = X D diag(1/omega) read
    off scikit-learn's exact LARS path at alpha, and w = D diag(1/omega) c."""
    Xc, yc, x_mean, y_mean = centred(X, y)
    N, d = Xc.shape
    lam, U = np.linalg.eigh(Xc.T @ Xc / N)
    keep = lam > 1e-10 * lam.max()
    order = np.argsort(-lam[keep], kind="stable")
    lam, U = lam[keep][order], U[:, keep][:, order]
    starts, s = [], 1
    while lam.size and s < 200:
        tau = lam[0] * 4.0 ** -s
        s += 1
        if not lam[-1] <= tau:
            break
        start = int(np.sum(lam > tau))
        if starts and starts[-1] == start:
            continue
        starts.append(start)
    D = np.hstack([np.eye(d)] + [U[:, t0:] @ U[:, t0:].T for t0 in starts])
    M = Xc @ D
    omega = np.sqrt((M * M).sum(axis=0) / N)
    omega[d:] = np.where(omega[d:] * np.sqrt(N) > 1e-9, omega[d:], 0.0)
    inv = np.where(omega > 0, 1 / np.where(omega > 0, omega, 1.0), 0.0)
    A = M * inv
    alphas, _, coefs = lars_path(A, yc, method="lasso", alpha_min=PARAMS["alpha"], max_iter=2000)
    a = PARAMS["alpha"]
    if a >= alphas[0]:
        c = coefs[:, 0]
    else:
        t = next((t for t in range(1, alphas.size) if a >= alphas[t]), None)
        if t is None:
            c = coefs[:, -1]
        else:
            f = (alphas[t - 1] - a) / (alphas[t - 1] - alphas[t])
            c = (1 - f) * coefs[:, t - 1] + f * coefs[:, t]
    coef = D @ (c * inv)
    return {"coef": coef, "intercept": np.array(y_mean - x_mean @ coef)}
`,
  };
}

function ldpNiCode(_v: RegressionValues, _gpu: boolean): PythonCode {
  return {
    imports: '',
    body: `
def gaussian_sigma(sensitivity, epsilon, delta):
    return sensitivity * np.sqrt(2 * np.log(1.25 / delta)) / epsilon


def compute(X, y):
    """The non-interactive LDP estimator (the lab's reading of arXiv 2310.07367): every user clips x to
    [-tau_x, tau_x] and y to [-tau_y, tau_y] and sends x x^T (upper triangle) and x y plus Gaussian noise; the
    server averages, floors the eigenvalues of the covariance at 2 sigma_1 sqrt(d/n) (with public x's: the
    clipped public covariance, floor 1e-8 tau_x^2), solves and keeps the k largest entries. The noise the users
    added is the lab's own draw (inputs noise_xx, noise_xy: summed over users, as the server receives it) and
    is not re-drawn here; everything else is recomputed."""
    z = load_npz("inputs.npz")
    n, d = X.shape
    tx, ty, eps, delta = PARAMS["tau_x"], PARAMS["tau_y"], PARAMS["epsilon"], PARAMS["delta"]
    Xt, yt = np.clip(X, -tx, tx), np.clip(y, -ty, ty)
    public = "X_public" in z
    b = (Xt.T @ yt + z["noise_xy"]) / n
    if public:
        P = np.clip(z["X_public"], -tx, tx)
        S = P.T @ P / P.shape[0]
        floor = 1e-8 * tx * tx
    else:
        sigma_xx = gaussian_sigma(2 * d * tx * tx, eps / 2, delta)
        S = np.triu(Xt.T @ Xt + z["noise_xx"]) / n
        S = S + np.triu(S, 1).T
        floor = 2 * sigma_xx * np.sqrt(d / n)
    lam, V = np.linalg.eigh(S)
    theta = V @ ((V.T @ b) / np.maximum(lam, floor))
    coef = np.zeros(d)
    keep = top_k(theta, PARAMS["k"])
    coef[keep] = theta[keep]
    return {"coef": coef, "intercept": np.array(0.0)}
`,
  };
}

function ldpSiCode(_v: RegressionValues, _gpu: boolean): PythonCode {
  return {
    imports: '',
    body: `
def compute(X, y):
    """LDP-IHT, sequentially interactive (the lab's reading of arXiv 2310.07367): T disjoint contiguous groups of
    users, one round each; each user sends the gradient x(x.theta - y) of its clipped data, clipped in norm to
    C = sqrt(d) tau_x (tau_x sqrt(k') R + tau_y), plus Gaussian noise; the server steps theta - eta * mean,
    keeps the k' = 2k largest entries and projects onto the ball of radius R. The noise is the lab's own draw
    (input noise: each round's sum over its users) and is not re-drawn here; everything else is recomputed."""
    noise = load_npz("inputs.npz")["noise"]
    n, d = X.shape
    tx, ty, R = PARAMS["tau_x"], PARAMS["tau_y"], PARAMS["radius"]
    kp = min(2 * PARAMS["k"], d)
    T = noise.shape[0]
    C = np.sqrt(d) * tx * (tx * np.sqrt(kp) * R + ty)
    Xt, yt = np.clip(X, -tx, tx), np.clip(y, -ty, ty)
    theta = np.zeros(d)
    for t in range(T):
        lo, hi = (t * n) // T, ((t + 1) * n) // T
        res = Xt[lo:hi] @ theta - yt[lo:hi]
        norms = np.abs(res) * np.linalg.norm(Xt[lo:hi], axis=1)
        f = np.where(norms > C, res * C / np.where(norms > 0, norms, 1.0), res)
        g = Xt[lo:hi].T @ f + noise[t]
        step = theta - PARAMS["eta"] * g / max(1, hi - lo)
        theta = np.zeros(d)
        keep = top_k(step, kp)
        theta[keep] = step[keep]
        nrm = np.linalg.norm(theta)
        if nrm > R:
            theta *= R / nrm
    return {"coef": theta, "intercept": np.array(0.0)}
`,
  };
}

/** A solver with a NumPy implementation in PY_NUMPY: `call` computes coef from the centred Xc, yc. */
function numpyCode(call: string): (v: RegressionValues, gpu: boolean) => PythonCode {
  return () => ({
    imports: '',
    body: `
def compute(X, y):
    Xc, yc, x_mean, y_mean = centred(X, y)
    coef = ${call}
    return {"coef": coef, "intercept": np.array(y_mean - x_mean @ coef)}
`,
  });
}

const PY_KRON = `
def kron_e_step(A1, A2, Y, g1, g2, sigma2):
    """Posterior mean and diagonal covariance for gamma = g1 (x) g2, through the factors only."""
    def side(A, g):
        p, U = np.linalg.eigh((A * g) @ A.T)
        return np.maximum(p, 0), U, (A.T * g[:, None]) @ U
    p1, U1, G1 = side(A1, g1)
    p2, U2, G2 = side(A2, g2)
    M = 1 / (sigma2 + np.outer(p1, p2))
    W = M * (U1.T @ Y @ U2)
    mu = G1 @ W @ G2.T
    diag = np.maximum(np.outer(g1, g2) - (G1**2) @ M @ (G2**2).T, 0)
    return mu, diag


def rank_one(L):
    """Leading singular triple by power iteration on L^T L from the flat vector (as the lab)."""
    n1, n2 = L.shape
    v, u, s = np.full(n2, 1 / np.sqrt(n2)), np.zeros(n1), 0.0
    for _ in range(500):
        u = L @ v
        nu = np.linalg.norm(u)
        if nu == 0:
            break
        u = u / nu
        nv = L.T @ u
        s = np.linalg.norm(nv)
        if s == 0:
            break
        nv = nv / s
        diff = np.linalg.norm(nv - v)
        v = nv
        if diff < 1e-12:
            break
    return u, v, s


def rel_change(a, b):
    return np.sqrt(((a - b) ** 2).sum() / max((b * b).sum(), 1e-300))


def kro_sbl(A1, A2, y, variant, max_iter=150, tol=1e-4, prune=5e-3):
    """KroSBL (He & Joseph, arXiv 2307.14719), two factors, noise variance learnt: E-step through the factors,
    M-step by alternating minimisation (or the rank-1 SVD) of gamma1 (x) gamma2 against mu^2 + diag Sigma,
    pruning factor entries below prune * max."""
    m1, n1 = A1.shape
    m2, n2 = A2.shape
    Y = y.reshape(m1, m2)
    vy = y.var()
    sigma2 = max(0.1 * vy, 1e-12)
    g1, g2 = np.full(n1, 1 / np.sqrt(n1)), np.full(n2, np.sqrt(n1))
    mu, diag = kron_e_step(A1, A2, Y, g1, g2, sigma2)
    for _ in range(max_iter):
        old = np.outer(g1, g2)
        L = mu**2 + diag
        if variant == "am":
            for _ in range(200):
                before = np.outer(g1, g2)
                on2 = g2 > 0
                for a in range(n1):
                    if g1[a] != 0:
                        g1[a] = (L[a, on2] / g2[on2]).mean() if on2.any() else 0.0
                on1 = g1 > 0
                for b in range(n2):
                    if g2[b] != 0:
                        g2[b] = (L[on1, b] / g1[on1]).mean() if on1.any() else 0.0
                nrm = np.linalg.norm(g1)
                if nrm > 0:
                    g1, g2 = g1 / nrm, g2 * nrm
                if rel_change(np.outer(g1, g2), before) < 1e-5:
                    break
        else:
            u, v, s = rank_one(L)
            g1 = np.where(g1 > 0, np.abs(u), 0.0)
            g2 = np.where(g2 > 0, np.abs(s * v), 0.0)
        g1 = np.where(g1 < prune * g1.max(), 0.0, g1)
        g2 = np.where(g2 < prune * g2.max(), 0.0, g2)
        r = Y - A1 @ mu @ A2.T
        on = old > 0
        dof = (1 - diag[on] / old[on]).sum()
        sigma2 = max(((r * r).sum() + sigma2 * dof) / y.size, 1e-12 * max(vy, 1e-300))
        mu, diag = kron_e_step(A1, A2, Y, g1, g2, sigma2)
        if rel_change(np.outer(g1, g2), old) < tol:
            break
    return mu, g1, g2


def main():
    z = load_npz("inputs.npz")
    A1, A2, y = z["A"], z["B"], z["y"]
    lab = load_npz("outputs.npz")
    mu, g1, g2 = kro_sbl(A1, A2, y, PARAMS["variant"])
    ours = {"coef": mu, "gamma1": g1, "gamma2": g2}
    if "sbl_coef" in lab or "omp_coef" in lab:  # the baselines on the dense A (x) B
        Phi = np.kron(A1, A2)
        ours["sbl_coef"] = sbl(Phi, y, 1e-6, PARAMS["sbl_max_iter"], "em").reshape(mu.shape)
        norms = np.linalg.norm(Phi, axis=0)
        norms = np.where(norms > 0, norms, 1.0)
        k = min(PARAMS["omp_k"], Phi.shape[0])
        ours["omp_coef"] = (orthogonal_mp(Phi / norms, y, n_nonzero_coefs=k) / norms).reshape(mu.shape)
    checks = []
    for name, want in lab.items():
        scale = float(np.max(np.abs(want))) or 1.0
        checks.append((name, ours[name], want, TOLERANCE, scale))
    return report(checks)


if __name__ == "__main__":
    sys.exit(main())
`;

/** KroSBL: its own script (the factors A, B and y in; KroSBL, and the dense SBL and OMP baselines the lab ran). */
async function kronExport(req: ExportRequest, v: RegressionValues, ctx: RunContext) {
  const r = req.result;
  const fromFiles = v.source === 'file' || !!ctx.data.A || !!ctx.data.B;
  const { f, y } = fromFiles ? userFactors(ctx) : kronProblem(v);
  const inputs: Record<string, NdArray> = {
    A: nd(f.A1, [f.m1, f.n1]),
    B: nd(f.A2, [f.m2, f.n2]),
    y: nd(y, [f.m1 * f.m2]),
  };
  const outputs: Record<string, NdArray> = {};
  for (const k of ['coef', 'gamma1', 'gamma2', 'sbl_coef', 'omp_coef'])
    if (r.arrays[k]) outputs[k] = r.arrays[k];
  const params = {
    variant: v.kronVariant,
    sbl_max_iter: SBL_MAX_ITER,
    omp_k: v.source === 'synthetic' ? v.kronK ** 2 : Math.max(1, Math.round(r.metrics.kron_active ?? 1)),
  };
  const run = `${preamble(
    `Regression: Kronecker SBL (${v.kronVariant})`,
    req,
    `Recomputes KroSBL on the lab's factors A, B and y (y = (A kron B) x + noise) with NumPy, step for step, and
the baselines the lab ran on the dense A kron B (plain SBL by EM, OMP with scikit-learn); compares the
coefficients and the learnt factor variances gamma1, gamma2.`,
    sk('orthogonal_mp'),
  )}
PARAMS = ${py(params)}
TOLERANCE = ${py(KRON_TOL)}  # relative to max |array|: both sides in float64, iterative with pruning decisions
${PY_NUMPY}
${PY_KRON}`;
  return folder(req, run, inputs, outputs, ['numpy', 'scikit-learn']);
}

/** KroSBL's arrays relative to their max |·| (float64 both sides; eigensolvers differ in rounding). */
export const KRON_TOL = 1e-6;

type PythonCode = { imports: string; body: string };

/** How Export → Python recomputes one solver. */
interface PythonSolver {
  /** The imports and the `compute(X, y)` of the script. */
  code: (v: RegressionValues, gpu: boolean) => PythonCode;
  /** The PARAMS keys the script reads. */
  params: readonly string[];
  /** Whether it needs the NumPy algorithms (PY_NUMPY) rather than scikit-learn alone. */
  numpy: boolean;
  /** LDP: the privatisation noise drawn here and passed as inputs (non-interactive or interactive). */
  ldp?: 'ni' | 'si';
  /** A solver whose script is built on its own (KroSBL: two factors, not X). */
  own?: typeof kronExport;
}

const PATH_PARAMS = ['l1_ratio', 'eps', 'n_alphas', 'tol', 'max_iter'];
const FIT_PARAMS = ['alpha', 'l1_ratio', 'tol', 'max_iter'];
const noCode = (): PythonCode => {
  throw new Error('this solver builds its script on its own');
};

/** Per solver, its script: the one table Export → Python reads (TypeScript makes it complete). */
const PYTHON_SOLVERS: { readonly [K in Solver]: PythonSolver } = {
  lasso: { code: enetCode, params: FIT_PARAMS, numpy: false },
  enet: { code: enetCode, params: FIT_PARAMS, numpy: false },
  lasso_path: { code: pathCode, params: PATH_PARAMS, numpy: false },
  enet_path: { code: pathCode, params: PATH_PARAMS, numpy: false },
  lars_lasso: { code: larsCode, params: [], numpy: false },
  omp: { code: ompCode, params: ['k', 'resid_tol'], numpy: false },
  iht: {
    code: numpyCode('iht(Xc, yc, min(PARAMS["k"], X.shape[1]), PARAMS["tol"], PARAMS["max_iter"])'),
    params: ['k', 'tol', 'max_iter'],
    numpy: true,
  },
  htp: {
    code: numpyCode('htp(Xc, yc, PARAMS["k"], min(PARAMS["max_iter"], 1000))'),
    params: ['k', 'max_iter'],
    numpy: true,
  },
  fista: {
    code: numpyCode('fista(Xc, yc, PARAMS["alpha"], PARAMS["l1_ratio"], PARAMS["tol"], PARAMS["max_iter"])'),
    params: FIT_PARAMS,
    numpy: true,
  },
  sbl: {
    code: numpyCode('sbl(Xc, yc, min(PARAMS["tol"], 1e-6), PARAMS["max_iter"], PARAMS["sbl_update"])'),
    params: ['tol', 'max_iter', 'sbl_update'],
    numpy: true,
  },
  ridge: { code: ridgeCode, params: ['alpha'], numpy: false },
  ldp_ni: { code: ldpNiCode, params: [], numpy: true, ldp: 'ni' },
  ldp_si: { code: ldpSiCode, params: [], numpy: true, ldp: 'si' },
  precond_lasso: { code: precondCode, params: ['alpha'], numpy: false },
  kron_sbl: { code: noCode, params: [], numpy: false, own: kronExport },
};

export const regressionExporter: PythonExporter = {
  experiment: 'regression',
  requires: ['numpy', 'scikit-learn'],
  async export(req: ExportRequest) {
    const v = req.values as unknown as RegressionValues;
    const r = req.result;
    const output = STUDY_INFO[v.study].output;
    if (output !== 'coefficients' && output !== 'cv curve')
      throw new UserError(
        `Export → Python covers the studies that produce coefficients (a fit or path, cross-validation); "${v.study}" produces ${output}`,
      );
    const cv = output === 'cv curve';
    const ctx: RunContext = {
      backend: 'cpu',
      gpu: null,
      data: req.data,
      dataset: req.dataset,
      signal: new AbortController().signal,
      progress: () => {},
    };
    const script = PYTHON_SOLVERS[v.solver];
    if (script.own) return script.own(req, v, ctx);
    const p = await buildProblem(v, ctx);
    const inputs: Record<string, NdArray> = { X: nd(p.X, [p.n, p.d]), y: nd(p.y, [p.n]) };
    if (p.wTrue) inputs.w_true = nd(p.wTrue, [p.d]);
    const ldp = script.ldp ? ldpNoise(v, p, script.ldp) : null;
    if (ldp) Object.assign(inputs, ldp.inputs);
    // What ran on the GPU in the lab is FISTA (fits and paths); the script then uses the NumPy FISTA.
    const gpuFista = r.backend === 'webgpu' && !cv && SOLVER_INFO[v.solver].gpu !== null;
    const { imports, body } = cv ? cvCode() : script.code(v, gpuFista);
    const compared = cv
      ? ['alphas', 'coefs', 'mse_path', 'coef', 'intercept']
      : ['alphas', 'coefs', 'intercepts', 'active', 'coef', 'intercept'].filter((k) => r.arrays[k]);
    const outputs: Record<string, NdArray> = {};
    for (const k of compared) outputs[k] = r.arrays[k];
    const alpha = r.metrics.alpha ?? v.alpha;
    const all: Record<string, unknown> = {
      alpha,
      l1_ratio: l1RatioOf(v),
      tol: v.tol,
      max_iter: v.maxIter,
      k: v.k,
      resid_tol: v.residTol,
      sbl_update: v.sblUpdate,
      n_alphas: v.nAlphas,
      eps: v.eps,
      folds: v.folds,
    };
    const keys = cv ? [...PATH_PARAMS, 'folds'] : script.params;
    const params: Record<string, unknown> = { study: v.study, solver: v.solver, intercept: v.intercept };
    for (const key of keys) params[key] = all[key];
    if (ldp) Object.assign(params, ldp.params);
    const tol = gpuFista ? REGRESSION_GPU_TOL : REGRESSION_TOL;
    const tolNote = gpuFista
      ? 'the lab ran FISTA on the GPU in float32; float64 FISTA with the same schedule agrees to this'
      : 'relative to max |coef|: both sides solve in float64';
    const usesNumpyAlgos = (!cv && script.numpy) || gpuFista;
    const title = cv ? `Regression: ${v.folds}-fold CV of ${v.solver}` : `Regression: ${v.solver}`;
    const run = `${preamble(
      title,
      req,
      `Recomputes the lab's ${cv ? 'cross-validation' : v.solver} on the same X and y with ${
        usesNumpyAlgos ? 'NumPy' : 'scikit-learn'
      } and compares the coefficients.`,
      imports,
    )}
PARAMS = ${py(params)}
TOLERANCE = ${py(tol)}  # ${tolNote}

${PY_HELPERS}${usesNumpyAlgos ? PY_NUMPY : ''}

def load_data():
    """X (n×d) and y (n,), as the lab used them. Replace with your own arrays."""
    z = load_npz("inputs.npz")
    return z["X"], z["y"]

${body}

def main():
    X, y = load_data()
    ours = compute(X, y)
    lab = load_npz("outputs.npz")
    # Coefficients and intercepts: relative to the largest coefficient (a path starts at all zeros).
    scale = float(np.max(np.abs(lab["coefs"] if "coefs" in lab else lab["coef"])))
    checks = []
    for name, want in lab.items():
        if name in ("coefs", "coef", "intercepts", "intercept"):
            checks.append((name, ours[name], want, TOLERANCE, scale))
        elif name == "alphas":
            checks.append((name, ours[name], want, 1e-9))
        else:
            checks.append((name, ours[name], want, TOLERANCE))
    return report(checks)


if __name__ == "__main__":
    sys.exit(main())
`;
    return folder(req, run, inputs, outputs, this.requires);
  },
};
