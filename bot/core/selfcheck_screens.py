"""The screens of the self-check: the offer, one question at a time, and the suggested start.

Like every screen they follow from the state alone (`bot.core.selfcheck`), so a typed answer is
matched against exactly the options shown, with or without accents.
"""

from __future__ import annotations

from bot.core.progress_screens import LINE_CHARS, short
from bot.core.selfcheck import current_question, suggestion
from bot.core.state import Mode
from bot.core.turn import Turn

SELFCHECK_MODES = frozenset({Mode.SELFCHECK_OFFER, Mode.SELFCHECK, Mode.SELFCHECK_RESULT})
# The actions of a question's buttons: "sc.a", "sc.b"…, the option's id.
SELFCHECK_PREFIX = "sc."
# About 24 seconds a question (five take two minutes), rounded up to whole minutes.
SECONDS_PER_QUESTION = 24


def selfcheck_choices(turn: Turn) -> list[tuple[str, str]]:
    """The (action, label) pairs of a self-check screen."""
    _, state, catalog = turn._, turn.state, turn.ctx.catalog
    if state.mode is Mode.SELFCHECK_OFFER:
        count = len(catalog.selfcheck.questions) if catalog.selfcheck is not None else 0
        return [
            (
                "selfcheck_start",
                _("Answer the {count} questions").format(count=turn.t.number(count)),
            ),
            ("selfcheck_skip", _("Skip, start at lesson 1")),
        ]
    if state.mode is Mode.SELFCHECK:
        question = current_question(state, catalog)
        if question is None:
            return [("menu", _("Menu"))]
        return [(f"{SELFCHECK_PREFIX}{option.id}", option.text) for option in question.options] + [
            ("menu", _("Menu"))
        ]
    found = suggestion(state, catalog)
    choices = []
    if found is not None and found.lesson is not None:
        title = short(found.lesson.title, LINE_CHARS)
        choices.append(
            (f"lesson.{found.lesson.id}", _("Start lesson: {title}").format(title=title))
        )
        first = (catalog.required_lessons or catalog.lessons)[:1]
        if first and first[0].id != found.lesson.id:
            choices.append((f"lesson.{first[0].id}", _("Start from the beginning")))
    return choices + [("menu", _("Menu"))]


def selfcheck_texts(turn: Turn, full: bool) -> list[str]:
    """The text of a self-check screen (the same after bad input: each is short)."""
    _, state, catalog, t = turn._, turn.state, turn.ctx.catalog, turn.t
    selfcheck = catalog.selfcheck
    if selfcheck is None:
        return [_("What would you like to do?")]
    total = len(selfcheck.questions)
    if state.mode is Mode.SELFCHECK_OFFER:
        minutes = max(1, -(-total * SECONDS_PER_QUESTION // 60))
        return [
            _(
                "Answer {count} quick questions (about {minutes} minutes) to find out where you "
                "should start?"
            ).format(count=t.number(total), minutes=t.number(minutes))
        ]
    if state.mode is Mode.SELFCHECK:
        question = current_question(state, catalog)
        if question is None:
            return [_("What would you like to do?")]
        number = selfcheck.questions.index(question) + 1
        header = _("Self-check {n}/{total}").format(n=t.number(number), total=t.number(total))
        return [f"❓ {header}\n{question.prompt}"]
    return [_result_text(turn)]


def _result_text(turn: Turn) -> str:
    _, t = turn._, turn.t
    found = suggestion(turn.state, turn.ctx.catalog)
    if found is None:
        return _("What would you like to do?")
    if found.right == found.total:
        lines = [
            _("Excellent, you answered all {total} questions well!").format(
                total=t.number(found.total)
            )
        ]
    elif found.right == 0:
        lines = [_("No worries, everyone starts somewhere: we will learn step by step.")]
    else:
        lines = [
            _("Thank you! You answered {right} of {total} questions well.").format(
                right=t.number(found.right), total=t.number(found.total)
            )
        ]
        if found.known:
            lines += [_("You already know:"), *(f"✅ {m.title}" for m in found.known)]
        lines += [_("Worth learning:"), *(f"📘 {m.title}" for m in found.missed)]
    if found.lesson is not None:
        if found.missed:
            start = _("I suggest you start with the lesson “{title}”.")
        else:
            start = _(
                "Scammers change their tricks all the time, so a good place to start is the "
                "lesson “{title}”."
            )
        lines.append(start.format(title=found.lesson.title))
    return "\n".join(lines)
