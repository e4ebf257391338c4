#!/usr/bin/env python3
"""How far eGeMAPS features move under a change far below hearing: openSMILE
against itself, emo-pipe against itself, and the two against each other.

Every EmoDB clip is copied with a gain of +0.01 dB (x 1.00115) and written
back as 16-bit PCM, so each sample moves by its gain share and a new rounding
(at most half a step of 16 bits). The formant frequencies and bandwidths of an
LPC fit do not depend on the gain at all, so whatever they move is the
arithmetic's rounding, amplified by how ill-conditioned the fit is. openSMILE
is run on the originals (its reference in ../shared) and on the copies, and so
is emo-pipe; for each of the 88 functionals the script prints Pearson r across
the 535 clips for:

  openSMILE vs openSMILE +0.01 dB   (how reproducible openSMILE is against itself)
  emo-pipe  vs emo-pipe  +0.01 dB   (the same for emo-pipe)
  emo-pipe  vs openSMILE            (the parity figure of docs/egemaps.md)

and counts the features at r >= 0.999 in each column.

Needs: pip install opensmile==2.6.0 pandas soundfile numpy; cargo build --release
Usage: python3 scripts/rounding_sensitivity.py [WORKDIR]   (default target/rounding)
"""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("EMO_PIPE_SHARED", os.path.join(ROOT, "..", "shared"))
GAIN_DB = 0.01


def pearson(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    a, b = a - a.mean(), b - b.mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else (1.0 if np.array_equal(a, b) else 0.0)


def main():
    work = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "rounding")
    src = os.path.join(SHARED, "corpora", "emodb", "wav")
    gained = os.path.join(work, "emodb-gain")
    os.makedirs(gained, exist_ok=True)
    g = 10 ** (GAIN_DB / 20)
    names = sorted(n for n in os.listdir(src) if n.endswith(".wav"))
    moved = 0
    for n in names:
        x, sr = sf.read(os.path.join(src, n), dtype="int16")
        y = np.clip(np.round(x.astype(np.float64) * g), -32768, 32767).astype(np.int16)
        sf.write(os.path.join(gained, n), y, sr, subtype="PCM_16")
        moved = max(moved, int(np.abs(x.astype(int) - y.astype(int)).max()))
    print(f"{len(names)} clips, gain +{GAIN_DB} dB (x{g:.6f}); largest sample change: {moved} steps")

    exe = os.path.join(ROOT, "target", "release", "emo-pipe")
    ref_tool = os.path.join(SHARED, "tools", "is10_reference.py")
    out = {
        "os_gain": os.path.join(work, f"opensmile-gain{GAIN_DB}.csv"),
        "emo": os.path.join(work, "emo-pipe.csv"),
        "emo_gain": os.path.join(work, "emo-pipe-gain.csv"),
    }
    if not os.path.exists(out["os_gain"]):
        subprocess.run([sys.executable, ref_tool, "func", gained, "--set", "egemaps", "-o", out["os_gain"]], check=True)
    for key, d in (("emo", src), ("emo_gain", gained)):
        subprocess.run([exe, "extract", d, "--feature-set", "egemaps", "-o", out[key]], check=True,
                       stderr=subprocess.DEVNULL)

    def load(p):
        t = pd.read_csv(p)
        t["name"] = t["name"].astype(str).map(lambda s: os.path.splitext(os.path.basename(s))[0])
        return t.set_index("name").sort_index()

    os_ref = load(os.path.join(SHARED, "reference", "egemaps", "emodb.csv"))
    os_gain, emo, emo_gain = load(out["os_gain"]), load(out["emo"]), load(out["emo_gain"])
    feats = list(os_ref.columns)
    rows = []
    for f in feats:
        rows.append((f, pearson(os_ref[f], os_gain.loc[os_ref.index, f]),
                     pearson(emo.loc[os_ref.index, f], emo_gain.loc[os_ref.index, f]),
                     pearson(emo.loc[os_ref.index, f], os_ref[f])))
    cols = ("openSMILE vs +0.01 dB", "emo-pipe vs +0.01 dB", "emo-pipe vs openSMILE")
    print()
    print("| feature | " + " | ".join(cols) + " |")
    print("|---|---|---|---|")
    for f, *r in rows:
        if min(r) < 0.999:
            print(f"| {f} | " + " | ".join(f"{v:.5f}" for v in r) + " |")
    for i, c in enumerate(cols):
        n = sum(1 for row in rows if row[1 + i] >= 0.999)
        print(f"{c}: {n} of {len(rows)} features at r >= 0.999")


if __name__ == "__main__":
    main()
