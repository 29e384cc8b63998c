"""Real-world skills: what an ambassador saw a villager do for real, from a fixed list.

Kept apart from quizzes: a quiz shows what the learner knows, a confirmed skill what they did
(on their own phone, with the ambassador beside them). An ambassador confirms one from a
villager's details in the roster (`bot/core/roster_flow.py`); storage keeps who confirmed it and
when (`skill_confirmation`); the learner sees theirs in `/tiendo`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.i18n import N_

# id -> what the learner did (the label, translated where shown). The ids are stored: never
# rename one, add new ones at the end.
SKILLS: dict[str, str] = {
    "vneid_level2": N_("Activated VNeID level 2"),
    "qr_payment": N_("Paid with a QR code"),
    "public_service": N_("Submitted an online public-service application"),
    "zalo_2fa": N_("Set up two-step login on Zalo"),
    "scam_156": N_("Reported a scam to 156"),
}


@dataclass(frozen=True)
class ConfirmedSkill:
    """One skill an ambassador confirmed for a learner, and when (timezone-aware UTC)."""

    skill: str
    confirmed_at: datetime


def known(confirmed: tuple[ConfirmedSkill, ...]) -> list[ConfirmedSkill]:
    """The confirmations of skills still on the list, in the list's order."""
    order = list(SKILLS)
    kept = [item for item in confirmed if item.skill in SKILLS]
    return sorted(kept, key=lambda item: order.index(item.skill))


__all__ = ["SKILLS", "ConfirmedSkill", "known"]
