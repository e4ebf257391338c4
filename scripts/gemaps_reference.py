#!/usr/bin/env python3
"""openSMILE's GeMAPS v01b functionals of EmoDB and RAVDESS, for docs/parity.md.

Runs opensmile-python's `Smile(FeatureSet.GeMAPSv01b).process_files` (the real
openSMILE engine of the `opensmile` wheel) on ../shared's EmoDB and RAVDESS
clips and writes OUT/emodb.csv and OUT/ravdess.csv laid out as
../shared/reference/egemaps/*.csv (name, then the 62 functionals, %.9g). It
also checks what emo-pipe's GeMAPS rests on: that openSMILE's GeMAPS v01b
values are its eGeMAPS v02 values of the same names, clip for clip (against
../shared/reference/egemaps/), and prints the count of values that differ.

Needs: pip install opensmile==2.6.0 pandas
Usage: python3 scripts/gemaps_reference.py OUT
"""
import glob
import os
import sys

import numpy as np
import opensmile
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("EMO_PIPE_SHARED", os.path.join(ROOT, "..", "shared"))
CORPORA = {"emodb": "corpora/emodb/wav/*.wav", "ravdess": "corpora/ravdess/Actor_*/*.wav"}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    smile = opensmile.Smile(opensmile.FeatureSet.GeMAPSv01b, opensmile.FeatureLevel.Functionals)
    for corpus, pattern in CORPORA.items():
        files = sorted(glob.glob(os.path.join(SHARED, pattern)))
        df = smile.process_files(files)
        df.index = [os.path.splitext(os.path.basename(f))[0] for f in df.index.get_level_values("file")]
        df.index.name = "name"
        path = os.path.join(out, f"{corpus}.csv")
        df.to_csv(path, float_format="%.9g")
        ours = pd.read_csv(path, index_col=0)
        eg = pd.read_csv(os.path.join(SHARED, "reference", "egemaps", f"{corpus}.csv"), index_col=0)
        eg = eg.loc[ours.index, ours.columns]
        differ = int((ours.to_numpy(np.float32) != eg.to_numpy(np.float32)).sum())
        print(f"{corpus}: {len(ours)} clips, {ours.shape[1]} GeMAPS v01b functionals -> {path}; "
              f"values that differ from openSMILE's eGeMAPS v02 columns of the same names: {differ}")


if __name__ == "__main__":
    main()
