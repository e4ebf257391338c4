#!/usr/bin/env python3
"""How far eGeMAPS features move under a change far below hearing: openSMILE
against itself, emo-pipe against itself, and the two against each other.

Every clip is copied with a gain of +0.01 dB (x 1.00115) and written back as
16-bit PCM, so each sample moves by its gain share and a new rounding (at most
half a step of 16 bits). The formant frequencies and bandwidths of an LPC fit
do not depend on the gain at all, so whatever they move is the arithmetic's
rounding, amplified by how ill-conditioned the fit is. openSMILE is run on the
originals and on the copies, and so is emo-pipe; for each of the 88
functionals the script prints Pearson r across the files of a set for:

  openSMILE vs openSMILE +0.01 dB   (how reproducible openSMILE is against itself)
  emo-pipe  vs emo-pipe  +0.01 dB   (the same for emo-pipe)
  emo-pipe  vs openSMILE            (the parity figure of docs/egemaps.md, docs/parity.md)

and counts the features at or above the set's threshold in each column:
r >= 0.999 on EmoDB (the issue's target for the corpora), r >= 0.99 on the
unseen-audio sets of scripts/make_unseen_audio.py (its target there).

Needs: pip install opensmile==2.6.0 pandas soundfile soxr numpy; cargo build --release
Usage: python3 scripts/rounding_sensitivity.py [WORKDIR] [--unseen]
  WORKDIR defaults to target/rounding. --unseen adds the nine unseen-audio sets
  (made in WORKDIR/unseen by scripts/make_unseen_audio.py if not there yet);
  emo-pipe reads them with --input-mode python, as scripts/parity.sh does.
"""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import soundfile as sf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_unseen_audio import CONDITIONS as UNSEEN  # noqa: E402  (the sets it makes)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("EMO_PIPE_SHARED", os.path.join(ROOT, "..", "shared"))
EXE = os.path.join(ROOT, "target", "release", "emo-pipe")
REF_TOOL = os.path.join(SHARED, "tools", "is10_reference.py")
GAIN_DB = 0.01
COLUMNS = ("openSMILE vs +0.01 dB", "emo-pipe vs +0.01 dB", "emo-pipe vs openSMILE")


def pearson(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    a, b = a - a.mean(), b - b.mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else (1.0 if np.array_equal(a, b) else 0.0)


def copy_with_gain(src, dst):
    """Writes every clip of `src` into `dst` 0.01 dB louder, in its own sample
    format (16- or 24-bit PCM); returns the clip count and the largest change
    of a sample, in steps of that format."""
    os.makedirs(dst, exist_ok=True)
    g = 10 ** (GAIN_DB / 20)
    names = sorted(n for n in os.listdir(src) if n.endswith(".wav"))
    moved = 0
    for n in names:
        path = os.path.join(src, n)
        subtype = sf.info(path).subtype
        # 24-bit samples arrive as int32 in the top 24 bits: steps of 256
        dtype, step = ("int32", 256) if subtype == "PCM_24" else ("int16", 1)
        x, sr = sf.read(path, dtype=dtype)
        info = np.iinfo(dtype)
        y = np.clip(np.round(x.astype(np.float64) * g / step) * step, info.min, info.max - step + 1)
        y = y.astype(dtype)
        sf.write(os.path.join(dst, n), y, sr, subtype=subtype)
        moved = max(moved, int(np.abs(x.astype(np.int64) - y.astype(np.int64)).max()) // step)
    return len(names), moved


def load(path):
    t = pd.read_csv(path)
    t["name"] = t["name"].astype(str).map(lambda s: os.path.splitext(os.path.basename(s))[0])
    return t.set_index("name").sort_index()


def opensmile(src, out):
    if not os.path.exists(out):
        subprocess.run([sys.executable, REF_TOOL, "func", src, "--set", "egemaps", "-o", out], check=True,
                       stdout=subprocess.DEVNULL)
    return load(out)


def emo_pipe(src, out, extra):
    subprocess.run([EXE, "extract", src, "--feature-set", "egemaps", "-o", out, *extra], check=True,
                   stderr=subprocess.DEVNULL)
    return load(out)


def compare(label, src, work, threshold, os_ref_csv=None, extra=()):
    """Prints the three columns for the clips of `src` and returns the counts."""
    gained = os.path.join(work, f"{label}-gain")
    n, moved = copy_with_gain(src, gained)
    print(f"\n## {label}: {n} clips, gain +{GAIN_DB} dB; largest sample change: {moved} steps")
    os_ref = load(os_ref_csv) if os_ref_csv else opensmile(src, os.path.join(work, f"{label}-opensmile.csv"))
    os_gain = opensmile(gained, os.path.join(work, f"{label}-opensmile-gain{GAIN_DB}.csv"))
    emo = emo_pipe(src, os.path.join(work, f"{label}-emo-pipe.csv"), extra)
    emo_gain = emo_pipe(gained, os.path.join(work, f"{label}-emo-pipe-gain.csv"), extra)
    idx = os_ref.index
    rows = [(f, pearson(os_ref[f], os_gain.loc[idx, f]),
             pearson(emo.loc[idx, f], emo_gain.loc[idx, f]),
             pearson(emo.loc[idx, f], os_ref[f])) for f in os_ref.columns]
    print()
    print("| feature | " + " | ".join(COLUMNS) + " |")
    print("|---|---|---|---|")
    for f, *r in rows:
        if min(r) < threshold:
            print(f"| {f} | " + " | ".join(f"{v:.5f}" for v in r) + " |")
    counts = [sum(1 for row in rows if row[1 + i] >= threshold) for i in range(3)]
    for c, k in zip(COLUMNS, counts):
        print(f"{label}, {c}: {k} of {len(rows)} features at r >= {threshold}")
    return counts, len(rows)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    work = args[0] if args else os.path.join(ROOT, "target", "rounding")
    os.makedirs(work, exist_ok=True)
    compare("emodb", os.path.join(SHARED, "corpora", "emodb", "wav"), work, 0.999,
            os_ref_csv=os.path.join(SHARED, "reference", "egemaps", "emodb.csv"))
    if "--unseen" in sys.argv[1:]:
        unseen = os.path.join(work, "unseen")
        if not os.path.isdir(os.path.join(unseen, UNSEEN[-1])):
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make_unseen_audio.py"), unseen],
                           check=True, stdout=subprocess.DEVNULL)
        summary = []
        for s in UNSEEN:
            counts, n = compare(s, os.path.join(unseen, s), work, 0.99,
                                os_ref_csv=os.path.join(unseen, f"{s}.egemaps.csv"),
                                extra=("--input-mode", "python"))
            summary.append((s, counts, n))
        print("\n## unseen audio, features at r >= 0.99 (target: 97 %)\n")
        print("| set | " + " | ".join(COLUMNS) + " |")
        print("|---|---|---|---|")
        for s, counts, n in summary:
            print(f"| {s} | " + " | ".join(f"{k}/{n} ({100 * k / n:.1f} %)" for k in counts) + " |")


if __name__ == "__main__":
    main()
