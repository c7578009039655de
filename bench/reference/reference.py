"""Float64 numpy references of amem-flow's Dense AM and competing-units epochs, for `npm run bench -- --reference`.

The same algebra as amem-flow's models, written the direct way a numpy user would (one process,
numpy's BLAS threads), on the same MNIST digits:

  dense-am         Krotov & Hopfield (2016): K = 100 memories over 784 pixels and 10 label units,
                   F(x) = relu(x)^20, loss (c - t)^60, T = 540, minibatches of 1000, momentum 0.6,
                   the max-normalised update, memories clipped to [-1, 1]; inputs x/127.5 - 1.
  competing-units  Krotov & Hopfield (2019): H hidden units, p = 2, k = 2, delta = 0.4, minibatches of
                   100, the max-normalised update; inputs x/255.

Usage: python3 bench/reference/reference.py MNIST_DIR dense|competing [--epochs E] [--hidden H]
Prints one JSON object: seconds per epoch (each epoch timed), and the last epoch's train error
(dense-am) or the units' p-norm range (competing-units), so a reader can see it learns.
"""

import json
import sys
import time

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def dense_epoch(xi, velocity, x, y, order, eps, T=540.0, n=20, m=30, momentum=0.6, prec=1e-30, batch=1000):
    """One epoch in minibatches; returns the share of samples predicted wrong before their step."""
    K, units = xi.shape
    D = x.shape[1]
    Nc = units - D
    wrong = 0
    for at in range(0, len(order), batch):
        rows = order[at : at + batch]
        v = x[rows]  # B x D
        B = len(rows)
        t = -np.ones((Nc, B))
        t[y[rows], np.arange(B)] = 1.0
        pix, lab = xi[:, :D], xi[:, D:]
        a = pix @ v.T - lab.sum(axis=1, keepdims=True)  # xi . U, K x B
        up = np.maximum(a[None, :, :] + 2.0 * lab.T[:, :, None], 0.0) / T  # class alpha on: Nc x K x B
        down = np.maximum(a, 0.0) / T
        act = (up**n).sum(axis=1) - (down**n).sum(axis=0)[None, :]  # Nc x B
        c = np.tanh(act)
        wrong += int((act.argmax(axis=0) != y[rows]).sum())
        g = (t - c) ** (2 * m - 1) * (1.0 - c * c)  # Nc x B
        P = up ** (n - 1)  # Nc x K x B
        Q = down ** (n - 1)
        H = np.einsum("ab,akb->kb", g, P) - g.sum(axis=0)[None, :] * Q  # K x B
        d_pix = H @ v  # K x D
        d_lab = 2.0 * np.einsum("ab,akb->ka", g, P) - H.sum(axis=1, keepdims=True)  # K x Nc
        direction = np.concatenate([d_pix, d_lab], axis=1)
        velocity *= momentum
        velocity += direction
        scale = np.maximum(np.abs(velocity).max(axis=1, keepdims=True), prec)
        xi += eps * velocity / scale
        np.clip(xi, -1.0, 1.0, out=xi)
    return wrong / len(order)


def competing_epoch(W, x, order, eps, p=2.0, k=2, delta=0.4, prec=1e-30, batch=100):
    H = W.shape[0]
    last = len(order) - len(order) % batch
    for at in range(0, last, batch):
        v = x[order[at : at + batch]]  # B x D
        B = v.shape[0]
        currents = (np.sign(W) * np.abs(W) ** (p - 1)) @ v.T  # H x B
        ranks = np.argsort(currents, axis=0)
        g = np.zeros((H, B))
        g[ranks[H - 1], np.arange(B)] = 1.0
        g[ranks[H - k], np.arange(B)] = -delta
        ds = g @ v - (g * currents).sum(axis=1)[:, None] * W
        W += eps * ds / max(np.abs(ds).max(), prec)


def main():
    mnist, model = sys.argv[1], sys.argv[2]
    epochs = int(sys.argv[sys.argv.index("--epochs") + 1]) if "--epochs" in sys.argv else 3
    hidden = int(sys.argv[sys.argv.index("--hidden") + 1]) if "--hidden" in sys.argv else 100
    images = read_idx(f"{mnist}/train-images-idx3-ubyte").reshape(60000, 784).astype(np.float64)
    labels = read_idx(f"{mnist}/train-labels-idx1-ubyte").astype(np.int64)
    rng = np.random.default_rng(0)
    seconds = []
    if model == "dense":
        x = images / 127.5 - 1.0
        xi = rng.normal(-0.3, 0.3, size=(100, 794))
        velocity = np.zeros_like(xi)
        for e in range(epochs):
            start = time.perf_counter()
            err = dense_epoch(xi, velocity, x, labels, rng.permutation(60000), eps=0.04 * 0.998**e)
            seconds.append(time.perf_counter() - start)
        out = {"model": "dense-am", "epochs": epochs, "seconds_per_epoch": seconds, "train_error_last_epoch": err}
    else:
        x = images / 255.0
        W = rng.normal(0.0, 1.0, size=(hidden, 784))
        for e in range(epochs):
            start = time.perf_counter()
            competing_epoch(W, x, rng.permutation(60000), eps=0.02 * (1 - e / 200))
            seconds.append(time.perf_counter() - start)
        norms = (np.abs(W) ** 2).sum(axis=1) ** 0.5
        out = {"model": "competing-units", "hidden": hidden, "epochs": epochs, "seconds_per_epoch": seconds, "norm_min": norms.min(), "norm_max": norms.max()}
    out["numpy"] = np.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
