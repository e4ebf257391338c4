#!/usr/bin/env python3
"""Long recordings with known truth, for testing segmentation: corpus clips
(the 4-class clips of ../shared/corpora, see corpora.py) joined end to end
with pauses drawn uniformly from --pause seconds, the pauses filled with white
noise at the recording's room-noise level (the median over its clips of each
clip's 10th-percentile 10 ms frame RMS, at least -100 dBFS: one room, as in
a real recording), or at --noise-dbfs if given,
so that the pauses sound like the clips' own silences rather than digital
silence or a louder hiss. Clips are copied sample for sample.

Writes NAME.wav (16-bit mono, the clips' rate) and NAME.truth.csv into
OUT_DIR: clip,speaker,label,start,end,speech_start,speech_end in seconds of
the recording; start/end are the clip's edges, speech_start/speech_end the
first and last 10 ms frame of the clip within 35 dB of its loudest frame
(RAVDESS clips hold about a second of silence before the speech).

  per speaker (default): one recording per speaker, that speaker's clips in
      a random order, e.g. emodb-emodb-03-s1.wav
  --minutes M: one recording of at least M minutes, clips of all speakers in
      random order (repeated when the corpus is shorter), e.g. emodb-60min-s1.wav

Only the standard library is needed.
"""
import argparse
import array
import math
import os
import random
import sys
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpora  # noqa: E402


def frame_energy(data, rate):
    x = array.array("h", data)
    n = rate // 100
    return [sum(v * v for v in x[i : i + n]) / n for i in range(0, len(x) - n + 1, n)]


def room_dbfs(energy):
    """The clip's room noise: its 10th-percentile 10 ms frame, in dB re full scale."""
    e = sorted(energy)[len(energy) // 10] if energy else 0.0
    return max(-100.0, 10 * math.log10(e / 32768.0**2 + 1e-30))


def speech_extent(energy, rate):
    """First and last 10 ms frame (in seconds from the clip's start) whose RMS
    is within 35 dB of the loudest frame's."""
    n = rate // 100
    if not energy or max(energy) == 0:
        return 0.0, len(energy) * n / rate
    thr = max(energy) * 10 ** (-35 / 10)
    on = [i for i, e in enumerate(energy) if e >= thr]
    return on[0] * n / rate, (on[-1] + 1) * n / rate


def read_clip(path):
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise SystemExit(f"{path}: 16-bit mono expected, found {w.getnchannels()} channel(s) of {8 * w.getsampwidth()} bits")
        return w.getframerate(), w.readframes(w.getnframes())


class Noise:
    """White noise at a given RMS level, cut from a pool of unit noise."""

    def __init__(self, rng, rate):
        self.pool = [rng.gauss(0.0, 1.0) for _ in range(10 * rate)] * 2
        self.rng, self.n = rng, 10 * rate

    def take(self, frames, dbfs):
        sigma = 32768.0 * 10.0 ** (dbfs / 20.0)
        out = array.array("h")
        while frames > 0:
            k = min(frames, self.n)
            o = self.rng.randrange(self.n)
            out.extend(max(-32768, min(32767, round(v * sigma))) for v in self.pool[o : o + k])
            frames -= k
        return out.tobytes()


def build(out_dir, name, clips, rng, args):
    level = args.noise_dbfs
    if level is None:
        rooms = sorted(room_dbfs(frame_energy(*reversed(read_clip(c[0])))) for c in clips[:200])
        level = rooms[len(rooms) // 2]
    rate = None
    wav_path = os.path.join(out_dir, name + ".wav")
    noise = None
    pos = 0
    truth = []
    with wave.open(wav_path + ".part", "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        for path, speaker, _gender, label in clips:
            r, data = read_clip(path)
            energy = frame_energy(data, r)
            if rate is None:
                rate = r
                w.setframerate(rate)
                noise = Noise(rng, rate)
                lead = round(args.pause[1] * rate)
                w.writeframes(noise.take(lead, level))
                pos += lead
            elif r != rate:
                raise SystemExit(f"{path}: {r} Hz, the recording is {rate} Hz")
            n = len(data) // 2
            a, b = speech_extent(energy, rate)
            truth.append((os.path.basename(path), speaker, label, pos / rate, (pos + n) / rate, pos / rate + a, pos / rate + b))
            w.writeframes(data)
            pos += n
            gap = round(rng.uniform(*args.pause) * rate)
            w.writeframes(noise.take(gap, level))
            pos += gap
    os.replace(wav_path + ".part", wav_path)
    with open(os.path.join(out_dir, name + ".truth.csv"), "w") as f:
        f.write("clip,speaker,label,start,end,speech_start,speech_end\n")
        for c, s, l, a, b, sa, sb in truth:
            f.write(f"{c},{s},{l},{a:.6f},{b:.6f},{sa:.6f},{sb:.6f}\n")
    print(f"{wav_path}: {len(truth)} clips, {pos / rate / 60:.1f} min, pauses at {level:.1f} dBFS", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--corpus", choices=["emodb", "ravdess"], default="emodb")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, help="one recording of all speakers, at least this long")
    ap.add_argument("--speakers", type=int, default=0, help="per-speaker mode: only the first N speakers (0: all)")
    ap.add_argument("--pause", type=lambda s: tuple(float(x) for x in s.split(",")), default=(0.3, 2.0), help="MIN,MAX seconds (default 0.3,2)")
    ap.add_argument("--noise-dbfs", type=float, help="one noise level for every pause (default: each clip's room noise)")
    args = ap.parse_args()
    if len(args.pause) != 2 or not 0 <= args.pause[0] <= args.pause[1]:
        raise SystemExit("--pause wants MIN,MAX with 0 <= MIN <= MAX")
    rows = corpora.emodb(args.shared) if args.corpus == "emodb" else corpora.ravdess(args.shared)
    os.makedirs(args.out_dir, exist_ok=True)
    rng = random.Random(args.seed)
    if args.minutes:
        mean = sum(read_clip(r[0])[1].__len__() / 2 / 16000 for r in rows[:50]) / 50 + sum(args.pause) / 2
        need = math.ceil(args.minutes * 60 / mean * 1.05)
        clips = []
        while len(clips) < need:
            batch = rows[:]
            rng.shuffle(batch)
            clips += batch
        build(args.out_dir, f"{args.corpus}-{args.minutes:g}min-s{args.seed}", clips[:need], rng, args)
        return
    speakers = sorted({r[1] for r in rows})
    if args.speakers:
        speakers = speakers[: args.speakers]
    for s in speakers:
        clips = [r for r in rows if r[1] == s]
        rng.shuffle(clips)
        build(args.out_dir, f"{s}-s{args.seed}", clips, rng, args)


if __name__ == "__main__":
    main()
