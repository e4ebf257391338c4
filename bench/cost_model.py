#!/usr/bin/env python3
"""A cost model of IS10 extraction: per block, the time it takes now, its floor, and the ratio.

    cargo build --release
    python3 bench/cost_model.py [--corpus ../shared/corpora/emodb/wav] [--repeat 3]

Time now: `emo-pipe extract CORPUS -j 1` is timed whole (best of --repeat), and
`perf record` samples one more run of it; each block's time is its share of the
samples (self time of the functions that make it up) times the whole time.

Work: the floating-point operations (a multiply-add counts as two) each block
needs per second of 16 kHz audio, counted from the chain's sizes (frame and FFT
lengths, table shapes, filter widths; docs/performance.md gives each formula);
for the data-dependent blocks (jitter, LSP root search) from the corpus itself:
the F0 contour of each file (written by `extract --lld`) gives the periods and
lags the jitter search walks.

Floor: work divided by the machine's sustained single-core rate for that
block's kernel shape at full SIMD width with fused multiply-adds, measured by
`cargo bench -p emo-dsp --bench kernels` in the same run: the table stream for
the spectral resampler, lagged double-precision products for the jitter
correlation, the register peak (single or double precision) for the rest. The
magnitude spectra also need one square root per bin, which no multiply-add
unit does: those count at the single-precision root rate (a root of the
double-precision square, as the features need it, costs more, so this floor
is the lower one).

Prints a markdown table; the ratio column is time now / floor.
"""
import argparse
import csv
import glob
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("EMO_PIPE_SHARED", os.path.join(ROOT, "..", "shared"))
FS = 16000
FRAMES = 100  # frames per second at the 10 ms step, both levels

# Blocks, in chain order: (name, regex on the profiled symbol, kernel class).
BLOCKS = [
    ("decode, mix, framing", r"hound|symphonia|emo_audio|FrameGeometry|mixdown|Extractor::analyse", "peak_f32"),
    ("windows, pre-emphasis, loudness, power/magnitude",
     r"window::|preemphasis|SpectralAnalyzer::(analyse4|analyse8|analyse|up_to_lpc4|loudness)|spectrum::magnitudes|"
     r"RealSpectrum<T>::(magnitude|transform|pack)|PitchAnalyzer::analyse|__ieee754_pow|power_spectrum",
     "peak_f64+sqrt"),
    ("FFTs (512 f64, 1024 f32)", r"realfft|rustfft|spectrum::split", "fft"),
    ("mel filterbanks, log, cepstrum", r"mel::|mfcc::|Cepstrum|__ieee754_log|^log@", "peak_f64"),
    ("spectral resampling to 11 kHz", r"resample::", "table_stream_f32"),
    ("LPC (autocorrelation, Levinson)", r"lpc::", "peak_f32"),
    ("LSP root search", r"lsp::|acos", "peak_f32"),
    ("log-frequency spectrum (peaks, smoothing, spline)",
     r"spline::|LogFrequencySpectrum|keep_peaks|smooth_121", "peak_f64"),
    ("subharmonic summation, candidates",
     r"SubharmonicSummation|parabola|means_in_order|means_by_fours|peak_bits|__ieee754_exp|^exp@", "peak_f32"),
    ("pitch smoother, jitter and shimmer", r"jitter::|PitchSmoother|smooth_pitch", "lagged_products_f64"),
    ("smoothing, deltas", r"smoothing::|delta::", "peak_f32"),
    ("functionals", r"emo_functionals|select::|sort::|partition", "peak_f32"),
]
WINDOWS, FFTS = BLOCKS[1][0], BLOCKS[2][0]
OTHER = "everything else (allocation, page faults, copies, CSV, start-up)"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def best_of(n, cmd):
    best = None
    for _ in range(n):
        t0 = time.perf_counter()
        run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best


def profile_shares(cmd, tmp):
    """Self-time share of every sampled symbol: {symbol: fraction}."""
    data = os.path.join(tmp, "perf.data")
    run(["perf", "record", "-F", "2999", "-o", data, "--"] + cmd,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "symbol",
               "-g", "none", "--percent-limit", "0"], capture_output=True, text=True).stdout
    shares = {}
    for line in out.splitlines():
        m = re.match(r"\s*([0-9.]+)%\s+\[(.)\]\s+(.*?)\s*$", line)
        if m:
            sym = ("[kernel] " if m.group(2) == "k" else "") + m.group(3)
            shares[sym] = shares.get(sym, 0.0) + float(m.group(1)) / 100.0
    return shares


def kernel_rates():
    out = run(["cargo", "bench", "-q", "-p", "emo-dsp", "--bench", "kernels"], cwd=ROOT,
              capture_output=True, text=True).stdout
    rates = {}
    for m in re.finditer(r"^kernel (\S+) ([0-9.]+)$", out, re.M):
        rates[m.group(1)] = float(m.group(2)) * 1e9
    if not rates:
        sys.exit(f"no kernel rates in: {out!r}")
    width = "512" if "peak_f32_512" in rates else "256"
    rates["peak_f32"] = rates[f"peak_f32_{width}"]
    rates["peak_f64"] = rates[f"peak_f64_{width}"]
    if "sqrt_f32" not in rates:
        sys.exit(f"no square-root rate in: {out!r}")
    rates.setdefault("table_stream_f32", rates["peak_f32"])
    rates.setdefault("lagged_products_f64", rates["peak_f64"])
    return rates, width


def fft_flops(n):
    """A real FFT of n points: half of a complex n-point FFT's 5·n·log2(n)."""
    return 2.5 * n * math.log2(n)


def jitter_flops(lld_dir, seconds):
    """Flops of the jitter search per second of audio, from each file's F0 contour.

    A voiced frame walks the step's samples period by period (about step/τ
    periods for period τ = fs/F0); each period tries the lags ⌊0.75τ⌋..⌈1.25τ⌉
    (search range 0.25) and each lag costs about 10τ (sums of both segments,
    then three centred products: two subtractions, three multiplies, three adds
    per sample)."""
    total = 0.0
    voiced = frames = 0
    for path in glob.glob(os.path.join(lld_dir, "*.csv")):
        with open(path, newline="") as fh:
            rows = csv.DictReader(fh)
            for r in rows:
                frames += 1
                f0 = float(r.get("F0final_sma") or 0.0)
                if f0 <= 0:
                    continue
                voiced += 1
                tau = FS / f0
                lags = math.ceil(1.25 * tau) - math.floor(0.75 * tau) + 1
                total += (FS / FRAMES / tau) * lags * 10 * tau
    return total / seconds, voiced / max(frames, 1)


def block_work(jitter_per_s):
    """Flops per second of audio for each block, at 16 kHz (see the module doc)."""
    n25, k25, n60, k60 = 400, 512, 960, 1024
    bins25, bins60 = k25 // 2 + 1, k60 // 2 + 1
    lpc_n, rows = 275, 136  # resampled frame; cosine/sine table rows (k = 1..136)
    per_frame = {
        "decode, mix, framing": FS / FRAMES,  # one conversion per sample
        "windows, pre-emphasis, loudness, power/magnitude":
            2 * n25 + 2 * n25 + n25 + 3 * bins25 + n60 + 3 * bins60,
        "FFTs (512 f64, 1024 f32)": None,  # split by precision below
        # each bin in at most two triangles of each bank, then 34 logs (~20 flops) and the 26×15 DCT
        "mel filterbanks, log, cepstrum": 2 * (2 * 2 * bins25) + 34 * 20 + 2 * 26 * 15,
        # two multiply-adds per (row, output sample), then the normalisation
        "spectral resampling to 11 kHz": 4 * rows * lpc_n + lpc_n,
        # 9 lags of products, Levinson-Durbin of order 8
        "LPC (autocorrelation, Levinson)": 2 * 9 * lpc_n + 2 * 8 * 8,
        # ~30 grid steps and 8 roots × 11 bisections, each a Clenshaw sum of 16 flops; 8 arccos (~40)
        "LSP root search": (30 + 88) * 16 + 8 * 40,
        # keep-peaks and 1-2-1 smoothing (~4/bin), spline: second derivatives (~10/knot) and evaluation (~12/point), weights
        "log-frequency spectrum (peaks, smoothing, spline)": bins60 * (4 + 10 + 12 + 1),
        # 15 compressed harmonics added per point, peak picking
        "subharmonic summation, candidates": 2 * 15 * bins60 + 3 * bins60,
        "pitch smoother, jitter and shimmer": None,
        # 3-point smoothing and the 5-point delta for 38 contours
        "smoothing, deltas": 38 * (3 + 6),
        # 21 functionals of 76 contours, ~40 operations per value (moments,
        # regression, selection for percentiles, level times)
        "functionals": 76 * 40,
    }
    work = {k: (v * FRAMES if v is not None else None) for k, v in per_frame.items()}
    # and a square root per magnitude bin (257 + 513), at the root rate
    work[WINDOWS] = (work[WINDOWS], (bins25 + bins60) * FRAMES)
    work["pitch smoother, jitter and shimmer"] = jitter_per_s
    fft = (fft_flops(k25) * FRAMES, fft_flops(k60) * FRAMES)  # (f64, f32)
    work[FFTS] = fft
    return work


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(SHARED, "corpora", "emodb", "wav"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--exe", default=os.path.join(ROOT, "target", "release", "emo-pipe"),
                    help="the emo-pipe binary to profile (default: this tree's release build)")
    args = ap.parse_args()
    exe = args.exe
    if not os.path.exists(exe):
        sys.exit("build first: cargo build --release")
    if shutil.which("perf") is None:
        sys.exit("perf is needed for the per-block times (apt install linux-perf)")
    import soundfile

    files = sorted(glob.glob(os.path.join(args.corpus, "*.wav")))
    if not files:
        sys.exit(f"no .wav files in {args.corpus}")
    seconds = sum(soundfile.info(f).duration for f in files)
    rates, width = kernel_rates()
    with tempfile.TemporaryDirectory() as tmp:
        out_csv = os.path.join(tmp, "f.csv")
        cmd = [exe, "extract", args.corpus, "-o", out_csv, "-j", "1"]
        wall = best_of(args.repeat, cmd)
        shares = profile_shares(cmd, tmp)
        lld = os.path.join(tmp, "lld")
        run([exe, "extract", args.corpus, "-o", out_csv, "-j", "1", "--lld", lld],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        jit, voiced = jitter_flops(lld, seconds)

    share = {name: 0.0 for name, _, _ in BLOCKS}
    share[OTHER] = 0.0
    for sym, s in shares.items():
        for name, rx, _ in BLOCKS:
            if not sym.startswith("[kernel]") and re.search(rx, sym):
                share[name] += s
                break
        else:
            share[OTHER] += s
    total_share = sum(share.values()) or 1.0
    work = block_work(jit)

    print(f"{len(files)} files, {seconds:.1f} s of audio; emo-pipe extract -j 1: {wall:.2f} s "
          f"(best of {args.repeat}) = {seconds / wall:.0f}x real time; voiced frames {100 * voiced:.0f} %")
    shown = ("peak_f32", "peak_f64", "table_stream_f32", "lagged_products_f64", "serial_f32")
    print(f"sustained single-core rates ({width}-bit registers, fused multiply-adds), Gflop/s: "
          + ", ".join(f"{k} {rates[k] / 1e9:.1f}" for k in shown if k in rates)
          + f"; square roots, G/s: sqrt_f32 {rates['sqrt_f32'] / 1e9:.2f}"
          + (f", sqrt_f64 {rates['sqrt_f64'] / 1e9:.2f}" if "sqrt_f64" in rates else ""))
    print()
    print("| block | time now (s) | share | work (Mflop per s of audio) | floor kernel | floor (s) | now / floor |")
    print("|---|---|---|---|---|---|---|")
    tot_floor = 0.0
    for name, _, kind in BLOCKS:
        t = wall * share[name] / total_share
        w = work[name]
        if kind == "fft":
            w64, w32 = w
            floor = seconds * (w64 / rates["peak_f64"] + w32 / rates["peak_f32"])
            w = w64 + w32
            kind = "peak_f64 + peak_f32"
        elif kind == "peak_f64+sqrt":
            w, roots = w
            floor = seconds * (w / rates["peak_f64"] + roots / rates["sqrt_f32"])
            kind = "peak_f64 + sqrt_f32"
        else:
            floor = seconds * w / rates[kind]
        tot_floor += floor
        print(f"| {name} | {t:.3f} | {100 * share[name] / total_share:.1f} % | {w / 1e6:.2f} | {kind} | "
              f"{floor:.4f} | {t / floor:.0f}x |")
    t = wall * share[OTHER] / total_share
    print(f"| {OTHER} | {t:.3f} | {100 * share[OTHER] / total_share:.1f} % | - | - | 0 | - |")
    # flops only: the FFTs' two precisions added, the windowing block's roots left out
    total_work = sum(v for v in work.values() if not isinstance(v, tuple))
    total_work += sum(work[FFTS]) + work[WINDOWS][0]
    print(f"| **whole chain** | {wall:.3f} | 100 % | {total_work / 1e6:.2f} | | {tot_floor:.4f} | "
          f"{wall / tot_floor:.1f}x |")


if __name__ == "__main__":
    main()
