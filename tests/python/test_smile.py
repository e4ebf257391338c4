"""emo_pipe.Smile against opensmile-python's output shape and emo-pipe's CLI numbers."""

import json
import os
import wave

import numpy as np
import pandas as pd
import pytest

import emo_pipe
from cases import BAD, CLIPS, ENDS, LEVELS, STARTS, clip

try:
    import opensmile
except ImportError:  # the committed reference stands in for it
    opensmile = None

REFERENCE = os.path.join(os.path.dirname(__file__), "reference", "opensmile_index.json")


def read_int16(path):
    """A 16-bit WAV's samples as (channels, samples) int16, with the stdlib."""
    with wave.open(path) as w:
        assert w.getsampwidth() == 2
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return x.reshape(-1, w.getnchannels()).T.copy(), w.getframerate()


def cli_features(cli, tmp_path, files, *args):
    out = tmp_path / "f.csv"
    cli("extract", *files, "-o", str(out), *args)
    return read_csv_exact(out, index_col=0)


def read_csv_exact(path, **kw):
    """A CSV of float32 values as the CLI wrote them (shortest round-trip
    text), read back to the same float32 numbers."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, **kw)
    return df.replace("", np.nan).astype(np.float32)


# -- the shape of opensmile-python's output -------------------------------


def opensmile_shape(level, segmented):
    """Index, columns and dtypes of opensmile-python's output for the clips:
    opensmile-python itself where it is installed, else its committed record."""
    files = [clip(c) for c in CLIPS]
    kw = {"starts": STARTS, "ends": ENDS} if segmented else {}
    if opensmile is not None:
        df = opensmile.Smile(opensmile.FeatureSet.IS10, level).process_files(files, **kw)
        return df.index, list(df.columns), sorted({str(d) for d in df.dtypes})
    with open(REFERENCE) as f:
        ref = json.load(f)[f"{level}{'-segments' if segmented else ''}"]
    index = pd.MultiIndex.from_arrays(
        [
            [r[0] for r in ref["index"]],
            pd.to_timedelta([r[1] for r in ref["index"]], unit="ns"),
            pd.to_timedelta([r[2] for r in ref["index"]], unit="ns"),
        ],
        names=ref["index_names"],
    )
    return index, ref["columns"], ref["dtypes"]


@pytest.mark.parametrize("segmented", [False, True], ids=["whole", "segments"])
@pytest.mark.parametrize("level", LEVELS)
def test_dataframe_is_shaped_like_opensmile_python(level, segmented):
    files = [clip(c) for c in CLIPS]
    kw = {"starts": STARTS, "ends": ENDS} if segmented else {}
    # opensmile.FeatureSet.IS10 is the compat set: the same name gives the same columns
    df = emo_pipe.Smile(emo_pipe.FeatureSet.IS10, level).process_files(files, **kw)
    index, columns, dtypes = opensmile_shape(level, segmented)
    assert list(df.columns) == columns
    assert sorted({str(d) for d in df.dtypes}) == dtypes == ["float32"]
    assert list(df.index.names) == ["file", "start", "end"]
    assert len(df.index) == len(index)
    mismatch = [(a, b) for a, b in zip(df.index, index) if a != b]
    assert not mismatch, f"{len(mismatch)} rows differ, first {mismatch[0]}"
    assert df.index.levels[1].dtype == index.levels[1].dtype == "timedelta64[ns]"
    assert str(df.index.levels[0].dtype) == str(index.levels[0].dtype)


@pytest.mark.skipif(opensmile is None, reason="opensmile-python is not installed")
def test_values_are_at_opensmile_parity():
    """With openSMILE 3.x's loudness, the clips' functionals agree with
    opensmile-python's (the contract of docs/parity.md, here per cell)."""
    files = [clip(c) for c in CLIPS[:3]]
    ours = emo_pipe.Smile(emo_pipe.FeatureSet.IS10, loudness="opensmile3").process_files(files).to_numpy()
    theirs = opensmile.Smile(opensmile.FeatureSet.IS10).process_files(files).to_numpy()
    close = np.abs(ours - theirs) <= 1e-3 * np.abs(theirs) + 1e-6
    assert close.mean() > 0.99, close.mean()


def test_names_and_counts():
    s = emo_pipe.Smile()
    assert s.feature_set is emo_pipe.FeatureSet.IS10_paraling
    assert s.num_features == len(s.feature_names) == 1582
    assert s.feature_names[-2] == "F0final__Turn_onsetRate"
    assert s.num_channels == 1
    assert emo_pipe.Smile("is10-compat").feature_names[-2] == "F0final__Turn_numOnsets"
    assert emo_pipe.FeatureSet.IS10 is emo_pipe.FeatureSet.IS10_compat
    lld = emo_pipe.Smile(feature_level=emo_pipe.FeatureLevel.LowLevelDescriptors_Deltas)
    assert lld.num_features == 38 and lld.feature_names[0] == "pcm_loudness_sma_de"
    with pytest.raises(ValueError, match="unknown feature set 'egemap'"):
        emo_pipe.Smile("egemap")
    # opensmile-python's sets that emo-pipe lacks are named as such, by string,
    # by opensmile's own enum and as an attribute of emo_pipe.FeatureSet
    with pytest.raises(ValueError, match="'ComParE_2016' is one of opensmile-python's"):
        emo_pipe.Smile("ComParE_2016")
    if opensmile is not None:
        with pytest.raises(ValueError, match="'eGeMAPSv01b' is one of opensmile-python's.*eGeMAPSv02"):
            emo_pipe.Smile(opensmile.FeatureSet.eGeMAPSv01b)
    with pytest.raises(AttributeError, match="'emobase' is one of opensmile-python's"):
        emo_pipe.FeatureSet.emobase
    with pytest.raises(AttributeError, match="no attribute 'eGeMAPSv03'"):
        emo_pipe.FeatureSet.eGeMAPSv03
    assert emo_pipe.FeatureSet.eGeMAPSv02.value == "egemaps"
    with pytest.raises(ValueError, match="unknown feature level"):
        emo_pipe.Smile(feature_level="llds")
    with pytest.raises(ValueError, match="loudness"):
        emo_pipe.Smile(loudness="loud")


def test_egemaps_names_and_levels():
    s = emo_pipe.Smile(emo_pipe.FeatureSet.eGeMAPSv02)
    assert s.num_features == 88
    assert s.feature_names[0] == "F0semitoneFrom27.5Hz_sma3nz_amean"
    assert s.feature_names[-1] == "equivalentSoundLevel_dBp"
    lld = emo_pipe.Smile("egemaps", "lld")
    assert lld.num_features == 25 and lld.feature_names[0] == "Loudness_sma3"
    with pytest.raises(ValueError, match="no delta level"):
        emo_pipe.Smile("egemaps", "lld_de")
    df = lld.process_file(clip("08a04Wc.wav"))
    assert list(df.columns) == lld.feature_names
    # each LLD row spans one 20 ms frame, every 10 ms (the last one, as in
    # opensmile-python, runs to the end of the signal)
    t = df.index.get_level_values("start").total_seconds()
    assert np.allclose(np.diff(t), 0.01)
    e = df.index.get_level_values("end").total_seconds()
    assert np.allclose((e - t)[:-1], 0.02)



def test_both_sets_in_one_row_are_each_set_alone():
    both = emo_pipe.Smile(emo_pipe.FeatureSet.IS10_eGeMAPSv02, channels=None)
    is10 = emo_pipe.Smile("is10", channels=None)
    eg = emo_pipe.Smile("egemaps", channels=None)
    assert both.feature_names == is10.feature_names + eg.feature_names
    files = [clip(c) for c in CLIPS[:2]]
    got = both.process_files(files)
    want = pd.concat([is10.process_files(files), eg.process_files(files)], axis=1)
    pd.testing.assert_frame_equal(got, want)
    with pytest.raises(ValueError, match="functionals only"):
        emo_pipe.Smile("is10+egemaps", "lld")
    # IS10's loudness mode would be ignored by eGeMAPS, so it is refused
    with pytest.raises(ValueError, match="egemaps has none"):
        emo_pipe.Smile("egemaps", loudness="opensmile3")
    assert emo_pipe.Smile("is10+egemaps", loudness="opensmile3").num_features == 1670

@pytest.mark.skipif(opensmile is None, reason="opensmile-python is not installed")
def test_egemaps_at_opensmile_parity():
    """The native eGeMAPS functionals and LLDs against opensmile-python's
    eGeMAPSv02 on the same clips (docs/egemaps.md gives the corpus figures)."""
    files = [clip(c) for c in CLIPS[:3]]
    ours = emo_pipe.Smile("egemaps").process_files(files)
    theirs = opensmile.Smile(opensmile.FeatureSet.eGeMAPSv02).process_files(files)
    assert list(ours.columns) == list(theirs.columns)
    a, b = ours.to_numpy(), theirs.to_numpy()
    close = np.abs(a - b) <= 1e-3 * np.abs(b) + 1e-5
    assert close.mean() > 0.95, close.mean()
    lo = emo_pipe.Smile("egemaps", "lld").process_file(files[0])
    lt = opensmile.Smile(opensmile.FeatureSet.eGeMAPSv02, opensmile.FeatureLevel.LowLevelDescriptors).process_file(files[0])
    assert list(lo.columns) == list(lt.columns)
    assert len(lo.index) == len(lt.index)
    assert (lo.index == lt.index).all()
    close = np.abs(lo.to_numpy() - lt.to_numpy()) <= 1e-3 * np.abs(lt.to_numpy()) + 1e-4
    assert close.mean() > 0.97, close.mean()


def test_gemaps_is_egemaps_without_its_extension():
    g = emo_pipe.Smile(emo_pipe.FeatureSet.GeMAPSv01b)
    e = emo_pipe.Smile("egemaps")
    assert g.num_features == 62
    assert g.feature_names == [n for n in e.feature_names if n in set(g.feature_names)]
    assert not any("mfcc" in n or "Flux" in n for n in g.feature_names)
    files = [clip(c) for c in CLIPS[:2]]
    pd.testing.assert_frame_equal(g.process_files(files), e.process_files(files)[g.feature_names])
    gl, el = emo_pipe.Smile("gemaps", "lld"), emo_pipe.Smile("egemaps", "lld")
    assert gl.num_features == 18
    pd.testing.assert_frame_equal(gl.process_file(files[0]), el.process_file(files[0])[gl.feature_names])
    with pytest.raises(ValueError, match="no delta level"):
        emo_pipe.Smile("gemaps", "lld_de")


@pytest.mark.skipif(opensmile is None, reason="opensmile-python is not installed")
def test_gemaps_names_and_numbers_are_opensmiles():
    """openSMILE computes GeMAPSv01b with the chain its eGeMAPSv02 extends:
    the same columns, in order, with the same values."""
    files = [clip(c) for c in CLIPS[:3]]
    ours = emo_pipe.Smile(emo_pipe.FeatureSet.GeMAPSv01b).process_files(files)
    theirs = opensmile.Smile(opensmile.FeatureSet.GeMAPSv01b).process_files(files)
    assert list(ours.columns) == list(theirs.columns)
    assert (ours.index == theirs.index).all()
    eg = opensmile.Smile(opensmile.FeatureSet.eGeMAPSv02).process_files(files)
    np.testing.assert_array_equal(theirs.to_numpy(), eg[theirs.columns].to_numpy())
    a, b = ours.to_numpy(), theirs.to_numpy()
    # GeMAPS keeps eGeMAPS's hardest columns (formant stddevNorms, unvoiced
    # means: within 0.3 % here) and drops many exact ones
    assert (np.abs(a - b) <= 1e-3 * np.abs(b) + 1e-5).mean() > 0.9
    assert (np.abs(a - b) <= 1e-2 * np.abs(b) + 1e-4).all()
    level = opensmile.FeatureLevel.LowLevelDescriptors
    lo = emo_pipe.Smile("gemaps", "lld").process_file(files[0])
    lt = opensmile.Smile(opensmile.FeatureSet.GeMAPSv01b, level).process_file(files[0])
    assert list(lo.columns) == list(lt.columns)
    assert (lo.index == lt.index).all()


# -- the same numbers as the CLI ------------------------------------------


@pytest.mark.parametrize("feature_set", ["is10", "is10-compat", "egemaps", "gemaps"])
def test_functionals_equal_cli_extract_bit_for_bit(cli, tmp_path, feature_set):
    files = [clip(c) for c in CLIPS] + [clip("pcm24.wav"), clip("float32.wav"), clip("codec_flac.flac")]
    ref = cli_features(cli, tmp_path, files, "--feature-set", feature_set, "-j", "1")
    df = emo_pipe.Smile(feature_set).process_files(files)
    assert list(df.columns) == list(ref.columns)
    np.testing.assert_array_equal(df.to_numpy(), ref.to_numpy(dtype=np.float32))


def test_lld_levels_equal_cli_lld_files_bit_for_bit(cli, tmp_path):
    f = clip("08a04Wc.wav")
    cli("extract", f, "-o", str(tmp_path / "f.csv"), "--lld", str(tmp_path))
    ref = read_csv_exact(tmp_path / "08a04Wc.csv")
    lld = emo_pipe.Smile(feature_level="lld").process_file(f)
    de = emo_pipe.Smile(feature_level="lld_de").process_file(f)
    np.testing.assert_array_equal(lld.to_numpy(), ref[list(lld.columns)].dropna().to_numpy(dtype=np.float32))
    np.testing.assert_array_equal(de.to_numpy(), ref[list(de.columns)].to_numpy(dtype=np.float32))
    # frame starts are the CLI's frameTime column
    np.testing.assert_allclose(de.index.get_level_values("start").total_seconds(), ref["frameTime"], atol=1e-9)


def test_loudness_modes_match_the_cli(cli, tmp_path):
    f = clip("10a07Ta.wav")
    ref = cli_features(cli, tmp_path, [f], "--loudness", "opensmile3")
    df = emo_pipe.Smile(loudness="opensmile3").process_file(f)
    np.testing.assert_array_equal(df.to_numpy(), ref.to_numpy(dtype=np.float32))
    assert not np.array_equal(df.to_numpy(), emo_pipe.Smile().process_file(f).to_numpy())


def test_parallel_workers_give_the_same_frame():
    files = [clip(c) for c in CLIPS] * 2
    one = emo_pipe.Smile().process_files(files)
    two = emo_pipe.Smile(num_workers=2).process_files(files)
    pd.testing.assert_frame_equal(one, two)


def test_verbose_shows_progress_and_changes_nothing(capsys, monkeypatch):
    files = [clip(c) for c in CLIPS] * 4
    plain = emo_pipe.Smile(num_workers=2).process_files(files)
    # without tqdm: a line on stderr that counts the files
    monkeypatch.setitem(__import__("sys").modules, "tqdm", None)
    shown = emo_pipe.Smile(num_workers=2, verbose=True).process_files(files)
    pd.testing.assert_frame_equal(plain, shown)
    err = capsys.readouterr().err
    assert f"{len(files)}/{len(files)} files" in err
    # opensmile-python's multiprocessing=True: the same workers, the same frame
    pd.testing.assert_frame_equal(plain, emo_pipe.Smile(num_workers=2, multiprocessing=True).process_files(files))


def test_opensmile_engine_options_run_at_their_defaults_and_refuse_the_rest():
    s = emo_pipe.Smile(options={}, loglevel=3, logfile=None, segment=None, keep_nat=False)
    assert s.num_features == 1582
    for kwargs, match in [
        ({"options": {"frameMode": "full"}}, "options="),
        ({"logfile": "smile.log"}, "logfile='smile.log'"),
        ({"segment": object()}, "segmenters are not supported"),
        ({"keep_nat": True}, "keep_nat=True"),
    ]:
        with pytest.raises(ValueError, match=match):
            emo_pipe.Smile(**kwargs)


# -- signals and segments -------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_process_signal_of_a_files_samples_equals_process_file(level):
    f = clip("08a04Wc.wav")
    x, sr = read_int16(f)
    smile = emo_pipe.Smile(feature_level=level)
    ref = smile.process_file(f)
    for signal in (x[0], x, x[0].astype(np.float32) / 32768, x[0].astype(np.float64) / 32768):
        got = smile.process_signal(signal, sr, file=f)
        pd.testing.assert_frame_equal(got, ref)
    no_file = smile.process_signal(x[0], sr)
    assert list(no_file.index.names) == ["start", "end"]
    np.testing.assert_array_equal(no_file.to_numpy(), ref.to_numpy())
    # __call__ gives opensmile's (channels, features, frames) array
    assert smile(x[0], sr).shape == (1, smile.num_features, len(ref))


def test_segment_equals_the_cut_out_samples(cli, tmp_path):
    f = clip("03-01-03-01-01-01-02.wav")
    x, sr = read_int16(f)
    smile = emo_pipe.Smile()
    seg = smile.process_file(f, start=0.75, end=2.5)
    cut = x[:, int(0.75 * sr) : int(2.5 * sr)]
    np.testing.assert_array_equal(seg.to_numpy(), smile.process_signal(cut, sr).to_numpy())
    np.testing.assert_array_equal(seg.to_numpy(), smile.process_signal(x, sr, start=0.75, end=2.5).to_numpy())
    # and the same as the CLI on the segment written out as its own file
    path = tmp_path / "cut.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(cut.T.astype("<i2").tobytes())
    ref = cli_features(cli, tmp_path, [str(path)])
    np.testing.assert_array_equal(seg.to_numpy(), ref.to_numpy(dtype=np.float32))
    assert seg.index[0][1:] == (pd.Timedelta(seconds=0.75), pd.Timedelta(seconds=2.5))
    # a segment from a timedelta, and one to the end of the file
    td = smile.process_file(f, start=pd.Timedelta("750ms"), end="2.5s")
    pd.testing.assert_frame_equal(td, seg)
    tail = smile.process_file(f, start=3.0)
    assert tail.index[0][2] == pd.to_timedelta(x.shape[1] / sr, unit="s")


def test_segment_errors_name_the_file():
    f = clip("08a04Wc.wav")
    with pytest.raises(emo_pipe.AudioError, match="08a04Wc.wav.*holds no audio samples"):
        emo_pipe.Smile().process_file(f, start=10.0)
    with pytest.raises(emo_pipe.AudioError, match="08a04Wc.wav.*not after its start"):
        emo_pipe.Smile().process_file(f, start=1.0, end=0.5)
    with pytest.raises(ValueError, match="2 starts for 1 files"):
        emo_pipe.Smile().process_files([f], starts=[0, 1])


def test_stereo_channels_and_mixdown(cli, tmp_path):
    f = clip("stereo48k.wav")
    x, sr = read_int16(f)
    first = emo_pipe.Smile().process_file(f)  # channels=0, as opensmile-python
    np.testing.assert_array_equal(first.to_numpy(), emo_pipe.Smile().process_signal(x[0], sr).to_numpy())
    second = emo_pipe.Smile(channels=1).process_file(f)
    np.testing.assert_array_equal(second.to_numpy(), emo_pipe.Smile().process_signal(x[1], sr).to_numpy())
    assert not np.array_equal(first.to_numpy(), second.to_numpy())
    # both channels side by side: opensmile-python's (channel, feature) columns
    both = emo_pipe.Smile(channels=[0, 1]).process_file(f)
    assert both.shape[1] == 2 * 1582 and both.columns[1582] == (1, "pcm_loudness_sma_maxPos")
    np.testing.assert_array_equal(both[0].to_numpy(), first.to_numpy())
    np.testing.assert_array_equal(both[1].to_numpy(), second.to_numpy())
    np.testing.assert_array_equal(both.to_numpy(), emo_pipe.Smile(channels=[0, 1]).process_signal(x, sr).to_numpy())
    # mixdown of both equals the CLI, which mixes every channel as SMILExtract
    mixed = emo_pipe.Smile(channels=[0, 1], mixdown=True).process_file(f)
    ref = cli_features(cli, tmp_path, [f])
    np.testing.assert_array_equal(mixed.to_numpy(), ref.to_numpy(dtype=np.float32))
    np.testing.assert_array_equal(emo_pipe.Smile(channels=None).process_file(f).to_numpy(), mixed.to_numpy())
    np.testing.assert_array_equal(
        emo_pipe.Smile(channels=[0, 1], mixdown=True).process_signal(x, sr).to_numpy(), mixed.to_numpy()
    )
    with pytest.raises(emo_pipe.AudioError, match="channel 2 was asked for, but the audio has 2 channels"):
        emo_pipe.Smile(channels=2).process_file(f)


def test_process_folder_lists_like_opensmile_python(tmp_path):
    df = emo_pipe.Smile().process_folder("fixtures/audio")
    files = list(df.index.get_level_values("file"))
    root = os.path.abspath("fixtures/audio")
    expect = sorted(os.path.join(root, n) for n in os.listdir(root) if n.endswith(".wav"))
    assert files == expect
    rel = emo_pipe.Smile().process_folder("fixtures/audio", filetype="flac", include_root=False)
    assert list(rel.index.get_level_values("file")) == ["codec_flac.flac"]
    with pytest.raises(FileNotFoundError):
        emo_pipe.Smile().process_folder(tmp_path / "none")
    empty = emo_pipe.Smile().process_folder(tmp_path)
    assert empty.shape == (0, 1582) and list(empty.index.names) == ["file", "start", "end"]


@pytest.mark.skipif(opensmile is None, reason="opensmile-python is not installed")
def test_process_index_is_opensmile_pythons():
    files = [clip("08a04Wc.wav"), clip("10a07Ta.wav")]
    filewise = pd.Index(files, name="file")
    segmented = pd.MultiIndex.from_arrays(
        [files, pd.to_timedelta([0.5, 0.0], unit="s"), pd.to_timedelta([1.5, None], unit="s")],
        names=["file", "start", "end"],
    )
    ours = emo_pipe.Smile(emo_pipe.FeatureSet.eGeMAPSv02)
    theirs = opensmile.Smile(opensmile.FeatureSet.eGeMAPSv02)
    for index, starts, ends in [(filewise, None, None), (segmented, [0.5, 0.0], [1.5, None])]:
        got = ours.process_index(index)
        pd.testing.assert_index_equal(got.index, theirs.process_index(index).index)
        pd.testing.assert_frame_equal(got, ours.process_files(files, starts=starts, ends=ends))
    kept = ours.process_index(segmented, preserve_index=True)
    pd.testing.assert_index_equal(kept.index, theirs.process_index(segmented, preserve_index=True).index)
    rel = ours.process_index(pd.Index(["08a04Wc.wav"], name="file"), root="fixtures/audio")
    assert list(rel.index.get_level_values("file")) == ["08a04Wc.wav"]
    for kwargs, match in [
        ({"index": pd.Index(files, name="path")}, "named 'file'"),
        ({"index": segmented.droplevel("end")}, "levels"),
        ({"index": files}, "pandas Index"),
        ({"index": filewise, "cache_root": "cache"}, "no cache"),
    ]:
        with pytest.raises(ValueError, match=match):
            ours.process_index(**kwargs)
    with pytest.raises(ValueError, match="functionals only"):
        emo_pipe.Smile(feature_level="lld").process_index(filewise, preserve_index=True)


def test_sampling_rate_is_enforced_not_resampled():
    with pytest.raises(emo_pipe.AudioError, match="sampling rate 8000 Hz"):
        emo_pipe.Smile(sampling_rate=16000).process_file(clip("rate8k.wav"))
    assert len(emo_pipe.Smile(sampling_rate=8000).process_file(clip("rate8k.wav"))) == 1
    with pytest.raises(ValueError, match="does not resample"):
        emo_pipe.Smile(sampling_rate=16000, resample=True)


# -- bad input ------------------------------------------------------------


def test_every_bad_file_gives_finite_features_or_a_named_error():
    smile = emo_pipe.Smile()
    for name in sorted(os.listdir(BAD)):
        path = os.path.join(BAD, name)
        try:
            df = smile.process_file(path)
        except emo_pipe.Error as e:
            assert name in str(e), f"{name}: {e}"
            assert isinstance(e, (OSError, ValueError)), type(e)
        else:
            assert np.isfinite(df.to_numpy()).all(), name


def test_bad_files_in_a_batch_raise_or_are_skipped():
    good = [clip("08a04Wc.wav"), clip("10a07Ta.wav")]
    bad = os.path.join("fixtures", "bad", "random_bytes.wav")
    with pytest.raises(emo_pipe.AudioError, match="random_bytes.wav"):
        emo_pipe.Smile().process_files([good[0], bad, good[1]])
    with pytest.warns(UserWarning, match="2 of 4 files failed"):
        df = emo_pipe.Smile().process_files([good[0], bad, good[1], "missing.wav"], errors="skip")
    assert list(df.index.get_level_values("file")) == good
    assert sorted(df.attrs["errors"]) == [bad, "missing.wav"]
    assert "no RIFF tag" in df.attrs["errors"][bad]
    np.testing.assert_array_equal(df.to_numpy(), emo_pipe.Smile().process_files(good).to_numpy())


def test_missing_file_is_a_file_not_found_error():
    with pytest.raises(FileNotFoundError, match="missing.wav"):
        emo_pipe.Smile().process_file("missing.wav")
    with pytest.raises(emo_pipe.FileError):
        emo_pipe.Smile().process_file("missing.wav")


@pytest.mark.parametrize(
    "signal, rate, match",
    [
        (np.zeros(16000, dtype=np.int32), 16000, "dtype int32 is not supported"),
        (np.array([0.1, np.nan, 0.2], dtype=np.float32), 16000, "sample 1 of channel 0 is not a finite"),
        (np.array([0.1, np.inf], dtype=np.float64), 16000, "not a finite"),
        (np.zeros(0, dtype=np.float32), 16000, "empty"),
        (np.zeros(16000, dtype=np.float32), 0, "sampling rate 0 Hz"),
        (np.zeros(16000, dtype=np.float32), -8000, "sampling rate -8000 Hz"),
        (np.zeros(16000, dtype=np.float32), 16000.0, "not an integer"),
        (np.zeros(16000, dtype=np.float32), 10, "outside the supported range"),
        (np.zeros((1, 2, 100), dtype=np.float32), 16000, "3 dimensions"),
        ([0.0] * 100, 16000, "numpy array"),
    ],
)
def test_bad_signals_raise_value_errors(signal, rate, match):
    with pytest.raises(emo_pipe.SignalError, match=match) as e:
        emo_pipe.Smile().process_signal(signal, rate)
    assert isinstance(e.value, ValueError)


def test_strided_and_short_signals():
    x, sr = read_int16(clip("08a04Wc.wav"))
    smile = emo_pipe.Smile()
    strided = np.repeat(x[0], 2)[::2]  # a non-contiguous view
    np.testing.assert_array_equal(smile.process_signal(strided, sr).to_numpy(), smile.process_signal(x[0], sr).to_numpy())
    short = smile.process_signal(np.zeros(100, dtype=np.float32), 16000)
    assert np.isfinite(short.to_numpy()).all()
