#!/usr/bin/env python3
"""Writes reference/opensmile_index.json: the index, columns and dtypes that
opensmile-python 2.6.0 returns for the test clips (whole and segmented), for
the tests to compare with where opensmile-python is not installed.

    pip install opensmile==2.6.0 && python3 tests/python/make_reference.py
"""
import json
import os

import opensmile

from cases import CLIPS, ENDS, LEVELS, ROOT, STARTS, clip

os.chdir(ROOT)
out = {}
for level in LEVELS:
    smile = opensmile.Smile(opensmile.FeatureSet.IS10, level)
    for segmented in (False, True):
        files = [clip(c) for c in CLIPS]
        kw = {"starts": STARTS, "ends": ENDS} if segmented else {}
        df = smile.process_files(files, **kw)
        out[f"{level}{'-segments' if segmented else ''}"] = {
            "index": [[f, s.value, e.value] for f, s, e in df.index],
            "index_names": list(df.index.names),
            "columns": list(df.columns),
            "dtypes": sorted({str(d) for d in df.dtypes}),
        }
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference", "opensmile_index.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"-> {path}")
