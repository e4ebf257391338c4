#!/usr/bin/env python3
"""Channel robustness of the default recipe (issue 8): the model trained on
EmoDB + RAVDESS actors 1-8 by scripts/default_model.sh (target/results/
heldout.safetensors) classifies RAVDESS actors 9-12 after gain changes (+-12 dB),
white noise (20 and 10 dB SNR), telephone band (300-3400 Hz at 8 kHz) and MP3
(64 kbit/s), per speaker (--speaker-dirs) and as lone clips. Seeded (--seed).
Writes target/results/channel-robustness.md.

    pip install numpy scipy soundfile lameenc
    python3 scripts/channel_robustness.py [--seed 1]
"""
import argparse, json, os, shutil, subprocess
import numpy as np, soundfile as sf
from scipy import signal

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=1)
args = ap.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.environ.get("EMO_PIPE_SHARED", os.path.join(root, "..", "shared"))
W = os.path.join(root, "target", "results")
model = os.path.join(W, "heldout.safetensors")
exe = os.path.join(root, "target", "release", "emo-pipe")
if not os.path.exists(model):
    raise SystemExit("run scripts/default_model.sh first (it trains target/results/heldout.safetensors)")
EMO = {"01": "neutral", "03": "happiness", "04": "sadness", "05": "anger"}
clips = []
for a in range(9, 13):
    d = os.path.join(shared, "corpora", "ravdess", f"Actor_{a:02d}")
    clips += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".wav") and f.split("-")[2] in EMO]
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


def uar(lines):
    rec = {}
    for line in lines:
        v = json.loads(line)
        if "label" not in v:
            continue
        t = EMO[os.path.basename(v["file"]).split("-")[2]]
        r = rec.setdefault(t, [0, 0]); r[0] += v["label"] == t; r[1] += 1
    return 100 * sum(a / n for a, n in rec.values()) / len(rec)


rows = []
for name, fn in CONDITIONS:
    out = os.path.join(W, "channel", name.split()[0] + name.split()[1] if len(name.split()) > 1 else name)
    shutil.rmtree(out, ignore_errors=True)
    files = []
    for c in clips:
        actor = os.path.basename(os.path.dirname(c))
        os.makedirs(os.path.join(out, actor), exist_ok=True)
        x, sr = sf.read(c, dtype="float64")
        if x.ndim > 1:
            x = x.mean(axis=1)
        base = os.path.join(out, actor, os.path.basename(c)[:-4])
        if fn is None:
            files.append(c)
        elif fn == "mp3":
            import lameenc
            enc = lameenc.Encoder(); enc.set_bit_rate(64); enc.set_in_sample_rate(sr); enc.set_channels(1); enc.set_quality(2)
            pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
            open(base + ".mp3", "wb").write(enc.encode(pcm) + enc.flush())
            files.append(base + ".mp3")
        else:
            y, r = fn(x, sr)
            sf.write(base + ".wav", y, r, subtype="PCM_16")
            files.append(base + ".wav")
    res = []
    for extra in (["--speaker-dirs"], []):
        p = subprocess.run([exe, "classify", *files, "--model", model, "--json", *extra], capture_output=True, text=True)
        res.append(uar(p.stdout.splitlines()))
    rows.append((name, *res))
    print(name, res, flush=True)

with open(os.path.join(W, "channel-robustness.md"), "w") as f:
    f.write(f"RAVDESS actors 9-12 ({len(clips)} clips), model trained on EmoDB + RAVDESS 1-8 "
            f"(target/results/heldout.safetensors), seed {args.seed}\n\n")
    f.write("| condition | UAR per speaker | drop | UAR lone clips | drop |\n|---|---|---|---|---|\n")
    for name, a, b in rows:
        f.write(f"| {name} | {a:.1f} | {a - rows[0][1]:+.1f} | {b:.1f} | {b - rows[0][2]:+.1f} |\n")
print(open(os.path.join(W, "channel-robustness.md")).read())
