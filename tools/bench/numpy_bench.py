"""numpy side of `npm run bench` (tools/cli/bench.ts): times the same operations as the lab, on the
same machine, and prints one JSON object on stdout. Medians after one warm-up call.

    python3 tools/bench/numpy_bench.py [--quick]
"""
import json
import os
import platform
import sys
import time

import numpy as np

QUICK = "--quick" in sys.argv
BUDGET = 0.15 if QUICK else 0.6  # seconds of repeats per operation
MIN_REPS, MAX_REPS = 3, 25


def timeit(f):
    f()  # warm-up
    ts = []
    start = time.perf_counter()
    while len(ts) < MIN_REPS or (len(ts) < MAX_REPS and time.perf_counter() - start < BUDGET):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return {"median_s": ts[len(ts) // 2], "reps": len(ts)}


rng = np.random.default_rng(0)
res = {}

for n in ([256, 512] if QUICK else [256, 512, 1024]):
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    res[f"matmul_f32_{n}"] = timeit(lambda: a @ b)
    a64 = a.astype(np.float64)
    b64 = b.astype(np.float64)
    res[f"matmul_f64_{n}"] = timeit(lambda: a64 @ b64)

# MLP training step: 512 -> 512 -> 512 -> 10, ReLU, MSE, batch 256, Adam (hand-written, float32)
d, width, out, batch = 512, 512, 10, 256
f32 = np.float32
x = rng.standard_normal((batch, d), dtype=f32)
y = rng.standard_normal((batch, out), dtype=f32)
sizes = [(d, width), (width, width), (width, out)]
params = []
for fi, fo in sizes:
    params.append(rng.standard_normal((fi, fo), dtype=f32) * f32(np.sqrt(2.0 / fi)))
    params.append(np.zeros(fo, dtype=f32))
m_ = [np.zeros_like(p) for p in params]
v_ = [np.zeros_like(p) for p in params]
state = {"t": 0}
lr, b1, b2, eps = f32(1e-3), f32(0.9), f32(0.999), f32(1e-7)


def mlp_grads(W1, c1, W2, c2, W3, c3, x, y):
    """Loss and gradients of a 3-layer ReLU MLP under the mean squared error, by hand (both steps below)."""
    z1 = x @ W1 + c1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W2 + c2
    h2 = np.maximum(z2, 0)
    o = h2 @ W3 + c3
    d = o - y
    loss = float((d * d).mean())
    g = (f32(2.0) / f32(o.size)) * d
    gW3 = h2.T @ g
    gc3 = g.sum(0)
    gh2 = g @ W3.T
    gh2 *= z2 > 0
    gW2 = h1.T @ gh2
    gc2 = gh2.sum(0)
    gh1 = gh2 @ W2.T
    gh1 *= z1 > 0
    gW1 = x.T @ gh1
    gc1 = gh1.sum(0)
    return loss, [gW1, gc1, gW2, gc2, gW3, gc3]


def mlp_step():
    loss, grads = mlp_grads(*params, x, y)
    state["t"] += 1
    t = state["t"]
    a = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    for p, gr, m, v in zip(params, grads, m_, v_):
        m *= b1
        m += (1 - b1) * gr
        v *= b2
        v += (1 - b2) * gr * gr
        p -= a * m / (np.sqrt(v) + eps)
    return loss


res["mlp_step"] = timeit(mlp_step)

# small MLP training step: 32 -> 256 -> 256 -> 1, ReLU, MSE, full batch of 256, plain SGD (float32)
ds, ws, ns = 32, 256, 256
xs = rng.standard_normal((ns, ds), dtype=f32)
ys = rng.standard_normal((ns, 1), dtype=f32)
small = []
for fi, fo in [(ds, ws), (ws, ws), (ws, 1)]:
    small.append(rng.standard_normal((fi, fo), dtype=f32) * f32(np.sqrt(2.0 / fi)))
    small.append(np.zeros(fo, dtype=f32))
lr_s = f32(0.01)


def small_mlp_step():
    loss, grads = mlp_grads(*small, xs, ys)
    for p, gr in zip(small, grads):
        p -= lr_s * gr
    return loss


res["small_mlp_step"] = timeit(small_mlp_step)

# symmetric eigendecomposition and Cholesky solve at 512 (float64)
n = 512
g = rng.standard_normal((n, n))
sym = g + g.T
spd = g.T @ g + n * np.eye(n)
rhs = rng.standard_normal(n)
res["eigh_512"] = timeit(lambda: np.linalg.eigh(sym))
res["eigvalsh_512"] = timeit(lambda: np.linalg.eigvalsh(sym))


def chol_solve():
    L = np.linalg.cholesky(spd)
    # numpy has no triangular solve (scipy does); two general solves on the triangular factors
    z = np.linalg.solve(L, rhs)
    return np.linalg.solve(L.T, z)


res["cholesky_512"] = timeit(lambda: np.linalg.cholesky(spd))
res["cholesky_solve_512"] = timeit(chol_solve)
res["solve_512"] = timeit(lambda: np.linalg.solve(spd, rhs))

# random-feature ridge fit: n=2000, d=100, P=1000 ReLU features, lambda=1e-3
nn, dd, P = (1000, 100, 500) if QUICK else (2000, 100, 1000)
X = rng.standard_normal((nn, dd))
W = rng.standard_normal((dd, P)) / np.sqrt(dd)
yy = rng.standard_normal(nn)


def rf_ridge():
    F = np.maximum(X @ W, 0)
    A = F.T @ F
    A[np.diag_indices_from(A)] += 1e-3
    return np.linalg.solve(A, F.T @ yy)


res["rf_ridge"] = timeit(rf_ridge)

# kernel regression: RBF kernel on n=2000 points in d=100, then a solve with ridge 1e-3
nk = 1000 if QUICK else 2000
Xk = rng.standard_normal((nk, 100))
yk = rng.standard_normal(nk)


def kernel_regression():
    sq = (Xk * Xk).sum(1)
    D = sq[:, None] + sq[None, :] - 2 * (Xk @ Xk.T)
    K = np.exp(D * (-0.5 / 100))
    K[np.diag_indices_from(K)] += 1e-3
    L = np.linalg.cholesky(K)
    return np.linalg.solve(L.T, np.linalg.solve(L, yk))


res["kernel_regression"] = timeit(kernel_regression)

blas = ""
try:
    cfg = np.show_config(mode="dicts")
    bl = cfg.get("Build Dependencies", {}).get("blas", {})
    blas = f"{bl.get('name', '?')} {bl.get('version', '')}".strip()
except Exception:  # older numpy
    pass
print(json.dumps({
    "numpy": np.__version__,
    "python": platform.python_version(),
    "blas": blas,
    "threads_env": {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE") if k in os.environ},
    "results": res,
}))
