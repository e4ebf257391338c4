#!/usr/bin/env python3
"""Live-stream benchmarks of `emo-pipe classify - --segment vad`.

latency: a recording made by scripts/make_long_recordings.py (one EmoDB
    speaker, about 2.5 minutes: the run takes that long) is written into
    emo-pipe's stdin as a WAV stream in real time, 20 ms at a time, as a
    microphone would deliver it. For each segment line, the latency is the
    time from the moment the stream had delivered the end of the matching
    clip's speech plus the minimum pause (0.25 s, the earliest a segment can
    be known to have closed) to the moment the line was read.
memory: a 4-hour stream (the recording repeated) is written as fast as
    emo-pipe takes it; prints the peak resident memory of emo-pipe and its
    speed in seconds of audio per second.

Usage: bench/stream_latency.py [latency|memory|both] [--hours 4]
(needs target/release/emo-pipe; `cargo build --release -p emo-pipe`).
"""
import argparse
import csv
import json
import os
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import wave

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "emo-pipe")
MIN_PAUSE = 0.25


def recording(work):
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make_long_recordings.py"), work,
                    "--speakers", "1", "--seed", "7"], check=True, capture_output=True)
    wav = next(os.path.join(work, f) for f in sorted(os.listdir(work)) if f.endswith(".wav"))
    with wave.open(wav) as w:
        rate, pcm = w.getframerate(), w.readframes(w.getnframes())
    with open(wav[:-4] + ".truth.csv") as f:
        truth = [(float(r["speech_start"]), float(r["speech_end"])) for r in csv.DictReader(f)]
    return rate, pcm, truth


def stream_header(rate):
    # sizes unknown, as ffmpeg -f wav - writes them to a pipe
    return (b"RIFF\xff\xff\xff\xffWAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, 2 * rate, 2, 16)
            + b"data\xff\xff\xff\xff")


def latency(work):
    rate, pcm, truth = recording(work)
    p = subprocess.Popen([BIN, "classify", "-", "--segment", "vad", "--json"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    lines = []

    def reader():
        for line in p.stdout:
            lines.append((time.perf_counter(), json.loads(line)))

    t = threading.Thread(target=reader)
    t.start()
    p.stdin.write(stream_header(rate))
    step = int(0.02 * rate) * 2
    t0 = time.perf_counter()
    for k, i in enumerate(range(0, len(pcm), step)):
        # audio position k*20 ms is due at wall time t0 + k*20 ms
        delay = t0 + k * 0.02 - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        p.stdin.write(pcm[i : i + step])
    p.stdin.close()
    t.join()
    p.wait()
    lat = []
    for when, v in lines:
        # the clip whose speech the segment overlaps most
        ov = [(min(v["end"], b) - max(v["start"], a), b) for a, b in truth]
        o, speech_end = max(ov)
        if o <= 0:
            continue
        due = t0 + speech_end + MIN_PAUSE
        lat.append(when - due)
    lat.sort()
    p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
    print(f"latency over {len(lat)} segments of {len(pcm) / 2 / rate:.0f} s streamed in real time: "
          f"median {statistics.median(lat):.3f} s, 95th percentile {p95:.3f} s, max {lat[-1]:.3f} s "
          f"(from the end of the speech plus the {MIN_PAUSE} s minimum pause to the line on stdout)")


def memory(work, hours):
    rate, pcm, _ = recording(work)
    total = int(hours * 3600 * rate) * 2
    p = subprocess.Popen([BIN, "classify", "-", "--segment", "vad", "--csv", "-j", "1"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    n = [0]

    def count():
        for _ in p.stdout:
            n[0] += 1

    t = threading.Thread(target=count)
    t.start()
    t0 = time.perf_counter()
    p.stdin.write(stream_header(rate))
    sent = 0
    while sent < total:
        chunk = pcm[: total - sent]
        p.stdin.write(chunk)
        sent += len(chunk)
    p.stdin.close()
    t.join()
    err = p.stderr.read().decode()
    p.wait()
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    audio = sent / 2 / rate
    print(f"{audio / 3600:.1f} h stream: {n[0] - 1} segment lines, peak resident memory {peak_mb:.1f} MB, "
          f"{audio / wall:.0f}x real time on one worker ({wall:.1f} s); emo-pipe said: {err.strip().splitlines()[-1]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="?", default="both", choices=["latency", "memory", "both"])
    ap.add_argument("--hours", type=float, default=4.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        if args.what in ("memory", "both"):
            memory(work, args.hours)
        if args.what in ("latency", "both"):
            latency(work)


if __name__ == "__main__":
    main()
