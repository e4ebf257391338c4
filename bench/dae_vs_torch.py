#!/usr/bin/env python3
"""One training epoch of the 1582 -> 800 tied-weight sigmoid DAE at batch 1000
(f32, Gaussian corruption 0.1, squared error, SGD lr 0.01) on 10,000 random rows:
emo-pipe (crates/emo-dae, example `epoch`) against PyTorch on the CPU, in one run,
on 1 and 2 threads. Prints best-of-N epoch times and the ratio.

    pip install torch numpy   # for this benchmark only
    python3 bench/dae_vs_torch.py
"""
import json, os, subprocess, sys, time
import numpy as np
import torch

ROWS, D, H, BATCH, EPOCHS = 10_000, 1582, 800, 1000, 3
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["cargo", "build", "--release", "-q", "-p", "emo-dae", "--example", "epoch"], cwd=root, check=True)
exe = os.path.join(root, "target", "release", "examples", "epoch")


def torch_epochs(threads):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    x = torch.rand(ROWS, D, generator=g)
    r = 4.0 * (6.0 / (D + H)) ** 0.5
    W = ((torch.rand(H, D, generator=g) * 2 - 1) * r).requires_grad_()
    b = torch.zeros(H, requires_grad=True)
    c = torch.zeros(D, requires_grad=True)
    times = []
    for _ in range(EPOCHS):
        t = time.perf_counter()
        perm = torch.randperm(ROWS, generator=g)
        for i in range(0, ROWS, BATCH):
            xb = x[perm[i:i + BATCH]]
            noisy = xb + 0.1 * torch.randn(xb.shape, generator=g)
            y = torch.sigmoid(noisy @ W.t() + b)
            z = torch.sigmoid(y @ W + c)
            loss = ((z - xb) ** 2).sum() / xb.shape[0]
            for p in (W, b, c):
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in (W, b, c):
                    p -= 0.01 * p.grad
        times.append(time.perf_counter() - t)
    return min(times)


def ours(threads):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    out = subprocess.run([exe, str(ROWS), str(EPOCHS)], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["best"]


print(f"torch {torch.__version__}, {ROWS} rows x {D} -> {H}, batch {BATCH}, best of {EPOCHS} epochs")
print("| threads | PyTorch s/epoch | emo-pipe s/epoch | emo-pipe speed / PyTorch |")
print("|---|---|---|---|")
for threads in (1, 2):
    t, o = torch_epochs(threads), ours(threads)
    print(f"| {threads} | {t:.2f} | {o:.2f} | {t / o:.2f}x |")
    sys.stdout.flush()
