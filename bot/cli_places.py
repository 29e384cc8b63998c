"""Communes and provinces as an operator types them on the command line (`hocvuso ambassador`,
`hocvuso admin`, `hocvuso announce`): by code or by name, checked against the admin-unit data
(bot/places), with errors that say what to type instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import ConfigurationError

if TYPE_CHECKING:
    from bot.places import Commune, Places, Province

SHOWN_MATCHES = 5


def commune_named(
    places: Places, given: str, *, option: str = "--commune", within: Province | None = None
) -> Commune:
    """The commune `given` names: its 5-digit code (leading zeros optional) or, when that
    finds exactly one, its name (searched in `within` first, when the operator named the
    province too). `option` is how the operator gives it, for the example.

    Raises:
        ConfigurationError: no such commune, or several: saying what to type instead.
    """
    text = given.strip()
    if text.isdigit():
        found = places.commune(f"{int(text):05d}")
        if found is None:
            raise ConfigurationError(
                f"there is no commune with code {text} in the admin-unit data "
                f"(version {places.version}); give the 5-digit code of a commune or ward "
                f"since July 2025, e.g. {option} 00004, or its name"
            )
        return found
    search = places.search(
        text, limit=SHOWN_MATCHES, province=within.code if within is not None else None
    )
    if len(search.communes) == 1 or search.exact == 1:
        return search.communes[0]
    if not search.communes:
        raise ConfigurationError(
            f"no commune or ward is called {text!r}; check the name (add the province, e.g. "
            "'Tân Phú, Đồng Nai') or give its 5-digit code"
        )
    raise ConfigurationError(
        f"{search.total} communes match {text!r}; give the code of the one you mean:",
        tuple(f"{commune.code}  {commune_label(places, commune)}" for commune in search.communes),
    )


def province_named(places: Places, given: str, *, option: str = "--province") -> Province:
    """The province `given` names: its 2-digit code or its name.

    Raises:
        ConfigurationError: no such province.
    """
    text = given.strip()
    found = places.province(f"{int(text):02d}") if text.isdigit() else None
    if found is None and not text.isdigit():
        search = places.search(text)
        found = search.province if search.named else None
    if found is None:
        raise ConfigurationError(
            f"there is no province {text!r} in the admin-unit data (version {places.version}); "
            f"give its 2-digit code since July 2025, e.g. {option} 01, or its name"
        )
    return found


def commune_label(places: Places, commune: Commune) -> str:
    """ "Phường Ba Đình, Thành phố Hà Nội": the commune with its province."""
    province = places.province(commune.province_code)
    return f"{commune.name}, {province.name}" if province else commune.name


__all__ = ["commune_label", "commune_named", "province_named"]
