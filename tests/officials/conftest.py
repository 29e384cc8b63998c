"""The Telegram fixtures (the fake Bot API, the small content) for the officials scenarios."""

from tests.telegram.conftest import fake_api, small_catalog

__all__ = ["fake_api", "small_catalog"]
