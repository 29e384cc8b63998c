"""Two learners' states made one, when a link code joins them (pure; `storage/merge.py` uses it).

The code's owner (`keep`) wins where the two disagree about *where* the learner is (mode,
lesson on screen, quiz in progress, language, profile answers given); what either has
*achieved* is united: lessons read and passed, quiz attempts, review items, the streak.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from bot.core.model_copy import copy_model
from bot.core.state import LearnerState, Profile, ReviewCard, Streak

_Moment = TypeVar("_Moment", date, datetime)


def merged_state(keep: LearnerState, drop: LearnerState) -> LearnerState:
    """`keep`'s state with `drop`'s achievements added; nothing of `drop` counts twice."""
    state = copy_model(keep)
    state.consent = keep.consent or drop.consent
    state.locale = keep.locale or drop.locale
    # Buttons shown by either app before the link are older than anything shown after it.
    state.turn = max(keep.turn, drop.turn)
    state.read = _union(keep.read, drop.read)
    state.passed = _union(keep.passed, drop.passed)
    # Attempts are summed: `storage/merge.py` renumbers `drop`'s after `keep`'s, so attempt
    # numbers stay unique per lesson and the next attempt follows both.
    state.attempts = {
        lesson: keep.attempts.get(lesson, 0) + drop.attempts.get(lesson, 0)
        for lesson in {**keep.attempts, **drop.attempts}
    }
    state.invite, state.invite_via = (
        (keep.invite, keep.invite_via) if keep.invite else (drop.invite, drop.invite_via)
    )
    # As `storage/merge.py` moves the rows: the owner's role, else the other's.
    state.ambassador = keep.ambassador or drop.ambassador
    state.official = keep.official or drop.official
    state.last_passed_at = _latest(keep.last_passed_at, drop.last_passed_at)
    state.last_input_at = _latest(keep.last_input_at, drop.last_input_at)
    state.review_offered_on = _latest(keep.review_offered_on, drop.review_offered_on)
    state.profile = merged_profile(keep.profile, drop.profile)
    state.reviews = merged_reviews(keep.reviews, drop.reviews)
    state.streak = merged_streak(keep.streak, drop.streak)
    state.certificate = keep.certificate or drop.certificate
    state.vneid_reported = keep.vneid_reported or drop.vneid_reported
    state.selfcheck_asked = keep.selfcheck_asked or drop.selfcheck_asked
    return state


def merged_profile(keep: Profile, drop: Profile) -> Profile:
    """`keep`'s answers, its gaps filled from `drop`'s. The place (province, commune and the data
    version of their codes) moves as one, so a commune never lands in another province."""
    profile = copy_model(keep)
    same_province = keep.province is None or keep.province == drop.province
    if keep.commune is None and drop.commune is not None and same_province:
        profile.province, profile.commune = drop.province, drop.commune
        profile.admin_version = drop.admin_version
    elif keep.province is None and drop.province is not None:
        profile.province, profile.admin_version = drop.province, drop.admin_version
    profile.group = keep.group or drop.group
    profile.age_band = keep.age_band or drop.age_band
    profile.reminder = keep.reminder or drop.reminder
    profile.asked = keep.asked or drop.asked
    return profile


def merged_reviews(keep: list[ReviewCard], drop: list[ReviewCard]) -> list[ReviewCard]:
    """One card per question, the one due first. `keep`'s cards stay where they were, so the
    review round in progress (indexes into the list) still points at the same questions."""
    cards = [copy_model(card) for card in keep]
    where = {(card.lesson_id, card.question_id): index for index, card in enumerate(cards)}
    for card in drop:
        key = (card.lesson_id, card.question_id)
        if key not in where:
            where[key] = len(cards)
            cards.append(copy_model(card))
        elif card.due < cards[where[key]].due:
            cards[where[key]] = copy_model(card)
    return cards


def merged_streak(keep: Streak, drop: Streak) -> Streak:
    """The best of the two: the streak that went on last (the longer one on the same day), and
    the longest ever."""
    ordered = sorted((keep, drop), key=lambda s: (s.last_day or date.min, s.current))
    latest = ordered[-1]
    return Streak(current=latest.current, best=max(keep.best, drop.best), last_day=latest.last_day)


def _union(first: list[str], second: list[str]) -> list[str]:
    return first + [item for item in second if item not in first]


def _latest(first: _Moment | None, second: _Moment | None) -> _Moment | None:
    if first is None or second is None:
        return first if second is None else second
    return max(first, second)


__all__ = ["merged_profile", "merged_reviews", "merged_state", "merged_streak"]
