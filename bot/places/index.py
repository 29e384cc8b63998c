"""The place index the core searches: provinces and communes, found by typed names.

Pure: built from plain records (`bot.places.data.load_places()` reads the package data), so
the core can search without loading anything itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.text import fold


@dataclass(frozen=True)
class Province:
    """A province or centrally run city: two-digit code, official and short name."""

    code: str  # "01"
    name: str  # "Thành phố Hà Nội"
    short_name: str  # "Hà Nội"


@dataclass(frozen=True)
class Commune:
    """A commune, ward or special zone: five-digit code, official name, its province."""

    code: str  # "00004"
    name: str  # "Phường Ba Đình"
    province_code: str  # "01"


@dataclass(frozen=True)
class PlaceSearch:
    """What a typed name found.

    Attributes:
        communes: the best matching communes, best first, at most the limit asked for.
        total: how many communes matched in all (more than shown: ask for more words).
        province: the province the text named, alone or beside a commune name.
    """

    communes: tuple[Commune, ...] = ()
    total: int = 0
    province: Province | None = None


class Places:
    """Provinces and communes with a forgiving name search."""

    def __init__(
        self, provinces: tuple[Province, ...], communes: tuple[Commune, ...], version: str
    ) -> None:
        self.version = version
        self.provinces = provinces
        self.communes = communes
        self._province = {p.code: p for p in provinces}
        self._commune = {c.code: c for c in communes}

    @classmethod
    def empty(cls) -> Places:
        """No places at all (tests of flows that never ask for one)."""
        return cls((), (), "")

    def __len__(self) -> int:
        return len(self.communes)

    def province(self, code: str | None) -> Province | None:
        """The province with this code, or None."""
        return self._province.get(code or "")

    def commune(self, code: str | None) -> Commune | None:
        """The commune with this code, or None."""
        return self._commune.get(code or "")

    def search(self, text: str, *, province: str | None = None, limit: int = 5) -> PlaceSearch:
        """Communes (and a province) named by `text`, typed with or without accents."""
        key = fold(text)
        named = next((p for p in self.provinces if fold(p.short_name) == key), None)
        if named is not None:
            return PlaceSearch(province=named)
        found = [
            c
            for c in self.communes
            if (province is None or c.province_code == province) and key in fold(c.name)
        ]
        return PlaceSearch(tuple(found[:limit]), len(found), self.province(province))
