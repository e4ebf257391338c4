"""Exception classes. Every error emo-pipe raises is an :class:`Error`; each
class is also the built-in exception a Python user would catch for it."""


class Error(Exception):
    """Base class of every error emo-pipe raises."""


class FileError(Error, OSError):
    """A file cannot be opened (missing, unreadable)."""


class FileNotFound(FileError, FileNotFoundError):
    """A file or folder does not exist."""


class AudioError(Error, ValueError):
    """A file opens but is not usable audio: undecodable, truncated before any
    sample, absurd header (a rate of 0, no channels), not-finite samples,
    longer than the limit, or a segment outside the recording."""


class SignalError(Error, ValueError):
    """An in-memory signal is refused: wrong dtype or shape, empty, NaN or
    infinite samples, a sampling rate of 0."""


class ModelError(Error, ValueError):
    """A model file is not a valid emo-pipe model, or features do not fit it."""


class InternalError(Error, RuntimeError):
    """A bug in emo-pipe (a Rust panic, caught before it reached Python)."""


_KINDS = {
    "not_found": FileNotFound,
    "open": FileError,
    "audio": AudioError,
    "signal": SignalError,
    "value": AudioError,
    "model": ModelError,
    "internal": InternalError,
}


def from_kind(kind: str, message: str) -> Error:
    """The exception for an error kind reported by the native module."""
    return _KINDS.get(kind, Error)(message)
