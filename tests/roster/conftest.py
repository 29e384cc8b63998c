"""Fixtures of the roster scenarios: the fake Bot API, the fake Zalo servers (with their
clock) and the small stable content."""

from tests.telegram.conftest import fake_api, small_catalog
from tests.zalo.conftest import clock, fake

__all__ = ["clock", "fake", "fake_api", "small_catalog"]
