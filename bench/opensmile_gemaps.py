#!/usr/bin/env python3
"""openSMILE's GeMAPS v01b throughput, timed as ../shared/tools/is10_reference.py
bench times the sets it knows (that tool has no GeMAPS): opensmile-python's
Smile(FeatureSet.GeMAPSv01b) on every .wav of DIR, one engine for all files
(--reuse, as Smile.process_files) or one per file; prints the same line.

    pip install opensmile==2.6.0 soundfile
    python3 bench/opensmile_gemaps.py DIR [--repeat N] [--reuse]
"""
import argparse
import os
import time

import opensmile
import soundfile


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()
    files = sorted(os.path.join(args.dir, f) for f in os.listdir(args.dir) if f.endswith(".wav"))
    seconds = sum(soundfile.info(f).duration for f in files)

    def engine(f):
        # every channel of f, mixed down
        channels = list(range(soundfile.info(f).channels))
        return opensmile.Smile(opensmile.FeatureSet.GeMAPSv01b, "func", channels=channels, mixdown=True)

    best = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        if args.reuse:
            engine(files[0]).process_files(files)
        else:
            for f in files:
                engine(f).process_file(f)
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    print(f"openSMILE gemaps: {len(files)} files, {seconds:.1f} s of audio, best of {args.repeat}: "
          f"{best:.2f} s = {len(files) / best:.1f} files/s = {seconds / best:.1f}x real time "
          f"(1 process, {'one engine for all files' if args.reuse else 'engine built per file'})")


if __name__ == "__main__":
    main()
