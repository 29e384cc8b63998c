"""What the two other certificates say: a contest's participation certificate (decision 41)
and a family's "Gia đình số" certificate (decision 40).

They are drawn like the course certificate (the same `Sheet`, picture and PDF), and print no
name: contests never show who played, and a family certificate names none of its members.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.certificate.sheet import (
    CERTIFIES,
    CHECK,
    CODE,
    DEFAULT_ZONE,
    DISCLAIMER,
    ISSUED,
    NO_NAME,
    Sheet,
    clean_name,
)
from bot.i18n import N_, translator

PARTICIPATION_HEADING = N_("Certificate of participation")
PARTICIPATION_SUBTITLE = N_("Contest: {title}")
PARTICIPATION_DONE = N_("answered all {questions} questions of the contest.")
FINISHED = N_("Finished on {date}")
PARTICIPATION_DISCLAIMER = N_(
    "This certificate is given by the Học vụ số chatbot for taking part in its contest. It is "
    "not the official certification of the Bình dân học vụ số platform (binhdanhocvuso.gov.vn) "
    "or of VNeID."
)
FAMILY_HEADING = N_("Digital family")
FAMILY_SUBTITLE = N_("Family certificate of the Học vụ số chatbot")
FAMILY_NAME = N_("A family of Học vụ số")
FAMILY_DONE = N_("met the rule of a digital family: {members} members completed the course.")


def participation_sheet(
    *,
    title: str,
    questions: int,
    finished_at: datetime,
    code: str,
    verify_url: str,
    zone: ZoneInfo = DEFAULT_ZONE,
    locale: str = "vi",
) -> Sheet:
    """The lines of a contest's participation certificate (`title`: the contest's)."""
    t = translator(locale)
    return Sheet(
        heading=t.gettext(PARTICIPATION_HEADING),
        subtitle=t.gettext(PARTICIPATION_SUBTITLE).format(title=clean_name(title)),
        certifies=t.gettext(CERTIFIES),
        name=t.gettext(NO_NAME),
        named=False,
        completed=t.gettext(PARTICIPATION_DONE).format(questions=t.number(questions)),
        modules=(),
        issued=t.gettext(FINISHED).format(date=t.day(finished_at, zone)),
        code=t.gettext(CODE).format(code=code),
        check=t.gettext(CHECK),
        verify_url=verify_url,
        disclaimer=t.gettext(PARTICIPATION_DISCLAIMER),
    )


def family_sheet(
    *,
    members: int,
    issued_at: datetime,
    code: str,
    verify_url: str,
    zone: ZoneInfo = DEFAULT_ZONE,
    locale: str = "vi",
) -> Sheet:
    """The lines of a family's certificate (`members`: those counted when it was issued)."""
    t = translator(locale)
    return Sheet(
        heading=t.gettext(FAMILY_HEADING),
        subtitle=t.gettext(FAMILY_SUBTITLE),
        certifies=t.gettext(CERTIFIES),
        name=t.gettext(FAMILY_NAME),
        named=False,
        completed=t.gettext(FAMILY_DONE).format(members=t.number(members)),
        modules=(),
        issued=t.gettext(ISSUED).format(date=t.day(issued_at, zone)),
        code=t.gettext(CODE).format(code=code),
        check=t.gettext(CHECK),
        verify_url=verify_url,
        disclaimer=t.gettext(DISCLAIMER),
    )


__all__ = ["family_sheet", "participation_sheet"]
