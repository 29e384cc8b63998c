"""Families (Gia đình số): the family as the service loads it, and the rule that makes it a
"digital family".

A family is a few learners who agreed to share their progress with each other; they appear to
each other by the alias they chose, never by a real name. One member is the helper (the one who
helps the others along: sees every member's progress bar and may nudge them). The family is a
"Gia đình số" when the rule holds (`FamilyRule`, the setting `HOCVUSO_FAMILY_RULE`): every
member who counts has completed the course (its required lessons; the elective "Chợ số" is
not needed). Storage applies the same rule (`storage/families.py`) when it records the family's
status; the core only shows it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.core.villagers import Villager

# A family code: "GD" and six letters or digits (an ambassador's invite has six, no prefix), so
# one deep link or typed code tells the two apart.
FAMILY_CODE_PREFIX = "GD"
FAMILY_CODE_CHARS = 8
MAX_MEMBERS = 10  # members of one family: the helper's screen has a button for each
MAX_FAMILY_ALIAS = 24
# The command names of /giadinh (folded, without "/"); `bot.core.commands` maps them to "family".
FAMILY_COMMANDS = ("giadinh", "gia_dinh", "family")


class FamilyRule(StrEnum):
    """Who must have completed the course for the family to be a "Gia đình số"."""

    ADULTS = "adults"  # every member aged 16 or over (children learn along, uncounted)
    EVERYONE = "everyone"  # every member, children too


# Members a family needs before it can be a "Gia đình số": one learner alone is no family.
MIN_MEMBERS = 2


def is_family_code(code: str) -> bool:
    """Whether a code (a /start payload, typed) is a family's, normalised or not."""
    plain = normalise_family_code(code)
    return len(plain) == FAMILY_CODE_CHARS and plain.startswith(FAMILY_CODE_PREFIX)


def normalise_family_code(code: str) -> str:
    """A code as typed ("gd-abc 234"): upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def counts(age_band: str | None, rule: FamilyRule) -> bool:
    """Whether a member counts for the rule: under 16 only with `EVERYONE`; a member whose age
    band is unknown counts (they are asked when joining, so this is one who cleared it since:
    the family is not certified on a guess)."""
    return rule is FamilyRule.EVERYONE or age_band != "under_16"


def is_digital(members: Collection[tuple[str | None, bool]], rule: FamilyRule) -> bool:
    """The rule over (age band, course complete) pairs: at least `MIN_MEMBERS` members, at
    least one who counts, and every member who counts has completed the course."""
    counted = [complete for age_band, complete in members if counts(age_band, rule)]
    return len(members) >= MIN_MEMBERS and bool(counted) and all(counted)


@dataclass(frozen=True)
class FamilyMember:
    """One member as the family screen shows them (`villager`: their progress and what a
    nudge needs, as the roster reads it; `learner_id` never shown)."""

    learner_id: int
    alias: str
    age_band: str | None
    complete: bool
    helper: bool
    villager: Villager


@dataclass(frozen=True)
class Family:
    """The learner's family: its code, members (the learner among them, oldest first),
    whether it is a "Gia đình số" now, and its certificate (kept once issued)."""

    id: int
    code: str
    members: tuple[FamilyMember, ...]
    digital: bool = False
    certificate: str | None = None

    def member(self, learner_id: int | None) -> FamilyMember | None:
        return next((m for m in self.members if m.learner_id == learner_id), None)

    @property
    def helper(self) -> FamilyMember | None:
        return next((m for m in self.members if m.helper), None)


class FamilyInviteStatus(StrEnum):
    """What a family code in play names (the service looks it up)."""

    FOUND = "found"
    UNKNOWN = "unknown"
    FULL = "full"  # MAX_MEMBERS already
    SAME = "same"  # the learner's own family


@dataclass(frozen=True)
class FamilyInvite:
    """The family a code names: its id, how many members and the helper's alias."""

    code: str
    status: FamilyInviteStatus
    family_id: int | None = None
    members: int = 0
    helper: str | None = None


@dataclass(frozen=True)
class FamilyContext:
    """What the service loaded for a family turn: the learner's own learner id and family
    (None: in none), the family a code in play names, and the deployment's rule."""

    learner_id: int
    family: Family | None = None
    invite: FamilyInvite | None = None
    rule: FamilyRule = FamilyRule.ADULTS


__all__ = [
    "FAMILY_CODE_CHARS",
    "FAMILY_COMMANDS",
    "FAMILY_CODE_PREFIX",
    "MAX_FAMILY_ALIAS",
    "MAX_MEMBERS",
    "MIN_MEMBERS",
    "Family",
    "FamilyContext",
    "FamilyInvite",
    "FamilyInviteStatus",
    "FamilyMember",
    "FamilyRule",
    "counts",
    "is_digital",
    "is_family_code",
    "normalise_family_code",
]
