"""emo_pipe.Model against `emo-pipe classify`."""

import json
import os

import numpy as np
import pandas as pd
import pytest

import emo_pipe
from cases import CLIPS, clip

FILES = [clip(c) for c in CLIPS[:3]] + [clip("noisy10db.wav")]


def cli_classify(cli, *args):
    r = cli("classify", *args, "--json", "-j", "1")
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


def test_builtin_model_describes_itself(cli):
    m = emo_pipe.Model.builtin()
    assert m.classes == ["anger", "happiness", "sadness", "neutral"]
    ref = json.loads(cli("model").stdout)
    assert m.description == ref
    assert len(m.feature_names) == ref["n_features"]


def test_lone_clips_are_classified_as_the_cli_does(cli):
    m = emo_pipe.Model.builtin()
    with pytest.warns(UserWarning, match="fallback pipeline"):
        got = m.predict(FILES)
    ref = cli_classify(cli, *FILES)
    assert list(got.columns) == ["label", *m.classes]
    assert list(got.index.get_level_values("file")) == [r["file"] for r in ref]
    assert list(got["label"]) == [r["label"] for r in ref]
    probs = np.array([[r["probabilities"][c] for c in m.classes] for r in ref])
    np.testing.assert_allclose(got[m.classes].to_numpy(), probs, rtol=1e-12, atol=0)
    np.testing.assert_allclose(got[m.classes].sum(axis=1), 1.0, atol=1e-9)


def test_speakers_as_the_cli_manifest(cli, tmp_path):
    m = emo_pipe.Model.builtin()
    speakers = ["a", "a", "b", "b"]
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,speaker\n" + "".join(f"{os.path.abspath(f)},{s}\n" for f, s in zip(FILES, speakers)))
    ref = cli_classify(cli, *FILES, "--manifest", str(manifest))
    got = m.predict(FILES, speakers=speakers)
    assert list(got["label"]) == [r["label"] for r in ref]
    probs = np.array([[r["probabilities"][c] for c in m.classes] for r in ref])
    np.testing.assert_allclose(got[m.classes].to_numpy(), probs, rtol=1e-12, atol=0)
    # the same from a feature frame with a speaker column
    features = m.smile().process_files(FILES)
    features["speaker"] = speakers
    pd.testing.assert_frame_equal(m.predict(features), got)


def test_prediction_is_deterministic_and_workers_agree():
    m = emo_pipe.Model.builtin()
    a = m.predict(FILES, speakers="one speaker")
    b = m.predict(FILES, speakers="one speaker", num_workers=2)
    pd.testing.assert_frame_equal(a, b)


def test_model_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.safetensors"):
        emo_pipe.Model.load(tmp_path / "nope.safetensors")
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage")
    with pytest.raises(emo_pipe.ModelError, match="bad.safetensors"):
        emo_pipe.Model.load(bad)
    m = emo_pipe.Model.builtin()
    lld = emo_pipe.Smile(feature_level="lld").process_file(FILES[0])
    with pytest.raises(emo_pipe.ModelError, match=f"lack {len(m.feature_names)} "):
        m.predict(lld)
    features = m.smile().process_files(FILES[:2])
    features.iloc[0, 3] = np.nan
    with pytest.raises(emo_pipe.ModelError, match="not finite"):
        m.predict(features, speakers="s")
    with pytest.raises(ValueError, match="3 speakers for 4 files"):
        m.predict(FILES, speakers=["a", "b", "c"])


def test_model_file_round_trip(cli, tmp_path):
    """A model trained by the CLI loads and predicts like the CLI's classify."""
    path = tmp_path / "m.safetensors"
    cli("train", "fixtures/iemocap", "-o", str(path), "--norm", "minmax")
    m = emo_pipe.Model.load(path)
    ref = cli_classify(cli, *FILES, "--model", str(path))
    got = m.predict(FILES)
    assert list(got["label"]) == [r["label"] for r in ref]


@pytest.mark.parametrize("feature_set,width", [("egemaps", 88), ("is10+egemaps", 1670)])
def test_models_of_other_sets_extract_the_set_they_record(cli, tmp_path, feature_set, width):
    """A model trained on eGeMAPS (or IS10 + eGeMAPS) records its set; the CLI's
    classify and the package extract that set for it, and a frame of the set's
    features predicts as the files do."""
    path = tmp_path / "m.safetensors"
    cli("train", "fixtures/iemocap", "-o", str(path), "--feature-set", feature_set,
        "--store", str(tmp_path / "store"))
    m = emo_pipe.Model.load(path)
    assert m.description["feature_set"] == feature_set
    assert m.description["n_features"] == width == len(m.feature_names)
    ref = cli_classify(cli, *FILES, "--model", str(path))
    got = m.predict(FILES)
    assert list(got["label"]) == [r["label"] for r in ref]
    probs = np.array([[r["probabilities"][c] for c in m.classes] for r in ref])
    np.testing.assert_allclose(got[m.classes].to_numpy(), probs, rtol=1e-12, atol=0)
    features = emo_pipe.Smile(feature_set, channels=None).process_files(FILES)
    assert features.shape[1] == width
    pd.testing.assert_frame_equal(m.predict(features), got)
    # the IS10 frame of the same files is refused by its width
    is10 = emo_pipe.Smile("is10", channels=None).process_files(FILES[:1])
    with pytest.raises(emo_pipe.ModelError, match=str(width)):
        m.predict(is10)
