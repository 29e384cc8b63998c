"""What a reminder says: one of several short, friendly texts naming the next lesson, in the
learner's language, with two buttons (learn now, change the reminder time).

The texts take turns: the learner's n-th reminder uses template n modulo their number, so
reminders on consecutive days never repeat the same words. A learner who has passed every
lesson is invited to review or to open the handbook instead.
"""

from __future__ import annotations

from bot.core import Catalog, Choice, LearnerState, Reply, ReplyKind
from bot.core.resume import resume_point
from bot.i18n import N_, Translator

NEXT_LESSON = (
    N_(
        "Shall we learn a little today? Your next lesson is “{lesson}”. "
        "It takes only a few minutes."
    ),
    N_("A small step for today: the lesson “{lesson}” is waiting for you."),
    N_("Hello! Let's continue with “{lesson}” whenever you have a few minutes."),
    N_("Learning a little every day makes digital skills easy. Next up for you: “{lesson}”."),
)
ALL_PASSED = (
    N_(
        "You have passed every lesson, well done! Shall we review a few questions, "
        "or look something up in the handbook?"
    ),
    N_(
        "Keep your digital skills fresh: review a few questions today, or ask the handbook "
        "anything you need."
    ),
)
# Choice ids with the "r:" prefix: the core accepts them from a proactive message whatever
# screen the learner is on.
LEARN_NOW = "r:next_lesson"
CHANGE_TIME = "r:reminders"


def reminder_reply(state: LearnerState, catalog: Catalog, t: Translator, turn: int) -> Reply:
    """The reminder for a learner in `state`: template number `turn` (taking turns), naming
    the lesson "Learn now" goes on with (the unfinished one, else the first not passed)."""
    point = resume_point(state, catalog)
    upcoming = point.lesson if point is not None else None
    if upcoming is None:
        text = t.gettext(ALL_PASSED[turn % len(ALL_PASSED)])
    else:
        template = t.gettext(NEXT_LESSON[turn % len(NEXT_LESSON)])
        text = template.format(lesson=upcoming.title)
    choices = (
        Choice(LEARN_NOW, t.gettext("Learn now")),
        Choice(CHANGE_TIME, t.gettext("Change reminder time")),
    )
    return Reply(text, choices=choices, kind=ReplyKind.REMINDER)


__all__ = ["ALL_PASSED", "CHANGE_TIME", "LEARN_NOW", "NEXT_LESSON", "reminder_reply"]
