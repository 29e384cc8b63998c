"""Spaced review rounds: offered at the start of a session, a few due questions asked again.

A review item is one question of a lesson's quiz, shown and answered exactly like in the quiz
(`quiz_flow` takes the answer and hands it here); it is no quiz attempt: it records
`ReviewAnswered`, never `QuestionAnswered`.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.cheer import step_done
from bot.core.events import ReviewAnswered
from bot.core.navigation import go
from bot.core.resume import pause_for_review, take_paused_quiz
from bot.core.spaced import ROUND_SIZE, due, question_of, rate, utc
from bot.core.state import Mode, QuizProgress
from bot.core.streak import local_day
from bot.core.turn import Turn

# A learner who writes after this long a pause (or on another day) starts a new session.
SESSION_GAP = timedelta(minutes=30)


def new_session(turn: Turn) -> bool:
    """Whether this input starts a session: the first one, after a pause or on a new day."""
    last, now, zone = turn.before.last_input_at, turn.ctx.now, turn.ctx.zone
    if last is None:
        return True
    return utc(now) - utc(last) >= SESSION_GAP or local_day(last, zone) != local_day(now, zone)


def offer_at_session_start(turn: Turn) -> None:
    """At the start of a session, the menu gives way to "Ôn lại 3 câu?" when items are due
    and none were offered today yet. Only the menu: never in the middle of a lesson or quiz."""
    state = turn.state
    if not state.consent or state.mode is not Mode.MENU:
        return
    if not turn.replies or not turn.replies[-1].choices:
        return  # no menu on screen to give way
    today = local_day(turn.ctx.now, turn.ctx.zone)
    if state.review_offered_on == today or not new_session(turn):
        return
    if not _due_now(turn):
        return
    turn.replies.pop()  # the menu prompt: the offer takes its place ("Later" brings it back)
    state.review_offered_on = today
    go(turn, Mode.REVIEW_OFFER)


def start_review(turn: Turn) -> None:
    """A round of at most `ROUND_SIZE` due items (the menu, kindly, when none is due)."""
    state, catalog = turn.state, turn.ctx.catalog
    # Questions gone from the content cannot be asked: forget their cards first, so the
    # round's indexes stay valid.
    state.reviews = [item for item in state.reviews if question_of(catalog, item)]
    queue = _due_now(turn)[:ROUND_SIZE]
    if not queue:
        turn.say(turn._("Nothing to review right now. Well done!"))
        go(turn, Mode.MENU)
        return
    state.review_queue = queue
    state.review_offered_on = local_day(turn.ctx.now, turn.ctx.zone)
    # The quiz's answer handling keeps its picks and candidates in `state.quiz` during the
    # round; a lesson quiz left half-way waits aside, for "continue".
    pause_for_review(state)
    go(turn, Mode.REVIEW)


def skip_review(turn: Turn) -> None:
    """The learner said "Later": fine, and not asked again today."""
    turn.say(turn._("All right, another time."))
    go(turn, Mode.MENU)


def review_answered(turn: Turn, correct: bool) -> None:
    """Reschedule the item on screen (its feedback is shown already); next item or the end."""
    state, progress = turn.state, turn.state.quiz
    item = turn.review_item()
    assert item is not None and progress is not None
    state.review_queue.pop(0)
    scheduled = rate(state.reviews, item.lesson_id, item.question_id, correct, turn.ctx.now)
    assert scheduled is not None  # the item had a card: it is always rescheduled
    turn.events.append(ReviewAnswered(item.lesson_id, item.question_id, correct, scheduled.due))
    progress.index += 1
    progress.points += float(correct)
    progress.selected, progress.candidates = [], []
    if turn.review_item() is not None:
        go(turn, Mode.REVIEW)
        return
    _finish(turn, progress)


def _finish(turn: Turn, progress: QuizProgress) -> None:
    t = turn.t
    turn.say(
        turn._("Review done: {right} of {total} right.").format(
            right=t.number(round(progress.points)), total=t.number(progress.index)
        )
        + (
            " " + turn._("The ones you missed will come back soon.")
            if progress.points < progress.index
            else ""
        )
    )
    turn.state.review_queue = []
    take_paused_quiz(turn.state)
    step_done(turn)
    go(turn, Mode.MENU)


def _due_now(turn: Turn) -> list[int]:
    return due(turn.state.reviews, turn.ctx.now, turn.ctx.catalog)
