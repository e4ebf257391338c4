#!/usr/bin/env python3
"""Segmentation against known truth: builds long recordings with
make_long_recordings.py (corpus clips joined with 0.3-2 s pauses of room
noise), runs `emo-pipe classify --segment vad --json` on each, and scores

  boundaries   the speech onsets and offsets of the clips (speech_start and
               speech_end of the truth, see make_long_recordings.py) with a
               segment start / end within --tol s
  spanning     segments overlapping two clips' speech (by > 50 ms each)
               across a pause of at least 0.5 s, and across shorter pauses
  UAR          4-class UAR over segments (a segment's truth: the clip it
               overlaps most), beside the UAR of classifying the same clips
               one by one (each with its speaker, as the recording is one
               speaker's); segments overlapping no clip are counted apart.
               The built-in model was trained on every clip here, so its
               figures are on training data; the held-out rows use a model
               of the built-in recipe trained on EmoDB and RAVDESS actors
               1-8 only, tested on actors 9-12
  speed        seconds of audio per second of wall time of the classify run

Usage: scripts/segmentation_eval.py [--seeds 1,2,3] [--long-minutes 60]
(needs target/release/emo-pipe; `cargo build --release -p emo-pipe`).
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import corpora  # noqa: E402

CLASSES = ["anger", "happiness", "sadness", "neutral"]


def uar(pairs):
    rec = []
    for c in CLASSES:
        t = [p for p in pairs if p[0] == c]
        if t:
            rec.append(sum(p[1] == c for p in t) / len(t))
    return 100.0 * sum(rec) / len(rec) if rec else float("nan")


def classify(binary, args):
    t = time.perf_counter()
    p = subprocess.run([binary, "classify", "--json", *args], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"emo-pipe classify {' '.join(args)} failed:\n{p.stderr}")
    return [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")], wall


def read_truth(path):
    with open(path) as f:
        return [dict(r, start=float(r["speech_start"]), end=float(r["speech_end"])) for r in csv.DictReader(f)]


def overlap(a, b, c, d):
    return max(0.0, min(b, d) - max(a, c))


def score(truth, segs, tol):
    """Counts for one recording."""
    s = {"bounds": 0, "found": 0, "span_long": 0, "span_short": 0, "pauses_long": 0,
         "segments": len(segs), "stray": 0, "pairs": []}
    starts = [g["start"] for g in segs]
    ends = [g["end"] for g in segs]
    for c in truth:
        s["bounds"] += 2
        s["found"] += any(abs(x - c["start"]) <= tol for x in starts)
        s["found"] += any(abs(x - c["end"]) <= tol for x in ends)
    for a, b in zip(truth, truth[1:]):
        s["pauses_long"] += b["start"] - a["end"] >= 0.5
    for g in segs:
        ov = [(overlap(g["start"], g["end"], c["start"], c["end"]), i) for i, c in enumerate(truth)]
        hit = sorted((o, i) for o, i in ov if o > 0.05)
        for (_, i), (_, j) in zip(sorted(hit, key=lambda x: x[1]), sorted(hit, key=lambda x: x[1])[1:]):
            pause = truth[j]["start"] - truth[i]["end"]
            s["span_long" if pause >= 0.5 else "span_short"] += 1
        if not hit:
            s["stray"] += 1
            continue
        best = max(hit)[1]
        s["pairs"].append((truth[best]["label"], g["label"]))
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--long-minutes", type=float, default=60.0, help="one recording this long (0: none)")
    ap.add_argument("--tol", type=float, default=0.2)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "emo-pipe"))
    ap.add_argument("--flags", default="", help="more classify flags, e.g. '--vad-hangover 0.05'")
    ap.add_argument("--keep", help="write the recordings here instead of a temporary directory")
    args = ap.parse_args()
    seeds = [int(x) for x in args.seeds.split(",")]
    work = args.keep or tempfile.mkdtemp(prefix="emo-seg-")
    make = [sys.executable, os.path.join(HERE, "make_long_recordings.py"), "--shared", args.shared]
    clips = {os.path.basename(r[0]): r for r in corpora.emodb(args.shared) + corpora.ravdess(args.shared)}

    os.makedirs(work, exist_ok=True)
    # the held-out model: the built-in recipe (scripts/default_model.sh) on EmoDB + RAVDESS 1-8
    heldout = os.path.join(work, "heldout.safetensors")
    train_man = os.path.join(work, "ravdess-1-8.csv")
    corpora.write_manifest(train_man, corpora.ravdess(args.shared, range(1, 9)))
    subprocess.run([args.bin, "train", os.path.join(args.shared, "corpora", "emodb"), train_man, "--norm", "speaker",
                    "--c", "1", "--fallback-c", "10", "--half", "--store", os.path.join(ROOT, "target", "store"),
                    "-o", heldout], check=True, capture_output=True)
    # the clips one by one, each with its speaker
    man = os.path.join(work, "clips.csv")
    corpora.write_manifest(man, list(clips.values()))
    clip_label = {}
    for key, model in [("builtin", []), ("heldout", ["--model", heldout])]:
        one, _ = classify(args.bin, ["--manifest", man, "-j", "0", *model, *[r[0] for r in clips.values()]])
        clip_label[key] = {os.path.basename(v["file"]): v["label"] for v in one if "label" in v}

    groups = {"emodb": [], "ravdess 1-8": [], "ravdess 9-12": [], "ravdess 9-12, held-out model": [], "long": []}
    for corpus in ["emodb", "ravdess"]:
        for seed in seeds:
            d = os.path.join(work, f"{corpus}-s{seed}")
            subprocess.run(make + [d, "--corpus", corpus, "--seed", str(seed)], check=True, capture_output=True)
            for f in sorted(os.listdir(d)):
                if f.endswith(".wav"):
                    g = corpus if corpus == "emodb" else ("ravdess 9-12" if int(f.split("-")[1]) >= 9 else "ravdess 1-8")
                    groups[g].append(os.path.join(d, f))
                    if g == "ravdess 9-12":
                        groups[g + ", held-out model"].append(os.path.join(d, f))
    if args.long_minutes:
        d = os.path.join(work, "long")
        subprocess.run(make + [d, "--minutes", str(args.long_minutes), "--seed", str(seeds[0])], check=True, capture_output=True)
        groups["long"] = [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".wav")]

    print(f"| recordings | n | audio (min) | boundaries within {args.tol} s | segments spanning two clips: pause ≥ 0.5 s / < 0.5 s | stray segments | UAR segments | UAR clips one by one | × real time (-j 1) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, recs in groups.items():
        if not recs:
            continue
        tot = {"bounds": 0, "found": 0, "span_long": 0, "span_short": 0, "pauses_long": 0, "segments": 0, "stray": 0, "pairs": []}
        ref, audio, wall = [], 0.0, 0.0
        key, model = ("heldout", ["--model", heldout]) if "held-out" in name else ("builtin", [])
        for r in recs:
            truth = read_truth(r[:-4] + ".truth.csv")
            segs, w = classify(args.bin, ["--segment", "vad", "-j", "1", *args.flags.split(), *model, r])
            wall += w
            audio += truth[-1]["end"] + 0.3
            s = score(truth, [g for g in segs if "label" in g], args.tol)
            for k in tot:
                tot[k] += s[k]
            ref += [(clips[c["clip"]][3], clip_label[key][c["clip"]]) for c in truth]
        print(f"| {name} | {len(recs)} | {audio / 60:.1f} | {100 * tot['found'] / tot['bounds']:.1f} % of {tot['bounds']} | "
              f"{tot['span_long']} / {tot['span_short']} (of {tot['segments']} segments) | {tot['stray']} | "
              f"{uar(tot['pairs']):.1f} | {uar(ref):.1f} | {audio / wall:.0f} |")
    if not args.keep:
        import shutil

        shutil.rmtree(work)


if __name__ == "__main__":
    main()
