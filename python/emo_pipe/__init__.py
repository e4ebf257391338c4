"""emo-pipe from Python: openSMILE's features without openSMILE, and emotion
labels, with opensmile-python's interface.

    import emo_pipe as opensmile        # the one-line switch
    smile = opensmile.Smile(opensmile.FeatureSet.IS10)
    df = smile.process_files(files)     # pandas, as opensmile-python returns it

See docs/python.md for the whole API and what differs from opensmile-python.
"""

from ._errors import (
    AudioError,
    Error,
    FileError,
    FileNotFound,
    InternalError,
    ModelError,
    SignalError,
)
from ._model import Model
from ._native import __version__
from ._smile import FeatureLevel, FeatureSet, Smile

__all__ = [
    "AudioError",
    "Error",
    "FeatureLevel",
    "FeatureSet",
    "FileError",
    "FileNotFound",
    "InternalError",
    "Model",
    "ModelError",
    "SignalError",
    "Smile",
    "__version__",
]
