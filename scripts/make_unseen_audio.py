#!/usr/bin/env python3
"""Audio nobody tuned on, with openSMILE references, for docs/parity.md.

Writes OUT/<condition>/*.wav and OUT/<condition>.<set>.csv (openSMILE's
functionals through ../shared/tools/is10_reference.py) for these conditions,
all made from 16 RAVDESS clips (actors 3-10, two clips each) with seed 5:

  rate8k      resampled to 8 kHz (soxr, very high quality)
  rate44k     resampled to 44.1 kHz
  stereo48k   48 kHz stereo: left the clip, right the clip at -6 dB, 5 ms later
  noisy10db   white noise added at 10 dB SNR
  long        6 files of 60-70 s, each a concatenation of 18 RAVDESS clips
              drawn from all actors
  speaker60s  12 files of at least 60 s, one per RAVDESS actor (1-12): that
              actor's clips, shuffled with seed 6, until 60 s are reached. A long
              recording is usually one voice; with one speaker per file the files
              differ as speakers do, where the 6 mixes above are averages of the
              same population and barely differ from each other

and, from 16 EmoDB clips drawn with seed 11 (another corpus, language and set
of speakers than the RAVDESS clips above):

  rate22k       resampled to 22.05 kHz
  quiet30db     30 dB quieter (a far recording; 16-bit, so the quantisation
                noise is 30 dB nearer the speech)
  rate32k24bit  resampled to 32 kHz, written as 24-bit PCM

Needs: pip install opensmile==2.6.0 pandas soundfile soxr numpy
Usage: python3 scripts/make_unseen_audio.py OUT
       python3 scripts/make_unseen_audio.py --list   (the condition names)
"""
import os
import subprocess
import sys

import numpy as np
import soundfile as sf
import soxr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("EMO_PIPE_SHARED", os.path.join(ROOT, "..", "shared"))
# the conditions, in the order docs/parity.md and the scripts that read them list them
CONDITIONS = ("rate8k", "rate44k", "stereo48k", "noisy10db", "long", "speaker60s",
              "rate22k", "quiet30db", "rate32k24bit")


def main():
    if sys.argv[1] == "--list":
        print(" ".join(CONDITIONS))
        return
    out = sys.argv[1]
    rav = os.path.join(SHARED, "corpora", "ravdess")
    clips = []
    for actor in range(3, 11):
        d = os.path.join(rav, f"Actor_{actor:02d}")
        names = sorted(os.listdir(d))
        clips += [os.path.join(d, names[3]), os.path.join(d, names[17])]
    rng = np.random.default_rng(5)
    for c in CONDITIONS:
        os.makedirs(os.path.join(out, c), exist_ok=True)
    for path in clips:
        x, fs = sf.read(path, dtype="float64")
        stem = os.path.splitext(os.path.basename(path))[0]
        sf.write(os.path.join(out, "rate8k", stem + ".wav"), soxr.resample(x, fs, 8000, "VHQ"), 8000, subtype="PCM_16")
        sf.write(os.path.join(out, "rate44k", stem + ".wav"), soxr.resample(x, fs, 44100, "VHQ"), 44100, subtype="PCM_16")
        y = soxr.resample(x, fs, 48000, "VHQ")
        right = 0.5 * np.concatenate([np.zeros(240), y[:-240]])
        sf.write(os.path.join(out, "stereo48k", stem + ".wav"), np.stack([y, right], 1), 48000, subtype="PCM_16")
        noise = rng.standard_normal(len(x))
        noise *= np.sqrt(np.mean(x**2) / np.mean(noise**2) / 10.0)
        sf.write(os.path.join(out, "noisy10db", stem + ".wav"), np.clip(x + noise, -1, 1), fs, subtype="PCM_16")
    all_rav = sorted(
        os.path.join(r, f) for r, _, fs_ in os.walk(rav) for f in fs_ if f.endswith(".wav"))
    for k in range(6):
        pick = rng.choice(len(all_rav), 18, replace=False)
        x = np.concatenate([sf.read(all_rav[i], dtype="float64")[0] for i in pick])
        sf.write(os.path.join(out, "long", f"long{k}.wav"), x, 16000, subtype="PCM_16")
    # its own generator, so that the conditions above stay as they were
    rng_speaker = np.random.default_rng(6)
    for actor in range(1, 13):
        d = os.path.join(rav, f"Actor_{actor:02d}")
        names = sorted(n for n in os.listdir(d) if n.endswith(".wav"))
        parts, seconds = [], 0.0
        for i in rng_speaker.permutation(len(names)):
            x, fs = sf.read(os.path.join(d, names[i]), dtype="float64")
            parts.append(x)
            seconds += len(x) / fs
            if seconds >= 60.0:
                break
        sf.write(os.path.join(out, "speaker60s", f"actor{actor:02d}.wav"),
                 np.concatenate(parts), fs, subtype="PCM_16")
    emodb = os.path.join(SHARED, "corpora", "emodb", "wav")
    names = sorted(n for n in os.listdir(emodb) if n.endswith(".wav"))
    rng_emodb = np.random.default_rng(11)
    for n in [names[i] for i in sorted(rng_emodb.choice(len(names), 16, replace=False))]:
        x, fs = sf.read(os.path.join(emodb, n), dtype="float64")
        sf.write(os.path.join(out, "rate22k", n), soxr.resample(x, fs, 22050, "VHQ"), 22050, subtype="PCM_16")
        sf.write(os.path.join(out, "quiet30db", n), x * 10 ** (-30 / 20), fs, subtype="PCM_16")
        sf.write(os.path.join(out, "rate32k24bit", n), soxr.resample(x, fs, 32000, "VHQ"), 32000,
                 subtype="PCM_24")
    tool = os.path.join(SHARED, "tools", "is10_reference.py")
    for c in CONDITIONS:
        for s in ("is10", "is10-compat", "egemaps"):
            subprocess.run([sys.executable, tool, "func", os.path.join(out, c), "--set", s,
                            "-o", os.path.join(out, f"{c}.{s}.csv")], check=True)


if __name__ == "__main__":
    main()
