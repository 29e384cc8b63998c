"""Playing a contest (`/thi`): one attempt, one timed question at a time, timed on the server.

The service loads the contest open for the learner's area and group, and whether they have an
attempt already, into `Context.contest`; the core reads only that and the turn's clock
(`ctx.now`). A question's time runs from the turn that showed it to the turn that answers it;
an answer later than the question's seconds plus `GRACE` (the network's share) counts as wrong.
Storage holds the truth about attempts: its unique (contest, learner) row refuses a second one
even if a state said otherwise (decision 41).
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.contest_screens import contest_question
from bot.core.context import ContestOffer, ContestStatus
from bot.core.events import ContestAnswered, ContestFinished, ContestStarted
from bot.core.navigation import go
from bot.core.state import ContestProgress, Mode
from bot.core.turn import Turn
from quizzes.models import Question, QuestionType

# Time allowed beyond the question's seconds for the message to travel (both ways).
GRACE = timedelta(seconds=3)


def start_contest(turn: Turn) -> None:
    """`/thi`: start the learner's attempt, go on with it, or say why there is none."""
    _, offer, progress = turn._, turn.ctx.contest, turn.state.contest
    if offer is None or offer.status is ContestStatus.NONE:
        turn.say(
            _(
                "There is no contest open for you right now. When your commune opens one, "
                "I will send you a message."
            )
        )
        go(turn, Mode.MENU)
        return
    if offer.status is ContestStatus.NO_PLACE:
        turn.say(
            _(
                "Contests are held by each commune, so I need to know yours first. Type /hoso, "
                "tap “Change commune”, then type /thi again."
            )
        )
        go(turn, Mode.MENU)
        return
    ongoing = (
        progress is not None and progress.contest_id == offer.contest_id and not progress.finished
    )
    if ongoing:
        _resume(turn, offer)
        return
    if offer.status is ContestStatus.PLAYED:
        turn.say(_played(turn, offer))
        go(turn, Mode.MENU)
        return
    profile = turn.state.profile
    turn.state.contest = ContestProgress(
        contest_id=offer.contest_id, asked_at=turn.ctx.now, total=len(offer.questions)
    )
    turn.events.append(
        ContestStarted(
            offer.contest_id,
            profile.province or "",
            profile.commune or "",
            profile.group.value if profile.group else "",
        )
    )
    turn.say(
        _(
            "🏆 {title}\n{count} questions, {seconds} seconds each: tap the answer (or type its "
            "number) before the time is up. Only one attempt. When scores are equal, the faster "
            "player ranks higher."
        ).format(
            title=offer.title,
            count=turn.t.number(len(offer.questions)),
            seconds=turn.t.number(offer.seconds),
        )
    )
    go(turn, Mode.CONTEST)


def answer_contest(turn: Turn, value: str) -> None:
    """A tapped or typed answer to the contest question on screen."""
    offer, progress, question = turn.ctx.contest, turn.state.contest, contest_question(turn)
    if offer is None or progress is None or question is None:
        go(turn, Mode.MENU)
        return
    if offer.closes_at is not None and turn.ctx.now > offer.closes_at + GRACE:
        progress.finished = True
        turn.say(turn._("The contest has closed. Your answers so far count."))
        go(turn, Mode.MENU)
        return
    correct = _is_right(question, value)
    elapsed = _elapsed_ms(turn, progress)
    late = elapsed > offer.seconds * 1000 + GRACE.total_seconds() * 1000
    if late:
        correct = False
        turn.say(
            turn._(
                "⌛ Too late: this answer came after {seconds} seconds and counts as wrong."
            ).format(seconds=turn.t.number(offer.seconds))
        )
    else:
        turn.say(turn._("✅ Right!") if correct else turn._("❌ Not right."))
    _record(turn, offer, progress, question, correct, elapsed)


def _resume(turn: Turn, offer: ContestOffer) -> None:
    """`/thi` during one's attempt: the question on screen again, its clock still running (a
    question left unanswered past its time counts as wrong, then the next is shown)."""
    progress = turn.state.contest
    question = contest_question(turn)
    assert progress is not None
    elapsed = _elapsed_ms(turn, progress)
    if question is not None and elapsed > offer.seconds * 1000 + GRACE.total_seconds() * 1000:
        turn.say(
            turn._("⌛ The time for question {n} is up: it counts as wrong.").format(
                n=turn.t.number(progress.index + 1)
            )
        )
        _record(turn, offer, progress, question, False, elapsed)
        return
    go(turn, Mode.CONTEST)


def _record(
    turn: Turn,
    offer: ContestOffer,
    progress: ContestProgress,
    question: Question,
    correct: bool,
    elapsed: int,
) -> None:
    ms = min(elapsed, offer.seconds * 1000)
    turn.events.append(ContestAnswered(offer.contest_id, question.id, correct, ms))
    progress.score += int(correct)
    progress.total_ms += ms
    progress.index += 1
    progress.asked_at = turn.ctx.now
    if progress.index < len(offer.questions):
        go(turn, Mode.CONTEST)
        return
    progress.finished = True
    progress.certificate = turn.ctx.certificate_code()
    turn.events.append(
        ContestFinished(offer.contest_id, progress.score, progress.total_ms, progress.certificate)
    )
    go(turn, Mode.CONTEST_DONE)


def _elapsed_ms(turn: Turn, progress: ContestProgress) -> int:
    if progress.asked_at is None:
        return 0
    return max(0, int((turn.ctx.now - progress.asked_at).total_seconds() * 1000))


def _is_right(question: Question, value: str) -> bool:
    if question.type is QuestionType.TRUE_FALSE:
        return (value == "true") == bool(question.answer)
    option = next((o for o in question.options if o.id == value), None)
    return option is not None and option.correct


def _played(turn: Turn, offer: ContestOffer) -> str:
    text = turn._(
        "You have already taken part in “{title}”: each person plays once. Your rank comes "
        "when the contest closes."
    ).format(title=offer.title)
    return text


def contest_playable(question: Question) -> bool:
    """Questions a contest can ask: one answer, tapped (single choice, true or false)."""
    return question.type in (QuestionType.SINGLE, QuestionType.TRUE_FALSE)


__all__ = ["GRACE", "answer_contest", "contest_playable", "start_contest"]
