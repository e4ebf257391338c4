"""``Model``: emotion classification with an emo-pipe model file."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import _native
from ._errors import FileError, FileNotFound, ModelError
from ._smile import Smile


class Model:
    """An emo-pipe model: normalisation, (DAE encoder,) SVM and class names,
    as ``emo-pipe train`` writes them and ``emo-pipe classify`` uses them."""

    def __init__(self, native):
        self._native = native
        self.description = json.loads(native.description())
        """The model's metadata (``emo-pipe model`` prints the same JSON)."""
        self.classes = list(native.classes())
        """Class names, in the order of the probability columns."""
        self.feature_names = list(native.feature_names())

    @classmethod
    def load(cls, path) -> "Model":
        """Reads a model file (``emo-pipe train -o FILE``)."""
        path = os.fspath(path)
        if not os.path.exists(path):
            raise FileNotFound(f"{path}: no such model file")
        try:
            return cls(_native.Model.load(path))
        except OSError as e:
            raise FileError(str(e)) from None
        except ValueError as e:
            raise ModelError(str(e)) from None

    @classmethod
    def builtin(cls) -> "Model":
        """The model built into emo-pipe (README, "The built-in model")."""
        return cls(_native.Model.builtin())

    def __repr__(self):
        d = self.description
        return f"emo_pipe.Model(system={d.get('system')!r}, normalisation={d.get('normalisation')!r}, classes={self.classes})"

    def smile(self, num_workers: int = 1) -> Smile:
        """The extractor this model's features come from (all channels
        averaged, as ``emo-pipe classify`` reads audio)."""
        return Smile(
            feature_set=self.description["feature_set"],
            loudness=self.description["loudness"],
            channels=None,
            num_workers=num_workers,
        )

    def predict(
        self,
        files_or_features,
        speakers: str | Sequence[str | None] | None = None,
        *,
        num_workers: int = 1,
        errors: str = "raise",
    ) -> pd.DataFrame:
        """Classifies files (a path or a list of paths) or a DataFrame of
        functionals (as ``Smile.process_files`` returns; a ``speaker`` column,
        if present, gives each clip's speaker).

        A speaker-normalised model standardises the clips of each speaker
        together, so give ``speakers`` (one per clip, or one name for all)
        whenever you can; clips without one go through the model's min-max
        fallback pipeline, with a warning, as ``emo-pipe classify`` does.

        Returns a DataFrame with the input's index, a ``label`` column and one
        probability column per class.
        """
        if isinstance(files_or_features, pd.DataFrame):
            features = files_or_features
            if speakers is None and "speaker" in features.columns:
                speakers = list(features["speaker"])
        else:
            files = files_or_features
            if isinstance(files, (str, os.PathLike)):
                files = [files]
            files = [os.fspath(f) for f in files]
            if speakers is not None and not isinstance(speakers, str):
                speakers = list(speakers)
                if len(speakers) != len(files):
                    raise ValueError(f"{len(speakers)} speakers for {len(files)} files")
                by_file = dict(zip(files, speakers))
            features = self.smile(num_workers).process_files(files, errors=errors)
            if speakers is not None and not isinstance(speakers, str):
                speakers = [by_file[f] for f in features.index.get_level_values("file")]
        missing = [c for c in self.feature_names if c not in features.columns]
        if missing:
            raise ModelError(
                f"the features lack {len(missing)} of the model's {len(self.feature_names)} columns "
                f"(first: {missing[0]!r}); extract them with model.smile()"
            )
        rows = np.ascontiguousarray(features[self.feature_names].to_numpy(dtype=np.float32))
        n = len(rows)
        if isinstance(speakers, str):
            speakers = [speakers] * n
        elif speakers is None:
            speakers = [None] * n
        else:
            speakers = [None if s is None or (isinstance(s, float) and np.isnan(s)) else str(s) for s in speakers]
            if len(speakers) != n:
                raise ValueError(f"{len(speakers)} speakers for {n} clips")
        try:
            classes, probs, routes = self._native.predict(rows, speakers)
        except ValueError as e:
            raise ModelError(str(e)) from None
        fallback = sum(r != "main" for r in routes)
        if fallback:
            warnings.warn(
                f"{fallback} clip(s) without speaker information: the model is speaker-normalised, so they "
                "went through its fallback pipeline (give speakers= for the speaker-normalised one)",
                UserWarning,
                stacklevel=2,
            )
        out = pd.DataFrame(
            np.asarray(probs, dtype=np.float64).reshape(n, len(self.classes)),
            index=features.index,
            columns=self.classes,
        )
        out.insert(0, "label", pd.Series([self.classes[c] for c in classes], index=features.index, dtype=str))
        if "errors" in features.attrs:
            out.attrs["errors"] = features.attrs["errors"]
        return out


__all__ = ["Model"]
