#!/usr/bin/env python3
"""The static baseline's SVM against scikit-learn's SVC (libsvm), same run.

    pip install scikit-learn pandas numpy
    cargo build --release
    python3 bench/svm_vs_sklearn.py [--features ../shared/reference/is10/emodb.csv] [--repeat 3]

Both sides: EmoDB, 4 classes (anger, happiness, sadness, neutral), leave one
speaker out (10 folds), min-max fitted on each training fold, RBF kernel with
gamma='scale', C = 1 and 10. scikit-learn (libsvm) uses one thread; emo-pipe is
timed on one thread and on all cores (its default). scikit-learn is timed from loading the
CSV to the last prediction; emo-pipe as the whole `emo-pipe evaluate` command
(reading the corpus and the CSV included). Best of N runs each.
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import SVC

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("EMO_PIPE_SHARED", os.path.join(ROOT, "..", "shared"))
EMO = {"W": "anger", "F": "happiness", "T": "sadness", "N": "neutral"}
CLASSES = ["anger", "happiness", "sadness", "neutral"]


def sklearn_uar(path, c):
    df = pd.read_csv(path, index_col=0)
    df = df[[n[5] in EMO for n in df.index]]
    y = np.array([CLASSES.index(EMO[n[5]]) for n in df.index])
    spk = np.array([n[:2] for n in df.index])
    x = df.values
    pred = np.zeros_like(y)
    for s in sorted(set(spk)):
        tr, te = spk != s, spk == s
        sc = MinMaxScaler().fit(x[tr])
        m = SVC(C=c, kernel="rbf", gamma="scale").fit(sc.transform(x[tr]), y[tr])
        pred[te] = m.predict(sc.transform(x[te]))
    return np.mean([np.mean(pred[y == k] == k) for k in range(4)])


def best(n, f):
    t, r = None, None
    for _ in range(n):
        t0 = time.perf_counter()
        r = f()
        dt = time.perf_counter() - t0
        t = dt if t is None else min(t, dt)
    return t, r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--features", default=os.path.join(SHARED, "reference", "is10", "emodb.csv"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    exe = os.path.join(ROOT, "target", "release", "emo-pipe")
    corpus = os.path.join(SHARED, "corpora", "emodb")
    print(f"features: {args.features}")
    ncores = os.cpu_count() or 1
    print(f"{'C':>4} {'sklearn UAR':>12} {'time':>8} {'emo-pipe UAR':>13} {'1 thread':>9} {'ratio':>6} {str(ncores) + ' threads':>10} {'ratio':>6}")
    for c in (1.0, 10.0):
        ts, us = best(args.repeat, lambda: sklearn_uar(args.features, c))
        out = os.path.join(tempfile.gettempdir(), "emo-bench-svm.json")

        def ours(jobs):
            subprocess.run([exe, "evaluate", corpus, "--features", args.features, "--c", str(c), "-j", str(jobs),
                            "--json", out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(out) as f:
                return json.load(f)["systems"][0]["uar"]

        te, ue = best(args.repeat, lambda: ours(1))
        tn, _ = best(args.repeat, lambda: ours(ncores))
        print(f"{c:>4g} {us:>12.3f} {ts:>7.2f}s {ue:>13.3f} {te:>8.2f}s {ts / te:>5.2f}x {tn:>9.2f}s {ts / tn:>5.2f}x")


if __name__ == "__main__":
    main()
