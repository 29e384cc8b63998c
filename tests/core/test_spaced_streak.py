"""The pure rules under progress: FSRS review scheduling, the streak, module and course
completion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import load_catalog
from bot.core.events import CourseCompleted, ModuleCompleted
from bot.core.milestones import reached
from bot.core.spaced import MAX_CARDS, MAX_INTERVAL_DAYS, STEP, find, rate
from bot.core.state import LearnerState, ReviewCard, Streak
from bot.core.streak import StreakNews, count_step, local_day, running

CATALOG = load_catalog()
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


# -- spaced review -------------------------------------------------------------------------------

answers = st.lists(
    st.tuples(
        st.booleans(),  # right or wrong
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90)),  # time since last
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(answers)
def test_the_next_review_is_always_after_now_and_at_most_30_days_later(
    history: list[tuple[bool, timedelta]],
) -> None:
    reviews: list[ReviewCard] = []
    now = START
    for correct, wait in history:
        now += wait
        scheduled = rate(reviews, "A1", "q1", correct, now)
        if scheduled is None:  # a right answer to a question never missed: no card
            assert not reviews and correct
            continue
        assert now < scheduled.due <= now + timedelta(days=MAX_INTERVAL_DAYS)
        assert reviews == [scheduled]


def test_wrong_comes_back_at_the_next_session_right_moves_it_to_days() -> None:
    reviews: list[ReviewCard] = []
    assert rate(reviews, "A1", "q1", True, START) is None  # never missed: nothing to review
    missed = rate(reviews, "A1", "q1", False, START)
    assert missed is not None and missed.due == START + STEP
    later = START + timedelta(hours=5)
    right = rate(reviews, "A1", "q1", True, later)
    assert right is not None and right.due >= later + timedelta(days=1)
    again = rate(reviews, "A1", "q1", False, right.due)
    assert again is not None and again.due == right.due + STEP
    assert len(reviews) == 1


def test_the_schedule_depends_only_on_the_answers_and_the_clock() -> None:
    def run() -> list[datetime]:
        reviews: list[ReviewCard] = []
        dues = []
        now = START
        for correct in (False, True, True, False, True, True, True):
            item = rate(reviews, "B1", "q2", correct, now)
            assert item is not None
            dues.append(item.due)
            now = item.due
        return dues

    first = run()
    assert first == run()
    assert first[-1] - first[-2] > first[-2] - first[-3]  # right answers space it out


def test_cards_survive_the_json_state_round_trip() -> None:
    state = LearnerState()
    rate(state.reviews, "A1", "q1", False, START)
    stored = LearnerState.from_json(state.to_json())
    assert stored.reviews == state.reviews
    moved = rate(stored.reviews, "A1", "q1", True, START + timedelta(hours=2))
    assert moved is not None and moved.due > START + timedelta(days=1)


def test_the_state_keeps_at_most_max_cards_dropping_the_best_known() -> None:
    reviews: list[ReviewCard] = []
    for n in range(MAX_CARDS):
        rate(reviews, "A1", f"q{n}", False, START)
    # One item answered right three times is now the most stable.
    now = START
    for _ in range(3):
        now += timedelta(days=2)
        rate(reviews, "A1", "q7", True, now)
    rate(reviews, "A2", "new", False, now)
    assert len(reviews) == MAX_CARDS
    assert find(reviews, "A1", "q7") is None
    assert find(reviews, "A2", "new") is not None


# -- streak ---------------------------------------------------------------------------------------


def test_streak_counts_days_in_a_row_and_starts_afresh_after_a_gap() -> None:
    streak = Streak()
    day = date(2026, 3, 2)
    assert count_step(streak, day) is StreakNews.FIRST
    assert count_step(streak, day) is StreakNews.SAME_DAY
    assert count_step(streak, day + timedelta(days=1)) is StreakNews.CONTINUED
    assert count_step(streak, day + timedelta(days=2)) is StreakNews.CONTINUED
    assert (streak.current, streak.best) == (3, 3)
    assert running(streak, day + timedelta(days=3)) == 3  # yesterday's run still counts today
    assert running(streak, day + timedelta(days=4)) == 0
    assert count_step(streak, day + timedelta(days=5)) is StreakNews.FRESH_START
    assert (streak.current, streak.best, streak.last_day) == (1, 3, day + timedelta(days=5))
    assert count_step(streak, day) is StreakNews.SAME_DAY  # a clock going back changes nothing


def test_days_are_the_learners_local_days() -> None:
    before_midnight = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)  # 23:30 in Hà Nội
    after_midnight = before_midnight + timedelta(hours=1)  # 00:30, still 2 March in UTC
    assert local_day(before_midnight, HANOI) == date(2026, 3, 2)
    assert local_day(after_midnight, HANOI) == date(2026, 3, 3)
    streak = Streak()
    count_step(streak, local_day(before_midnight, HANOI))
    assert count_step(streak, local_day(after_midnight, HANOI)) is StreakNews.CONTINUED


# -- completion -----------------------------------------------------------------------------------


def test_the_last_lesson_of_a_module_completes_it_and_the_last_of_all_the_course() -> None:
    module_a = [lesson.id for lesson in CATALOG.lessons if lesson.module == "A"]
    assert len(module_a) > 1
    assert reached(CATALOG, module_a[:-1], module_a[-2]) == []
    assert reached(CATALOG, module_a, module_a[-1]) == [ModuleCompleted("A")]
    # A module finished out of order: any lesson can be the last one passed.
    assert reached(CATALOG, module_a, module_a[0]) == [ModuleCompleted("A")]
    every = [lesson.id for lesson in CATALOG.required_lessons]
    last = CATALOG.required_lessons[-1]
    assert reached(CATALOG, every, last.id) == [ModuleCompleted(last.module), CourseCompleted()]
    assert reached(CATALOG, every, "Z9") == []
