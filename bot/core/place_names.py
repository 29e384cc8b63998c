"""A commune named for people: "Xã Tân Phú, Đồng Nai", from its code and the place index."""

from __future__ import annotations

from bot.places.index import Places


def place_name(places: Places, commune: str | None) -> str | None:
    """The commune and its province, or None when the index does not know the code."""
    found = places.commune(commune)
    if found is None:
        return None
    province = places.province(found.province_code)
    return f"{found.name}, {province.short_name}" if province else found.name
