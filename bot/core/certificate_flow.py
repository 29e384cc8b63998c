"""The certificate of completion: the name to print (optional), the certificate itself, and
the official path (the national platform and VNeID), which our certificate is not.

The name is carried only by the `CertificateIssued` event, which storage writes on the
certificate row; the state keeps the code, never the name.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.events import CertificateIssued, OfficialCertificationReported
from bot.core.messages import Reply, certificate_image
from bot.core.navigation import go
from bot.core.outcome import Outcome
from bot.core.state import CertificateInfo, Mode
from bot.core.turn import Turn
from bot.text import clean

MAX_NAME_CHARS = 60
# Letters (any script, with marks), spaces and the few signs names use: no digits or links.
_NAME = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$")


def course_complete(turn: Turn) -> bool:
    """Whether every required lesson of the course is passed (electives do not count)."""
    return turn.ctx.catalog.course_complete(turn.state.passed)


def open_certificate(turn: Turn) -> None:
    """/chungnhan: the certificate when the course is complete (asking the name first)."""
    state = turn.state
    if not course_complete(turn):
        required = turn.ctx.catalog.required_lessons
        left = sum(1 for lesson in required if lesson.id not in state.passed)
        if any(not module.required for module in turn.ctx.catalog.modules):
            text = turn._(
                "The certificate comes when every lesson of the required topics is passed: "
                "{left} to go (topics marked “optional” are extra). Keep going, you are doing "
                "well!"
            )
        else:
            text = turn._(
                "The certificate comes when every lesson is passed: {left} to go. Keep going, "
                "you are doing well!"
            )
        turn.say(text.format(left=turn.t.number(left)))
        go(turn, Mode.MENU)
        return
    if state.certificate is not None:
        _send(turn, state.certificate.code)
        go(turn, Mode.COURSE_DONE)
        return
    go(turn, Mode.CERTIFICATE_NAME)


def rename(turn: Turn) -> None:
    """Issue the certificate again with another name (the first one stays valid)."""
    go(turn, Mode.CERTIFICATE_NAME)


def type_name(turn: Turn, raw: str) -> Outcome:
    """The name typed for the certificate: checked, then the certificate is issued."""
    name = unicodedata.normalize("NFC", clean(raw)).strip()
    if len(name) > MAX_NAME_CHARS or not _NAME.match(name):
        turn.say(
            turn._(
                "Please type only a name, with letters and spaces (at most {n} characters), "
                "or tap “Print no name”."
            ).format(n=MAX_NAME_CHARS)
        )
        go(turn, Mode.CERTIFICATE_NAME)
        return turn.outcome()
    issue(turn, " ".join(word[:1].upper() + word[1:] for word in name.split()))
    return turn.outcome()


def issue(turn: Turn, display_name: str) -> None:
    """Issue a new certificate with `display_name` (may be empty) and send it."""
    catalog = turn.ctx.catalog
    code = turn.ctx.certificate_code()
    # What the certificate attests: the required modules and lessons, not the electives.
    modules = tuple(module.id for module in catalog.required_modules)
    lessons = len(catalog.required_lessons)
    turn.events.append(CertificateIssued(code, display_name, modules, lessons))
    turn.state.certificate = CertificateInfo(code=code, issued_at=turn.ctx.now)
    _send(turn, code)
    go(turn, Mode.COURSE_DONE)


def report_vneid(turn: Turn) -> None:
    """The learner says the national platform certified them: kept apart from our completion."""
    if not turn.state.vneid_reported:
        turn.state.vneid_reported = True
        turn.events.append(OfficialCertificationReported())
    turn.say(
        turn._(
            "Wonderful, congratulations! Thank you for telling us: it helps your commune "
            "count how many people are certified."
        )
    )
    go(turn, Mode.MENU)


def _send(turn: Turn, code: str) -> None:
    turn.replies.append(
        Reply(
            text=turn._(
                "🎓 Congratulations, you have completed the course! Here is your certificate "
                "(a picture and a PDF). Its verification code is {code}: anyone can check it "
                "by scanning the QR code on it."
            ).format(code=code),
            image=certificate_image(code),
        )
    )
