"""What the weekly summary tells an ambassador: new villagers, lessons passed and courses
finished last week, and who needs a hand now, with a button that opens the roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core import Choice, Reply, ReplyKind
from bot.i18n import Translator

# "r:" works from whatever screen the ambassador is on (`bot.core.engine.PROACTIVE_ACTIONS`).
OPEN_ROSTER = "r:roster"


@dataclass(frozen=True)
class WeekNumbers:
    """One ambassador's week: `first` to `last` (local days), and the roster now."""

    first: date
    last: date
    villagers: int
    joined: int
    lessons_passed: int
    courses_completed: int
    stalled: int


def summary_reply(numbers: WeekNumbers, t: Translator) -> Reply:
    """The summary, in the ambassador's language."""
    n = numbers
    lines = [
        t.gettext("📅 Your week with your villagers ({first} – {last}):").format(
            first=t.day(n.first), last=t.day(n.last)
        ),
        t.ngettext(
            "• {count} new person joined through your invite",
            "• {count} new people joined through your invite",
            n.joined,
        ).format(count=t.number(n.joined)),
        t.ngettext("• {count} lesson passed", "• {count} lessons passed", n.lessons_passed).format(
            count=t.number(n.lessons_passed)
        ),
    ]
    if n.courses_completed:
        lines.append(
            t.ngettext(
                "• 🎓 {count} person finished the whole course",
                "• 🎓 {count} people finished the whole course",
                n.courses_completed,
            ).format(count=t.number(n.courses_completed))
        )
    if n.stalled:
        lines.append(
            t.ngettext(
                "• ⚠️ {count} person needs a hand (no lesson for 3 days or more): type "
                "/danhsach to see who and send a nudge.",
                "• ⚠️ {count} people need a hand (no lesson for 3 days or more): type "
                "/danhsach to see who and send a nudge.",
                n.stalled,
            ).format(count=t.number(n.stalled))
        )
    else:
        lines.append(t.gettext("• ✅ No one is stuck right now."))
    lines.append(t.gettext("Thank you for helping people in your commune learn!"))
    button = Choice(OPEN_ROSTER, t.gettext("👥 Open my list"))
    return Reply("\n".join(lines), choices=(button,), kind=ReplyKind.REPORT)


__all__ = ["OPEN_ROSTER", "WeekNumbers", "summary_reply"]
