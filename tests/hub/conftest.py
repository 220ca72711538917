"""Hub fixtures: a live hub on 127.0.0.1 with its own data dir."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("MOTCUA_CREDENTIAL_STORE", "file")  # never touch a developer's keyring

from hub_helpers import LiveHub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LiveHub]:
    """A running hub (demo ward, default queue services)."""
    with LiveHub(tmp_path / "hub") as h:
        yield h
