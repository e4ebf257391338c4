#!/usr/bin/env python3
"""emo_pipe's Python package against opensmile-python, in one run.

    bash scripts/test.sh            # or: cargo build --release && pip install . opensmile==2.6.0
    target/py-venv/bin/python bench/python_vs_opensmile.py [--repeat 3] [--corpus DIR]

Runs in one Python process, one worker, on the same files (default: the 535
EmoDB clips), best of N each (the machine is shared and noisy):

  * emo_pipe.Smile(FeatureSet.IS10).process_files(files)
  * opensmile.Smile(FeatureSet.IS10).process_files(files): its engine built
    once for all files, its fastest route (the same one
    ../shared/tools/is10_reference.py bench --reuse times)
  * `emo-pipe extract -j 1` over the same files, as a whole process

and prints the times and ratios; then emo_pipe with num_workers=2, the time
of `import emo_pipe` and `import opensmile` in fresh interpreters, the peak
memory of process_files over all files (a fresh interpreter, ru_maxrss),
and a 1-second segment of a 1-hour recording read with start/end.
(opensmile.FeatureSet.IS10 is openSMILE's IS10_paraling_compat
configuration; emo_pipe.FeatureSet.IS10 is the same set.)
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("EMO_PIPE_SHARED", os.path.join(ROOT, "..", "shared"))


def best_of(n, fn):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def in_fresh_python(code):
    r = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return r.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(SHARED, "corpora", "emodb", "wav"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    exe = os.path.join(ROOT, "target", "release", "emo-pipe")
    if not os.path.exists(exe):
        sys.exit("build first: cargo build --release")
    import emo_pipe
    import opensmile

    files = sorted(os.path.join(args.corpus, f) for f in os.listdir(args.corpus) if f.endswith(".wav"))
    seconds = 0.0
    for f in files:
        with wave.open(f) as w:
            seconds += w.getnframes() / w.getframerate()
    print(f"{len(files)} files, {seconds:.1f} s of audio, IS10 (compat) functionals, one worker, best of {args.repeat}")

    ours = emo_pipe.Smile(emo_pipe.FeatureSet.IS10)
    theirs = opensmile.Smile(opensmile.FeatureSet.IS10)
    t_py = best_of(args.repeat, lambda: ours.process_files(files))
    t_os = best_of(args.repeat, lambda: theirs.process_files(files))
    out = os.path.join(tempfile.gettempdir(), "emo-pipe-bench.csv")
    cmd = [exe, "extract", *files, "-o", out, "--feature-set", "is10-compat", "-j", "1"]
    t_cli = best_of(args.repeat, lambda: subprocess.run(cmd, check=True, capture_output=True))
    ours2 = emo_pipe.Smile(emo_pipe.FeatureSet.IS10, num_workers=2)
    t_py2 = best_of(args.repeat, lambda: ours2.process_files(files))

    print(f"  opensmile-python process_files : {t_os:7.2f} s  {len(files) / t_os:7.1f} files/s")
    print(f"  emo_pipe process_files         : {t_py:7.2f} s  {len(files) / t_py:7.1f} files/s  "
          f"{t_os / t_py:5.1f}x opensmile-python")
    print(f"  emo-pipe extract -j 1 (process): {t_cli:7.2f} s  {len(files) / t_cli:7.1f} files/s  "
          f"binding/CLI time {t_py / t_cli:.3f} ({(t_py / t_cli - 1) * 100:+.1f} %)")
    print(f"  emo_pipe num_workers=2         : {t_py2:7.2f} s  speed-up {t_py / t_py2:.2f}x over one worker, "
          f"{t_os / t_py2:.1f}x opensmile-python")

    imports = {}
    for mod in ("emo_pipe", "opensmile"):
        code = f"import time; t = time.perf_counter(); import {mod}; print(time.perf_counter() - t)"
        imports[mod] = statistics.median(float(in_fresh_python(code)) for _ in range(5))
    print(f"  import emo_pipe {imports['emo_pipe'] * 1000:.0f} ms, import opensmile {imports['opensmile'] * 1000:.0f} ms "
          f"(median of 5 fresh interpreters; {imports['opensmile'] / imports['emo_pipe']:.1f}x)")

    list_file = os.path.join(tempfile.gettempdir(), "emo-pipe-bench-files.txt")
    with open(list_file, "w") as f:
        f.write("\n".join(files))
    # VmHWM, the peak resident size of this interpreter's own memory (ru_maxrss
    # would include the parent process it was forked from)
    code = (
        "import emo_pipe\n"
        "def hwm():\n"
        "    line = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "    return int(line.split()[1]) / 1024\n"
        f"files = open({list_file!r}).read().split('\\n')\n"
        "base = hwm()\n"
        "df = emo_pipe.Smile(emo_pipe.FeatureSet.IS10).process_files(files)\n"
        "print(hwm(), base, df.shape)\n"
    )
    peak, base, shape = in_fresh_python(code).split(" ", 2)
    print(f"  peak memory of process_files on {len(files)} files: {float(peak):.0f} MB "
          f"(the interpreter with numpy and pandas imported: {float(base):.0f} MB; result {shape})")

    # a 1 s segment of a 1-hour recording: only that second is read
    long = os.path.join(tempfile.gettempdir(), "emo-pipe-bench-1h.wav")
    if not os.path.exists(long):
        with wave.open(files[0]) as w:
            clip = w.readframes(w.getnframes())
            rate = w.getframerate()
        with wave.open(long, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            for _ in range(int(3600 * rate * 2 / len(clip)) + 1):
                w.writeframes(clip)
    t_seg = best_of(args.repeat, lambda: ours.process_file(long, start=1800.0, end=1801.0))
    t_seg_os = best_of(1, lambda: theirs.process_file(long, start=1800.0, end=1801.0))
    print(f"  1 s segment at 30 min of a 1-hour WAV: emo_pipe {t_seg * 1000:.1f} ms, "
          f"opensmile-python {t_seg_os * 1000:.1f} ms")


if __name__ == "__main__":
    main()
