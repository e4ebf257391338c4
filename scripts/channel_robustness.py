#!/usr/bin/env python3
"""Channel robustness of the default recipe (issue 8): the model trained on
EmoDB + RAVDESS actors 1-8 by scripts/default_model.sh (target/results/
heldout.safetensors) classifies RAVDESS actors 9-12 after gain changes (+-12 dB),
white noise (20 and 10 dB SNR), telephone band (300-3400 Hz at 8 kHz) and MP3
(64 kbit/s), per speaker (--speaker-dirs) and as lone clips. Seeded (--seed).
Writes target/results/channel-robustness.md.

With --augment the same recipe (read from the held-out model) is first retrained with every training clip
(EmoDB + RAVDESS 1-8) once more under each degradation but the gain changes
(training noise from another seed than the test noise; each speaker x
condition is its own speaker for per-speaker normalisation, as one speaker
recorded over one channel would be), and that model is tested instead:
target/results/channel-robustness-augmented.md.

    pip install numpy scipy soundfile lameenc
    python3 scripts/channel_robustness.py [--seed 1] [--augment]
"""
import argparse, json, os, shutil, subprocess, sys
import numpy as np, soundfile as sf
from scipy import signal

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--augment", action="store_true")
args = ap.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.environ.get("EMO_PIPE_SHARED", os.path.join(root, "..", "shared"))
W = os.path.join(root, "target", "results")
model = os.path.join(W, "heldout.safetensors")
exe = os.path.join(root, "target", "release", "emo-pipe")
if not os.path.exists(model):
    raise SystemExit("run scripts/default_model.sh first (it trains target/results/heldout.safetensors)")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpora import emodb, ravdess, ravdess_classify_uar, write_manifest  # noqa: E402

clips = [r[0] for r in ravdess(shared, range(9, 13))]
rng = np.random.default_rng(args.seed)


def gain(db):
    return lambda x, sr: (np.clip(x * 10 ** (db / 20), -1, 1), sr)


def noise(snr):
    def f(x, sr):
        n = rng.standard_normal(len(x))
        p = np.mean(x ** 2) / (np.mean(n ** 2) * 10 ** (snr / 10))
        return np.clip(x + n * np.sqrt(p), -1, 1), sr
    return f


def telephone(x, sr):
    y = signal.resample_poly(x, 8000, sr)
    sos = signal.butter(4, [300, 3400], btype="bandpass", fs=8000, output="sos")
    return signal.sosfilt(sos, y), 8000


CONDITIONS = [("clean", None), ("gain +12 dB", gain(12)), ("gain -12 dB", gain(-12)),
              ("noise 20 dB SNR", noise(20)), ("noise 10 dB SNR", noise(10)),
              ("telephone 300-3400 Hz, 8 kHz", telephone), ("MP3 64 kbit/s", "mp3")]


def degrade(c, fn, base):
    """Writes clip c through condition fn to base(.wav|.mp3); returns the path."""
    x, sr = sf.read(c, dtype="float64")
    if x.ndim > 1:
        x = x.mean(axis=1)
    if fn == "mp3":
        import lameenc
        enc = lameenc.Encoder(); enc.set_bit_rate(64); enc.set_in_sample_rate(sr); enc.set_channels(1); enc.set_quality(2)
        pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
        open(base + ".mp3", "wb").write(enc.encode(pcm) + enc.flush())
        return base + ".mp3"
    y, r = fn(x, sr)
    sf.write(base + ".wav", y, r, subtype="PCM_16")
    return base + ".wav"


def slug(name):
    return name.split()[0] + name.split()[1] if len(name.split()) > 1 else name


suffix = ""
if args.augment:
    suffix = "-augmented"
    # the training manifest: EmoDB's 4 classes and RAVDESS 1-8, clean and degraded
    train = emodb(shared) + ravdess(shared, range(1, 9))
    arng = np.random.default_rng(args.seed + 1000)
    rng_test, rng = rng, arng  # noise() draws from the global rng
    aug_dir = os.path.join(W, "augment")
    shutil.rmtree(aug_dir, ignore_errors=True)
    rows_m = list(train)
    for name, fn in CONDITIONS:
        if fn is None or name.startswith("gain"):
            continue
        d = os.path.join(aug_dir, slug(name))
        os.makedirs(d, exist_ok=True)
        for i, (path, spk, g, lab) in enumerate(train):
            out_path = degrade(path, fn, os.path.join(d, f"{i:04d}-{os.path.basename(path)[:-4]}"))
            rows_m.append((out_path, f"{spk}-{slug(name)}", g, lab))
    rng = rng_test
    man = os.path.join(W, "train-augmented.csv")
    write_manifest(man, rows_m)
    model_clean, model = model, os.path.join(W, "heldout-augmented.safetensors")
    # the held-out model's own recipe (its set, system, normalisation and C)
    meta = json.loads(subprocess.run([exe, "model", model_clean], capture_output=True, text=True, check=True).stdout)
    fallback_c = (meta.get("fallback_svm") or meta["svm"])["c"]
    subprocess.run([exe, "train", man, "--feature-set", meta["feature_set"], "--system", meta["system"],
                    "--norm", meta["normalisation"], "--c", str(meta["svm"]["c"]),
                    "--fallback-c", str(fallback_c), "--half", "--store", os.path.join(root, "target", "store"),
                    "-o", model], check=True, stderr=subprocess.DEVNULL)
    print(f"trained {model} on {len(rows_m)} clips ({len(train)} clean)", flush=True)

rows = []
for name, fn in CONDITIONS:
    out = os.path.join(W, "channel", slug(name))
    shutil.rmtree(out, ignore_errors=True)
    files = []
    for c in clips:
        actor = os.path.basename(os.path.dirname(c))
        os.makedirs(os.path.join(out, actor), exist_ok=True)
        base = os.path.join(out, actor, os.path.basename(c)[:-4])
        files.append(c if fn is None else degrade(c, fn, base))
    res = []
    for extra in (["--speaker-dirs"], []):
        p = subprocess.run([exe, "classify", *files, "--model", model, "--json", *extra], capture_output=True, text=True)
        res.append(ravdess_classify_uar(p.stdout.splitlines())[0])
    rows.append((name, *res))
    print(name, res, flush=True)

report = os.path.join(W, f"channel-robustness{suffix}.md")
with open(report, "w") as f:
    f.write(f"RAVDESS actors 9-12 ({len(clips)} clips), model trained on EmoDB + RAVDESS 1-8 "
            f"({os.path.relpath(model, root)}), seed {args.seed}\n\n")
    f.write("| condition | UAR per speaker | drop | UAR lone clips | drop |\n|---|---|---|---|---|\n")
    for name, a, b in rows:
        f.write(f"| {name} | {a:.1f} | {a - rows[0][1]:+.1f} | {b:.1f} | {b - rows[0][2]:+.1f} |\n")
print(open(report).read())
