"""Spaced review with FSRS: a wrongly answered quiz question comes back later.

Wrong is rated Again, right is rated Good. The schedule is a pure function of the card and
the turn's clock (`ctx.now`): fuzzing is off, so the same answers give the same due dates.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from fsrs import Card, Rating, Scheduler
from fsrs.card import CardDict

from bot.core.catalog import Catalog
from bot.core.state import ReviewCard
from quizzes.models import Question

# The rule: an item comes back within a month at the latest.
MAX_INTERVAL_DAYS = 30
# The state is JSON saved with every turn: keep it small. When full, the best-known item goes.
MAX_CARDS = 100
# At most this many items in one review round ("Ôn lại 3 câu?"): a minute, not a chore.
ROUND_SIZE = 5
# A wrong answer comes back at the next session rather than minutes later (FSRS's default
# steps are for flash-card apps); a right answer then moves the item on to days.
STEP = timedelta(hours=1)

SCHEDULER = Scheduler(
    learning_steps=(STEP,),
    relearning_steps=(STEP,),
    maximum_interval=MAX_INTERVAL_DAYS,
    enable_fuzzing=False,
)


def utc(now: datetime) -> datetime:
    """`now` in UTC, as FSRS wants it (a naive time is taken as UTC)."""
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def rate(
    reviews: list[ReviewCard], lesson_id: str, question_id: str, correct: bool, now: datetime
) -> ReviewCard | None:
    """Record one answer to a quiz question in `reviews` (changed in place).

    A wrong answer creates the question's card or reviews it with Again; a right answer
    reviews an existing card with Good (a question never missed gets no card). Returns the
    card as scheduled, or None when nothing changed.
    """
    index = find(reviews, lesson_id, question_id)
    if index is None and correct:
        return None
    when = utc(now)
    card = (
        Card(card_id=int(when.timestamp() * 1000), due=when)
        if index is None
        else Card.from_dict(cast(CardDict, reviews[index].card))
    )
    card, _log = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, when)
    scheduled = ReviewCard(
        lesson_id=lesson_id, question_id=question_id, due=card.due, card=dict(card.to_dict())
    )
    if index is not None:
        reviews[index] = scheduled
        return scheduled
    if len(reviews) >= MAX_CARDS:
        del reviews[_most_stable(reviews)]
    reviews.append(scheduled)
    return scheduled


def find(reviews: list[ReviewCard], lesson_id: str, question_id: str) -> int | None:
    """The index of this question's card, or None."""
    return next(
        (
            i
            for i, item in enumerate(reviews)
            if item.lesson_id == lesson_id and item.question_id == question_id
        ),
        None,
    )


def question_of(catalog: Catalog, item: ReviewCard) -> Question | None:
    """The quiz question a card asks again (None when the content no longer has it)."""
    quiz = catalog.quiz(item.lesson_id)
    if quiz is None:
        return None
    return next((q for q in quiz.questions if q.id == item.question_id), None)


def due(reviews: list[ReviewCard], now: datetime, catalog: Catalog) -> list[int]:
    """Indexes of the cards due at `now` whose question still exists, the oldest first."""
    when = utc(now)
    found = [
        i
        for i, item in enumerate(reviews)
        if item.due <= when and question_of(catalog, item) is not None
    ]
    return sorted(found, key=lambda i: reviews[i].due)


def _most_stable(reviews: list[ReviewCard]) -> int:
    """The card the learner knows best: the highest FSRS stability, then the latest due."""

    def stability(item: ReviewCard) -> float:
        value = item.card.get("stability")
        return float(value) if isinstance(value, int | float) else 0.0

    return max(range(len(reviews)), key=lambda i: (stability(reviews[i]), reviews[i].due))
