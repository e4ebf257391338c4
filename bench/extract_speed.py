#!/usr/bin/env python3
"""Feature-extraction speed: emo-pipe against both openSMILE routes on the same clips, in one run.

    pip install opensmile==2.6.0 pandas soundfile
    cargo build --release
    python3 bench/extract_speed.py [--corpus ../shared/corpora/emodb/wav] [--repeat 3] [--runs 3]

openSMILE runs through ../shared/tools/is10_reference.py bench (GeMAPS, which that
tool lacks, through bench/opensmile_gemaps.py, timed the same way), in two routes:
  reuse     one engine for all files, as an opensmile-python user calling
            Smile(...).process_files(files) does (its fastest route; timed
            inside Python, after the imports);
  per-file  the engine (and its configuration) built anew for every file, as
            one SMILExtract call per file does.
emo-pipe runs as one whole `emo-pipe extract` process over the corpus (start-up,
decoding, features and the CSV included), on 1 thread and on all cores.

Every side is timed best-of-N (--repeat; the machine is shared and noisy), for
every feature set emo-pipe has. The N repeats of the sides are interleaved
(openSMILE, emo-pipe on 1 thread, on all cores, then again), so that a stretch of
load from elsewhere on the machine falls on both sides' repeats alike: timed one
side after the other, a few seconds of such load could cover all of emo-pipe's
short repeats while openSMILE's minute of repeats outlasted it. With --runs K the whole comparison is made K
times in a row and the last lines give each run's ratio, so "all K runs at or
above 10x" can be read off one command. Ratios are throughput ratios: the
openSMILE time over the emo-pipe time on the same files.
"""
import argparse
import os
import re
import subprocess
import sys
import time


def machine():
    """The processor, so that runs on different machines are told apart (the
    ratio moves with the machine: openSMILE and emo-pipe do not speed up alike)."""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                k, _, v = line.partition(":")
                info.setdefault(k.strip(), v.strip())
    except OSError:
        return "unknown"
    flags = set(info.get("flags", "").split())
    simd = "avx512f" if "avx512f" in flags else "avx2" if "avx2" in flags else "avx" if "avx" in flags else "sse"
    return (f"{info.get('model name', '?')} (family {info.get('cpu family', '?')}, model "
            f"{info.get('model', '?')}), {os.cpu_count()} cores, widest SIMD {simd}")


HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("EMO_PIPE_SHARED", os.path.join(ROOT, "..", "shared"))
SETS = ("is10", "is10-compat", "egemaps", "gemaps")
ROUTES = ("reuse", "per-file")


def best_of(n, cmd):
    best = None
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best


def opensmile_time(corpus, feature_set, route, repeat):
    if feature_set == "gemaps":  # the shared tool has no GeMAPS; timed the same way here
        cmd = [sys.executable, os.path.join(HERE, "opensmile_gemaps.py"), corpus, "--repeat", str(repeat)]
    else:
        cmd = [sys.executable, os.path.join(SHARED, "tools", "is10_reference.py"), "bench", corpus,
               "--set", feature_set, "--repeat", str(repeat)]
    if route == "reuse":
        cmd.append("--reuse")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    m = re.search(r"best of \d+: ([0-9.]+) s", out)
    if not m:
        sys.exit(f"could not read openSMILE's time from: {out!r}")
    return float(m.group(1))


def listed(value, allowed, what):
    items = [v for v in value.split(",") if v]
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        sys.exit(f"--{what}: expected a comma-separated list of {', '.join(allowed)}, got {value!r}")
    return items


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(SHARED, "corpora", "emodb", "wav"))
    ap.add_argument("--repeat", type=int, default=3, help="each side timed best of N (default 3)")
    ap.add_argument("--runs", type=int, default=1, help="make the whole comparison K times (default 1)")
    ap.add_argument("--sets", default=",".join(SETS), help=f"feature sets (default {','.join(SETS)})")
    ap.add_argument("--routes", default=",".join(ROUTES), help=f"openSMILE routes (default {','.join(ROUTES)})")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="the multi-thread row (default: all cores)")
    args = ap.parse_args()
    sets = listed(args.sets, SETS, "sets")
    routes = listed(args.routes, ROUTES, "routes")
    exe = os.path.join(ROOT, "target", "release", "emo-pipe")
    if not os.path.exists(exe):
        sys.exit("build first: cargo build --release")
    import soundfile

    files = sorted(os.path.join(args.corpus, f) for f in os.listdir(args.corpus) if f.endswith(".wav"))
    if not files:
        sys.exit(f"no .wav files in {args.corpus}")
    seconds = sum(soundfile.info(f).duration for f in files)
    n = args.threads
    print(f"{len(files)} files, {seconds:.1f} s of audio, best of {args.repeat}, {args.runs} run(s)", flush=True)
    print(f"machine: {machine()}", flush=True)
    tmp = os.path.join(ROOT, "target", "bench-features.csv")
    summary = {s: [] for s in sets}

    def row(name, t):
        print(f"  {name:<40} {t:8.2f} s {len(files) / t:8.1f} files/s {seconds / t:8.1f}x real time", flush=True)

    for run in range(1, args.runs + 1):
        for s in sets:
            print(f"run {run}, feature set {s}")
            base = [exe, "extract", args.corpus, "-o", tmp, "--feature-set", s]
            t_os = {r: float("inf") for r in routes}
            t1 = tn = float("inf")
            for _ in range(args.repeat):
                for r in routes:
                    t_os[r] = min(t_os[r], opensmile_time(args.corpus, s, r, 1))
                t1 = min(t1, best_of(1, base + ["-j", "1"]))
                tn = min(tn, best_of(1, base + ["-j", str(n)]))
            for r in routes:
                label = "one engine, process_files" if r == "reuse" else "engine per file"
                row(f"openSMILE 3.x ({label})", t_os[r])
            row("emo-pipe extract, 1 thread", t1)
            row(f"emo-pipe extract, {n} threads", tn)
            for r in routes:
                print(f"  emo-pipe 1 thread / openSMILE {r}: {t_os[r] / t1:.2f}x")
            print(f"  emo-pipe {n}-thread speed-up over 1 thread: {t1 / tn:.2f}x", flush=True)
            fastest = min(routes, key=lambda r: t_os[r])
            summary[s].append((t_os[fastest] / t1, fastest, t1 / tn))
    print("summary: emo-pipe 1 thread against openSMILE's faster route, per run")
    for s in sets:
        ratios = ", ".join(f"{x:.2f}x ({r})" for x, r, _ in summary[s])
        speedups = ", ".join(f"{sp:.2f}x" for _, _, sp in summary[s])
        worst = min(x for x, _, _ in summary[s])
        print(f"  {s}: {ratios}; lowest {worst:.2f}x; {n}-thread speed-up {speedups}")


if __name__ == "__main__":
    main()
