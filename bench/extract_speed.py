#!/usr/bin/env python3
"""Feature-extraction speed: emo-pipe against openSMILE on the same clips, in one run.

    pip install opensmile==2.6.0 pandas soundfile
    cargo build --release
    python3 bench/extract_speed.py [--corpus ../shared/corpora/emodb/wav] [--repeat 3]

openSMILE runs through ../shared/tools/is10_reference.py bench: one process,
the engine (and its configuration) built anew for every file, as one
SMILExtract call per file does. emo-pipe runs as one `emo-pipe extract`
process over the whole corpus, on 1 thread and on all cores. Each side is
timed best-of-N (the machine is shared and noisy); the script prints the
throughputs and their ratio.
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("EMO_PIPE_SHARED", os.path.join(ROOT, "..", "shared"))


def best_of(n, cmd):
    best = None
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(SHARED, "corpora", "emodb", "wav"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--set", default="is10", choices=["is10", "is10-compat"])
    args = ap.parse_args()
    exe = os.path.join(ROOT, "target", "release", "emo-pipe")
    if not os.path.exists(exe):
        sys.exit("build first: cargo build --release")
    import soundfile

    files = sorted(os.path.join(args.corpus, f) for f in os.listdir(args.corpus) if f.endswith(".wav"))
    seconds = sum(soundfile.info(f).duration for f in files)
    print(f"{len(files)} files, {seconds:.1f} s of audio, feature set {args.set}, best of {args.repeat}")

    out = subprocess.run(
        [sys.executable, os.path.join(SHARED, "tools", "is10_reference.py"), "bench", args.corpus,
         "--set", args.set, "--repeat", str(args.repeat)],
        check=True, capture_output=True, text=True).stdout
    m = re.search(r"best of \d+: ([0-9.]+) s", out)
    t_os = float(m.group(1))
    tmp = os.path.join(ROOT, "target", "bench-features.csv")
    base = [exe, "extract", args.corpus, "-o", tmp, "--feature-set", args.set]
    t1 = best_of(args.repeat, base + ["-j", "1"])
    ncores = os.cpu_count() or 1
    tn = best_of(args.repeat, base + ["-j", str(ncores)])

    def row(name, t):
        print(f"{name:<34} {t:8.2f} s {len(files) / t:9.1f} files/s {seconds / t:9.1f}x real time")

    row("openSMILE 3.x (1 process)", t_os)
    row("emo-pipe, 1 thread", t1)
    row(f"emo-pipe, {ncores} threads", tn)
    print(f"emo-pipe 1 thread / openSMILE throughput: {t_os / t1:.1f}x")
    print(f"emo-pipe {ncores}-thread speed-up over 1 thread: {t1 / tn:.2f}x")


if __name__ == "__main__":
    main()
