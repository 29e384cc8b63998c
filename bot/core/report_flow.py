"""`/baocao` in the chat: an official's area summed up in a few lines, a link to its chart (a
PNG, which chat apps preview as a picture) and a one-time link to the dashboard; one sentence
for anyone who is not an official.

The service builds the numbers before the core runs (`report_typed()` tells it when), scoped
to the official's `official` row and with small counts already hidden, and hands them over as
`Context.official_report`; the core only words them.
"""

from __future__ import annotations

from bot.core.context import OfficialReport
from bot.core.messages import InboundMessage
from bot.core.official_flow import refuse
from bot.core.outcome import Outcome
from bot.core.state import LearnerState
from bot.core.turn import Turn
from bot.core.typed_command import typed_command
from bot.text import fold

REPORT_COMMANDS = ("baocao", "bao_cao", "report")


def report_typed(state: LearnerState, message: InboundMessage) -> bool:
    """Whether this input is `/baocao` from a learner who has consented."""
    if not state.consent:
        return False
    parts = typed_command(message)
    return parts is not None and fold(parts[0]) in REPORT_COMMANDS


def _count(value: int | str) -> str:
    return f"{value:n}" if isinstance(value, int) else str(value)


def answer_report(turn: Turn, report: OfficialReport | None) -> Outcome:
    """Answer `/baocao` from the service's figures (None or no role: refused)."""
    if report is None or report.role is None:
        turn.state.official = None  # a revoked role leaves the state's mirror too
        return refuse(turn)
    turn.state.official = report.role
    totals = report.totals
    period = ""
    if report.start and report.end:
        period = turn._("from {start} to {end}").format(
            start=f"{report.start:%d/%m/%Y}", end=f"{report.end:%d/%m/%Y}"
        )
    lines = [
        turn._("📊 Report for {area}, {period}").format(area=report.area, period=period),
        turn._("• Learners signed up: {n}").format(n=_count(totals.get("enrolled", 0))),
        turn._("• Learned in the last 7 days: {n}").format(n=_count(totals.get("active_7d", 0))),
        turn._("• Lessons completed: {n}").format(n=_count(totals.get("lessons_completed", 0))),
        turn._("• Finished the course: {n}").format(n=_count(totals.get("course_completed", 0))),
        turn._("• Lessons learned with an ambassador: {n}").format(
            n=_count(totals.get("assisted", 0))
        ),
        turn._("• Skills confirmed by ambassadors: {n}").format(
            n=_count(totals.get("skills_confirmed", 0))
        ),
        turn._("• Said they are verified on VNeID: {n}").format(
            n=_count(totals.get("vneid_reported", 0))
        ),
        turn._("• Digital families (Gia đình số) now: {n}").format(
            n=_count(totals.get("digital_families", 0))
        ),
    ]
    if report.percent_of_target is not None:
        lines.append(
            turn._("🎯 {percent} of the target reached (course completed so far).").format(
                percent=f"{report.percent_of_target:g}%"
            )
        )
    else:
        lines.append(
            turn._(
                "🎯 The percent of the target needs the population: import it with "
                "hocvuso targets import."
            )
        )
    if any(value == "<5" for value in totals.values()):
        lines.append(turn._('"<5" means 1 to 4 people: hidden to protect their privacy.'))
    turn.say("\n".join(lines))
    if report.chart_url:
        turn.say(
            turn._("📈 The chart of these numbers:\n{url}").format(url=report.chart_url),
            image=report.chart_image,
        )
    if report.login_url:
        turn.say(
            turn._(
                "Open the full tables, filters and downloads (this link works once, for "
                "{hours} hours; do not forward it):\n{url}"
            ).format(url=report.login_url, hours=report.login_hours)
        )
    return turn.outcome()


__all__ = ["REPORT_COMMANDS", "answer_report", "report_typed"]
