import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from cases import ROOT  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def in_root():
    """Relative fixture paths, as a user in a checkout would write them."""
    old = os.getcwd()
    os.chdir(ROOT)
    yield
    os.chdir(old)


@pytest.fixture(scope="session")
def cli():
    """Runs the emo-pipe binary (EMO_PIPE_BIN, or the release build)."""
    exe = os.environ.get("EMO_PIPE_BIN") or os.path.join(ROOT, "target", "release", "emo-pipe")
    if not os.path.exists(exe):
        pytest.fail(f"{exe} is missing: build it with `cargo build --release -p emo-pipe` (scripts/test.sh does)")

    def run(*args, check=True):
        r = subprocess.run([exe, *args], capture_output=True, text=True, cwd=ROOT)
        if check and r.returncode != 0:
            raise AssertionError(f"emo-pipe {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r

    return run
