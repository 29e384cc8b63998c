"""Short names people go by (a villager, a family member): never a phone or ID number."""

from __future__ import annotations

from enum import Enum

# More digits than this, or more digits than letters, looks like a phone or ID number.
MAX_ALIAS_DIGITS = 3


class AliasFault(Enum):
    """Why a typed short name is refused."""

    TOO_LONG = "too_long"
    NUMBER = "number"


def tidy_alias(text: str) -> str:
    """The name as typed, with its spaces tidied."""
    return " ".join(text.split())


def alias_fault(alias: str, limit: int) -> AliasFault | None:
    """What is wrong with a tidied short name (None: nothing)."""
    if len(alias) > limit:
        return AliasFault.TOO_LONG
    digits = sum(char.isdigit() for char in alias)
    letters = sum(char.isalpha() for char in alias)
    if digits > MAX_ALIAS_DIGITS or digits > letters or not letters:
        return AliasFault.NUMBER
    return None
