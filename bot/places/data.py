"""The place index built from the `vietnam-provinces` package (GPL-3.0-or-later).

Its `nested-divisions.json` lists the 34 provinces, each with its communes ("wards"), under
integer codes. Here codes become the official zero-padded strings (2-digit province, 5-digit
commune), names are NFC with new-style tones ("Hoà An" -> "Hòa An"; the package mixes both)
and single-spaced, and the index's version is the package's data version, stored with every
profile so a later change of the list can be traced.

The package has no table of pre-2025 districts or communes: old names are not mapped here.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import vietnam_provinces

from bot.places.index import Commune, Places, Province
from bot.text import clean, new_style_tones

_CITY = re.compile(r"^Thành phố\s+")


@cache
def load_places() -> Places:
    """The place index from the installed package (read once per process)."""
    path = vietnam_provinces.NESTED_DIVISIONS_JSON_PATH
    records = json.loads(path.read_text(encoding="utf-8"))
    return places_from(records, vietnam_provinces.__data_version__)


def places_from(records: list[dict[str, Any]], version: str) -> Places:
    """The index from the package's nested records: provinces with their `wards`."""
    provinces: list[Province] = []
    communes: list[Commune] = []
    for record in records:
        code = f"{int(record['code']):02d}"
        name = _name(record["name"])
        provinces.append(Province(code, name, _CITY.sub("", name)))
        communes.extend(
            Commune(f"{int(ward['code']):05d}", _name(ward["name"]), code)
            for ward in record["wards"]
        )
    return Places(tuple(provinces), tuple(communes), version)


def _name(raw: str) -> str:
    return new_style_tones(clean(raw))
