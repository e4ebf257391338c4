"""``Smile``: opensmile-python's feature extractor interface over emo-pipe."""

from __future__ import annotations

import enum
import os
import sys
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import _native
from ._errors import AudioError, Error, FileNotFound, SignalError, from_kind


# opensmile-python's feature sets (opensmile 2.6) that emo-pipe does not compute:
# asked for by name, they get an error that says so instead of a bare "unknown"
_OPENSMILE_ONLY = (
    "ComParE_2016", "GeMAPS", "eGeMAPS", "eGeMAPSv01b", "emobase", "IS09", "IS11", "IS12", "IS13",
)


def _not_provided(name):
    return (
        f"feature set {name!r} is one of opensmile-python's that emo-pipe does not compute; "
        f"emo-pipe has {', '.join(FeatureSet.__members__)} (use opensmile for the others)"
    )


class _FeatureSetType(enum.EnumMeta):
    def __getattr__(cls, name):
        try:
            # Python 3.9 and 3.10 look members up here
            return super().__getattr__(name)
        except AttributeError:
            pass
        if name in _OPENSMILE_ONLY:
            raise AttributeError(_not_provided(name))
        raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")


class FeatureSet(enum.Enum, metaclass=_FeatureSetType):
    """Feature sets emo-pipe computes natively.

    Named as in opensmile-python: ``FeatureSet.IS10`` there is openSMILE's
    ``IS10_paraling_compat`` configuration (the INTERSPEECH 2010 challenge
    set), so here too; ``IS10_paraling`` is the maintained ``IS10_paraling``
    configuration, the default of emo-pipe's command line (``"is10"``).
    ``eGeMAPSv02`` is the extended Geneva Minimalistic Acoustic Parameter Set
    (88 functionals, 25 LLDs; it has no delta level), ``GeMAPSv01b`` the
    minimalistic set it extends (62 functionals, 18 LLDs: the same chain and
    numbers without MFCC 1-4, spectral flux, the F2 and F3 bandwidths and the
    equivalent sound level). ``IS10_eGeMAPSv02``
    is both sets' functionals in one row (1582 + 88 columns; functionals only),
    an emo-pipe addition for models that use both.
    """

    IS10_paraling = "is10"
    IS10_compat = "is10-compat"
    IS10 = "is10-compat"  # an alias: opensmile.FeatureSet.IS10 is the compat set
    eGeMAPSv02 = "egemaps"
    GeMAPSv01b = "gemaps"
    IS10_eGeMAPSv02 = "is10+egemaps"


class FeatureLevel(enum.Enum):
    """Output levels, as in opensmile-python."""

    Functionals = "func"
    LowLevelDescriptors = "lld"
    LowLevelDescriptors_Deltas = "lld_de"


def _enum_value(value, enum_cls, what):
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, enum.Enum):  # e.g. opensmile's own enums, by name
        value = value.name
    if isinstance(value, str):
        for member in enum_cls:
            if value in (member.value, member.name):
                return member
    if enum_cls is FeatureSet and value in _OPENSMILE_ONLY:
        raise ValueError(_not_provided(value))
    names = sorted({m.value for m in enum_cls} | set(enum_cls.__members__))
    raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(names)}")


def _timedelta(value, what):
    """A start or end as opensmile-python takes it (seconds as a number, a
    timedelta, or a string pandas reads), or None."""
    if value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if np.isnan(value):
            return None
        return pd.to_timedelta(float(value), unit="s")
    try:
        td = pd.to_timedelta(value)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what} {value!r} is not a time: {e}") from None
    return None if pd.isna(td) else td


def _per_file(values, n, what):
    if values is None or isinstance(values, (str, int, float, pd.Timedelta, np.number)):
        return [_timedelta(values, what)] * n
    values = list(values)
    if len(values) != n:
        raise ValueError(f"{len(values)} {what}s for {n} files")
    return [_timedelta(v, what) for v in values]


def _precision_offset(t: pd.Timedelta, rate: int) -> pd.Timedelta:
    """What audinterface loses to reading whole samples at ``t`` (it adds it
    back to the index so the given times stand in it)."""
    at_sample = round(t.total_seconds() * rate) / rate
    return t - pd.to_timedelta(at_sample, unit="s")


class _LineProgress:
    """Progress on stderr, one line rewritten, where tqdm is not installed."""

    def __init__(self, total, desc):
        self.total, self.desc, self.done = total, desc, 0

    def update(self, k):
        self.done += k
        sys.stderr.write(f"\r{self.desc}: {self.done}/{self.total} files")
        sys.stderr.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        sys.stderr.write("\n")
        sys.stderr.flush()


def _progress(total, desc):
    try:
        from tqdm import tqdm
    except ImportError:
        return _LineProgress(total, desc)
    return tqdm(total=total, desc=desc, unit="file")


class Smile:
    """Feature extractor with opensmile-python's interface.

    ``emo_pipe.Smile(...)`` takes the arguments of ``opensmile.Smile(...)``
    and returns the same DataFrames (index, columns, float32 values); the
    features are emo-pipe's native ones, the same numbers as
    ``emo-pipe extract``.

    Args:
        feature_set: a :class:`FeatureSet` or its string (``"is10"``,
            ``"is10-compat"``, ``"egemaps"``, ``"gemaps"``, ``"is10+egemaps"``)
        feature_level: a :class:`FeatureLevel` or ``"func"``, ``"lld"``,
            ``"lld_de"``
        loudness: ``"documented"`` (the whole frame's loudness) or
            ``"opensmile3"`` (openSMILE 3.x's, from the first sample of each
            frame: choose it to match openSMILE's loudness features)
        input_mode: ``"smilextract"`` (openSMILE's own reader, as the CLI) or
            ``"python"`` (the samples the ``opensmile`` package hands its
            engine, truncated to 16 bits: identical for 16-bit files)
        sampling_rate: if set, inputs at another rate raise an error
            (emo-pipe analyses every rate natively; it never resamples)
        channels: channel index or list of them (as opensmile-python; default
            0, the first channel), or ``None`` for all channels averaged as
            SMILExtract and ``emo-pipe extract`` do
        mixdown: average the selected channels into one
        num_workers: files extracted in parallel (threads; the GIL is released)
        multiprocessing: accepted for opensmile-python's sake; emo-pipe's
            workers are threads that run without the GIL either way
        verbose: show the progress of ``process_files``, ``process_folder``
            and ``process_index`` (a tqdm bar when tqdm is installed, else a
            line on stderr)
        max_duration: refuse recordings longer than this (seconds)
        options, loglevel, logfile, segment, keep_nat: opensmile-python's
            engine options, accepted at their defaults so that code written
            for it runs; a value emo-pipe cannot honour (configuration
            options, a log file, a segmenter, ``keep_nat=True``) raises
            ``ValueError``. ``loglevel`` has nothing to set (there is no
            engine log).
    """

    def __init__(
        self,
        feature_set: str | FeatureSet = FeatureSet.IS10_paraling,
        feature_level: str | FeatureLevel = FeatureLevel.Functionals,
        *,
        loudness: str = "documented",
        input_mode: str = "smilextract",
        num_workers: int | None = 1,
        sampling_rate: int | None = None,
        channels: int | Sequence[int] | None = 0,
        mixdown: bool = False,
        resample: bool = False,
        max_duration: float = 4 * 3600.0,
        multiprocessing: bool = False,
        verbose: bool = False,
        options: dict | None = None,
        loglevel: int = 2,
        logfile: str | None = None,
        segment=None,
        keep_nat: bool = False,
    ):
        self.feature_set = _enum_value(feature_set, FeatureSet, "feature set")
        self.feature_level = _enum_value(feature_level, FeatureLevel, "feature level")
        if resample:
            raise ValueError(
                "resample=True: emo-pipe analyses every sampling rate natively and does not resample"
            )
        for name, value, given, why in (
            ("options", options, bool(options), "openSMILE configuration options do not apply to emo-pipe's sets"),
            ("logfile", logfile, logfile is not None, "emo-pipe runs no openSMILE engine and writes no log"),
            ("segment", segment, segment is not None, "audinterface segmenters are not supported (emo-pipe "
             "extract --segment cuts recordings by voice activity on the command line)"),
            ("keep_nat", keep_nat, bool(keep_nat), "it only applies to a segmenter, which is not supported"),
        ):
            if given:
                raise ValueError(f"{name}={value!r}: {why}")
        if num_workers is None:
            num_workers = os.cpu_count() or 1
        if not isinstance(num_workers, (int, np.integer)) or num_workers < 1:
            raise ValueError(f"num_workers must be a positive integer, not {num_workers!r}")
        if sampling_rate is not None and (not isinstance(sampling_rate, (int, np.integer)) or sampling_rate <= 0):
            raise ValueError(f"sampling_rate must be a positive integer, not {sampling_rate!r}")
        if channels is None:
            selected = None
        elif isinstance(channels, (int, np.integer)):
            selected = [int(channels)]
        else:
            selected = [int(c) for c in channels]
        if selected is not None and any(c < 0 for c in selected):
            raise ValueError(f"channels {channels!r}: negative channel index")
        self.loudness = loudness
        self.input_mode = input_mode
        self.num_workers = int(num_workers)
        self.sampling_rate = sampling_rate
        self.channels = channels
        self.mixdown = bool(mixdown)
        self.resample = False
        self.max_duration = max_duration
        self.multiprocessing = bool(multiprocessing)
        self.verbose = bool(verbose)
        self.loglevel = loglevel
        try:
            self._native = _native.Extractor(
                self.feature_set.value,
                self.feature_level.value,
                loudness,
                input_mode,
                selected,
                self.mixdown,
                max_duration,
            )
        except ValueError as e:
            raise ValueError(str(e)) from None
        self.feature_names = self._native.names()
        """Feature names, in openSMILE's order."""
        if self.mixdown or selected is None or len(selected) == 1:
            self.num_channels = 1
            self.column_names = pd.Index(self.feature_names)
        else:
            self.num_channels = len(selected)
            self.column_names = pd.MultiIndex.from_tuples(
                [(c, n) for c in selected for n in self.feature_names]
            )

    @property
    def num_features(self) -> int:
        """Number of features per channel."""
        return len(self.feature_names)

    def __repr__(self):
        return (
            f"emo_pipe.Smile(feature_set={self.feature_set}, feature_level={self.feature_level}, "
            f"loudness={self.loudness!r}, channels={self.channels!r}, mixdown={self.mixdown})"
        )

    # -- files -----------------------------------------------------------

    def process_file(self, file: str, *, start=None, end=None, root: str | None = None) -> pd.DataFrame:
        """Features of one file, or of its segment ``[start, end)`` (seconds
        or timedeltas; only that stretch is read)."""
        return self.process_files([file], starts=start, ends=end, root=root)

    def process_files(
        self,
        files: Sequence[str],
        *,
        starts=None,
        ends=None,
        root: str | None = None,
        errors: str = "raise",
    ) -> pd.DataFrame:
        """Features of several files (a scalar start or end applies to all).

        ``errors="raise"`` (default) raises for the first file that fails,
        naming it; ``errors="skip"`` returns the others, warns, and lists what
        failed in ``DataFrame.attrs["errors"]`` (file → message).
        """
        if errors not in ("raise", "skip"):
            raise ValueError(f"errors must be 'raise' or 'skip', not {errors!r}")
        if isinstance(files, (str, os.PathLike)):
            files = [files]
        files = [os.fspath(f) for f in files]
        n = len(files)
        starts = _per_file(starts, n, "start")
        ends = _per_file(ends, n, "end")
        paths = [f if root is None or os.path.isabs(f) else os.path.join(root, f) for f in files]
        spans = [
            (0.0 if s is None else s.total_seconds(), None if e is None else e.total_seconds())
            for s, e in zip(starts, ends)
        ]
        if self.verbose and n > 1:
            # in chunks, so that progress shows; each chunk still runs on all workers
            chunk = 32 * self.num_workers
            results = []
            with _progress(n, "emo-pipe") as bar:
                for i in range(0, n, chunk):
                    results += self._native.process_files(paths[i : i + chunk], spans[i : i + chunk], self.num_workers)
                    bar.update(min(chunk, n - i))
        else:
            results = self._native.process_files(paths, spans, self.num_workers)
        parts, failed = [], {}
        for file, start, end, r in zip(files, starts, ends, results):
            if r[0] == "error":
                err = from_kind(r[1], r[2])
                if errors == "raise":
                    raise err
                failed[file] = str(err)
                continue
            _, values, fstarts, lengths, frames, rate = r
            self._check_rate(rate, file)
            parts.append((file, start, end, values, fstarts, lengths, frames, rate))
        df = self._frame(parts, file_level=True)
        if failed:
            warnings.warn(
                f"{len(failed)} of {n} files failed and were left out (see DataFrame.attrs['errors']): "
                + "; ".join(failed.values()),
                UserWarning,
                stacklevel=2,
            )
        df.attrs["errors"] = failed
        return df

    def process_folder(
        self,
        root: str,
        *,
        filetype: str = "wav",
        include_root: bool = True,
        errors: str = "raise",
    ) -> pd.DataFrame:
        """Features of the files in a folder with this extension (not its
        sub-folders, as opensmile-python), in sorted order."""
        root = os.path.abspath(os.path.expanduser(os.fspath(root)))
        if not os.path.isdir(root):
            raise FileNotFound(f"{root}: no such folder")
        suffix = "." + filetype.lstrip(".").lower()
        names = sorted(
            n for n in os.listdir(root) if n.lower().endswith(suffix) and os.path.isfile(os.path.join(root, n))
        )
        if include_root:
            return self.process_files([os.path.join(root, n) for n in names], errors=errors)
        return self.process_files(names, root=root, errors=errors)

    def process_index(
        self,
        index: pd.Index,
        *,
        preserve_index: bool = False,
        root: str | None = None,
        cache_root: str | None = None,
        errors: str = "raise",
    ) -> pd.DataFrame:
        """Features of the files or segments of an audformat index, as
        opensmile-python's ``process_index``: a filewise index (``file``)
        gives the whole files, a segmented one (``file``, ``start``, ``end``;
        ``end`` NaT for the end of the file) the segments. With
        ``preserve_index=True`` the result takes the given index (one row per
        entry: functionals only)."""
        if cache_root is not None:
            raise ValueError(f"cache_root={cache_root!r}: emo-pipe keeps no cache of results")
        if not isinstance(index, pd.Index):
            raise ValueError(f"index must be a pandas Index, not {type(index).__name__}")
        if isinstance(index, pd.MultiIndex):
            if list(index.names) != ["file", "start", "end"]:
                raise ValueError(
                    f"a segmented index has the levels ('file', 'start', 'end'), not {tuple(index.names)}"
                )
            files = list(index.get_level_values("file"))
            starts = list(index.get_level_values("start"))
            ends = list(index.get_level_values("end"))
        else:
            if index.name not in (None, "file"):
                raise ValueError(f"a filewise index is named 'file', not {index.name!r}")
            files, starts, ends = list(index), None, None
        if preserve_index and self.feature_level is not FeatureLevel.Functionals:
            raise ValueError(
                "preserve_index=True needs one row per entry of the index: functionals only, "
                f"not {self.feature_level.name}"
            )
        df = self.process_files(files, starts=starts, ends=ends, root=root, errors=errors)
        if preserve_index:
            if df.attrs.get("errors"):
                raise ValueError("preserve_index=True with errors='skip': some entries have no row")
            df.index = index
        return df

    # -- signals ---------------------------------------------------------

    def process_signal(self, signal, sampling_rate: int, *, file: str | None = None, start=None, end=None) -> pd.DataFrame:
        """Features of a numpy signal, ``(samples,)`` or ``(channels,
        samples)``, float32/float64 (full scale ±1, as soundfile and audiofile
        read) or int16; with ``file`` the index has a ``file`` level."""
        values, fstarts, lengths, total, rate = self._signal(signal, sampling_rate, start, end)
        start = _timedelta(start, "start")
        end = _timedelta(end, "end")
        seg_start = pd.Timedelta(0) if start is None else start
        seg_end = pd.to_timedelta(total / rate, unit="s") if end is None else end
        starts, ends = self._frame_times(fstarts, lengths, seg_start, seg_end)
        if file is None:
            index = pd.MultiIndex.from_arrays([starts, ends], names=["start", "end"])
        else:
            index = pd.MultiIndex.from_arrays([[file] * len(starts), starts, ends], names=["file", "start", "end"])
        return pd.DataFrame(values, index=index, columns=self.column_names, copy=False)

    def __call__(self, signal, sampling_rate: int) -> np.ndarray:
        """Features of a signal as an array ``(channels, features, frames)``,
        as ``opensmile.Smile.__call__``."""
        values = self._signal(signal, sampling_rate, None, None)[0]
        return values.T.reshape(self.num_channels, self.num_features, -1)

    def _signal(self, signal, sampling_rate, start, end):
        if not isinstance(signal, np.ndarray):
            raise SignalError(f"signal must be a numpy array, not {type(signal).__name__}")
        if isinstance(sampling_rate, bool) or not isinstance(sampling_rate, (int, np.integer)):
            raise SignalError(f"sampling rate {sampling_rate!r} is not an integer number of Hz")
        self._check_rate(int(sampling_rate), "signal")
        s = _timedelta(start, "start")
        e = _timedelta(end, "end")
        r = self._native.process_signal(
            np.ascontiguousarray(signal),
            int(sampling_rate),
            0.0 if s is None else s.total_seconds(),
            None if e is None else e.total_seconds(),
        )
        if r[0] == "error":
            raise from_kind(r[1], r[2])
        _, values, fstarts, lengths, _frames, rate = r
        total = signal.shape[-1] if signal.ndim else 0
        return values, fstarts, lengths, total, rate

    # -- shaping ---------------------------------------------------------

    def _check_rate(self, rate, what):
        if self.sampling_rate is not None and rate != self.sampling_rate:
            raise AudioError(
                f"{what}: sampling rate {rate} Hz, but this Smile was made with sampling_rate={self.sampling_rate} "
                "(emo-pipe does not resample; leave sampling_rate=None to take every rate)"
            )

    @staticmethod
    def _frame_times(fstarts, lengths, seg_start, seg_end):
        """Row times as opensmile-python stamps them: the engine's frame
        times shifted by the segment's start, the first start and the last
        end pinned to the segment's."""
        starts = pd.to_timedelta(fstarts, unit="s") + seg_start
        ends = pd.to_timedelta(fstarts + lengths, unit="s") + seg_start
        if len(starts):
            starts = starts.insert(0, seg_start).delete(1)
            ends = ends.delete(len(ends) - 1).append(pd.TimedeltaIndex([seg_end]))
        return starts, ends

    def _frame(self, parts, file_level):
        files, starts, ends, blocks = [], [], [], []
        for file, start, end, values, fstarts, lengths, frames, rate in parts:
            # audinterface's segment times: the read samples' span, with what
            # rounding to whole samples lost put back
            seg_start = pd.Timedelta(0)
            seg_end = pd.to_timedelta(frames / rate, unit="s")
            if start is not None:
                seg_start += start
                seg_end += start - _precision_offset(start, rate)
            if end is not None:
                seg_end += _precision_offset(end, rate)
            s, e = self._frame_times(fstarts, lengths, seg_start, seg_end)
            files.extend([file] * len(s))
            starts.append(s)
            ends.append(e)
            blocks.append(values)
        if blocks:
            values = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
            starts = starts[0].append(starts[1:]) if len(starts) > 1 else starts[0]
            ends = ends[0].append(ends[1:]) if len(ends) > 1 else ends[0]
        else:
            values = np.zeros((0, len(self.column_names)), dtype=np.float32)
            starts = ends = pd.TimedeltaIndex([])
        index = pd.MultiIndex.from_arrays([files, starts, ends], names=["file", "start", "end"])
        return pd.DataFrame(values, index=index, columns=self.column_names, copy=False)


__all__ = ["Error", "FeatureLevel", "FeatureSet", "Smile"]
