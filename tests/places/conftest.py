"""The real place index, built once for the session (the package's data, read in ~0.2 s)."""

from __future__ import annotations

import pytest

from bot.places import Places
from bot.places.data import load_places


@pytest.fixture(scope="session")
def places() -> Places:
    return load_places()
