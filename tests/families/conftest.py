"""Fixtures of the family scenarios: the fake Bot API and the small stable content."""

from tests.telegram.conftest import fake_api, small_catalog

__all__ = ["fake_api", "small_catalog"]
