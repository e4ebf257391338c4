"""Inputs shared by the tests and by make_reference.py."""

import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
AUDIO = os.path.join(ROOT, "fixtures", "audio")
BAD = os.path.join(ROOT, "fixtures", "bad")

# 16-bit mono clips at three rates (the wheel hands openSMILE 16-bit samples,
# so for these emo-pipe and opensmile-python read identical samples)
CLIPS = ["08a04Wc.wav", "10a07Ta.wav", "03-01-03-01-01-01-02.wav", "rate44k.wav", "rate8k.wav"]
# segments (seconds) per clip, None = to the end; on and off sample boundaries
STARTS = [0.5, None, 0.3, 0.123456, 0.25]
ENDS = [1.5, None, None, 1.7777777, 1.2]
LEVELS = ["func", "lld", "lld_de"]


def clip(name):
    return os.path.join("fixtures", "audio", name)
