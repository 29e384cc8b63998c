"""The screens of a contest (`/thi`): one timed question at a time, then the learner's result.

Like every screen they follow from the state (the attempt) and the contest the service loaded
into the context (`Context.contest`), so a typed answer is matched against exactly the options
shown, with or without accents.
"""

from __future__ import annotations

from bot.core.messages import certificate_image
from bot.core.state import Mode
from bot.core.turn import Turn
from quizzes.models import Question, QuestionType

CONTEST_MODES = frozenset({Mode.CONTEST, Mode.CONTEST_DONE})
# The actions of a contest question's buttons: "ct.a", "ct.b"…, "ct.true", "ct.false".
CONTEST_PREFIX = "ct."


def contest_question(turn: Turn) -> Question | None:
    """The contest question on screen, when the attempt and the loaded contest agree."""
    offer, progress = turn.ctx.contest, turn.state.contest
    if offer is None or progress is None or progress.contest_id != offer.contest_id:
        return None
    if progress.finished or progress.index >= len(offer.questions):
        return None
    return offer.questions[progress.index]


def contest_choices(turn: Turn) -> list[tuple[str, str]]:
    """The (action, label) pairs of a contest screen: the options, or the menu."""
    _ = turn._
    question = contest_question(turn) if turn.state.mode is Mode.CONTEST else None
    if question is None:
        return [("menu", _("Menu"))]
    if question.type is QuestionType.TRUE_FALSE:
        return [(f"{CONTEST_PREFIX}true", _("True")), (f"{CONTEST_PREFIX}false", _("False"))]
    return [(f"{CONTEST_PREFIX}{option.id}", option.text) for option in question.options]


def contest_texts(turn: Turn, full: bool) -> list[str]:
    """The question with its number and the seconds it allows, or the learner's result."""
    _, t, offer, progress = turn._, turn.t, turn.ctx.contest, turn.state.contest
    if turn.state.mode is Mode.CONTEST:
        question = contest_question(turn)
        if question is None or offer is None or progress is None:
            return [_("What would you like to do?")]
        header = _("Question {n}/{total} · ⏱ {seconds} seconds").format(
            n=t.number(progress.index + 1),
            total=t.number(len(offer.questions)),
            seconds=t.number(offer.seconds),
        )
        body = f"❓ {header}\n{question.prompt}"
        if full and question.scenario:
            return [f"💬 {question.scenario}", body]
        return [body]
    if progress is None:
        return [_("What would you like to do?")]
    lines = [
        _(
            "🏁 Finished! You answered {score} of {total} questions right in {seconds} seconds."
        ).format(
            score=t.number(progress.score),
            total=t.number(progress.total),
            seconds=t.number(round(progress.total_ms / 1000, 1)),
        )
    ]
    if offer is not None and offer.closes_at is not None:
        lines.append(
            _(
                "Your rank and the standings by commune come when the contest closes, {moment}."
            ).format(moment=t.moment(offer.closes_at, turn.ctx.zone))
        )
    if progress.certificate:
        lines.append(
            _("Your participation certificate code: {code}").format(code=progress.certificate)
        )
    return ["\n".join(lines)]


def contest_image(turn: Turn, full: bool) -> str | None:
    """The participation certificate's picture on the finish screen, shown in full (not again
    after bad input): channels send it as they send the course certificate."""
    progress = turn.state.contest
    if not full or turn.state.mode is Mode.CONTEST or progress is None:
        return None
    return certificate_image(progress.certificate) if progress.certificate else None


__all__ = [
    "CONTEST_MODES",
    "CONTEST_PREFIX",
    "contest_choices",
    "contest_image",
    "contest_question",
    "contest_texts",
]
