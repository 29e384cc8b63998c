"""The reminder policy, alone: slots, quiet hours, done today, back-off, the hour after a
message; exhaustive tables and properties over any day and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.state import ReminderSlot
from bot.reminders.policy import (
    QUIET_AFTER_MESSAGE,
    REMIND_ON_DAYS,
    SLOT_TIMES,
    Decision,
    Skip,
    days_since,
    decide,
    due_slots,
    in_quiet_hours,
    remind_dates,
    slot_of,
)

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 3, 10)
SLOTS = list(ReminderSlot)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def ago(days: int, hour: int = 10) -> datetime:
    return at(TODAY - timedelta(days=days), hour)


def test_slot_values() -> None:
    assert slot_of(None) is ReminderSlot.EVENING  # not chosen yet: evening
    assert slot_of("morning") is ReminderSlot.MORNING
    assert slot_of("noon") is ReminderSlot.NOON
    assert slot_of("evening") is ReminderSlot.EVENING
    assert slot_of("off") is ReminderSlot.OFF
    assert slot_of("midnight") is ReminderSlot.OFF  # never remind on a guess


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (time(0, 0), True),
        (time(6, 59), True),
        (time(7, 0), False),
        (time(12, 0), False),
        (time(20, 59), False),
        (time(21, 0), True),
        (time(23, 59), True),
    ],
)
def test_quiet_hours_are_21_to_7(moment: time, quiet: bool) -> None:
    assert in_quiet_hours(moment) is quiet


@pytest.mark.parametrize(
    ("moment", "slots"),
    [
        (time(6, 59), set()),
        (time(7, 30), set()),
        (time(7, 59), set()),
        (time(8, 0), {"morning"}),
        (time(11, 59), {"morning"}),
        (time(12, 0), {"morning", "noon"}),
        (time(18, 59), {"morning", "noon"}),
        (time(19, 0), {"morning", "noon", "evening"}),
        (time(20, 59), {"morning", "noon", "evening"}),
        (time(21, 0), set()),
        (time(23, 0), set()),
    ],
)
def test_due_slots(moment: time, slots: set[str]) -> None:
    assert {slot.value for slot in due_slots(moment)} == slots


@pytest.mark.parametrize(
    ("slot", "hour", "minute", "skip"),
    [
        (ReminderSlot.MORNING, 7, 59, Skip.BEFORE_SLOT),
        (ReminderSlot.MORNING, 8, 0, None),
        (ReminderSlot.NOON, 11, 59, Skip.BEFORE_SLOT),
        (ReminderSlot.NOON, 12, 0, None),
        (ReminderSlot.EVENING, 18, 59, Skip.BEFORE_SLOT),
        (ReminderSlot.EVENING, 19, 0, None),
        (ReminderSlot.EVENING, 20, 59, None),  # a late run still catches up
        (ReminderSlot.EVENING, 21, 0, Skip.QUIET_HOURS),
        (ReminderSlot.EVENING, 21, 30, Skip.QUIET_HOURS),
        (ReminderSlot.MORNING, 6, 59, Skip.QUIET_HOURS),
        (ReminderSlot.MORNING, 23, 0, Skip.QUIET_HOURS),
        (ReminderSlot.OFF, 19, 0, Skip.OFF),
        (ReminderSlot.OFF, 8, 0, Skip.OFF),
    ],
)
def test_a_reminder_is_due_from_its_slot_until_quiet_hours(
    slot: ReminderSlot, hour: int, minute: int, skip: Skip | None
) -> None:
    decision = decide(slot, ago(1).date(), ago(1), at(TODAY, hour, minute))
    assert decision.skip is skip
    assert decision.due is (skip is None)


def test_a_step_done_today_means_no_reminder() -> None:
    decision = decide(ReminderSlot.EVENING, TODAY, at(TODAY, 9), at(TODAY, 19))
    assert decision.skip is Skip.DONE_TODAY


@pytest.mark.parametrize("days", range(12))
def test_back_off_after_the_last_step(days: int) -> None:
    """A step on day X, nothing since: reminded on X+1, X+2, X+4 and X+7, then never."""
    last = ago(days)
    decision = decide(ReminderSlot.EVENING, last.date(), last, at(TODAY, 19, 30))
    assert decision.days == days
    expected = {0: Skip.DONE_TODAY, 1: None, 2: None, 4: None, 7: None}
    assert decision.skip is expected.get(days, Skip.BACKED_OFF)


@pytest.mark.parametrize("days", range(12))
def test_back_off_after_the_last_message_without_a_step(days: int) -> None:
    last = ago(days)
    decision = decide(ReminderSlot.EVENING, None, last, at(TODAY, 19, 30))
    assert decision.due is (days in {0, 1, 2, 4, 7})


def test_the_later_of_step_and_message_counts() -> None:
    # A step 5 days ago, a message 2 days ago: day 2, reminded.
    assert decide(ReminderSlot.EVENING, ago(5).date(), ago(2), at(TODAY, 19)).days == 2
    # A step 2 days ago, the last message (by a clock difference) recorded earlier: day 2.
    assert days_since(TODAY, ago(2).date(), ago(6).date()) == 2
    assert days_since(TODAY, None, ago(3).date()) == 3
    assert days_since(TODAY, None, TODAY + timedelta(days=1)) == 0  # never negative


def test_day_zero_waits_an_hour_after_the_last_message() -> None:
    """Wrote today, completed nothing: one reminder, but not in the middle of a chat."""
    wrote = at(TODAY, 18, 40)
    assert decide(ReminderSlot.EVENING, None, wrote, at(TODAY, 19)).skip is Skip.JUST_WROTE
    assert decide(ReminderSlot.EVENING, None, wrote, at(TODAY, 19, 39)).skip is Skip.JUST_WROTE
    assert decide(ReminderSlot.EVENING, None, wrote, at(TODAY, 19, 40)).due
    # A message late yesterday is day 1, and more than an hour ago anyway by 19:00.
    assert decide(ReminderSlot.EVENING, None, ago(1, 23), at(TODAY, 19)).due


def test_remind_dates_are_the_days_that_may_be_due() -> None:
    assert remind_dates(TODAY) == tuple(TODAY - timedelta(days=d) for d in (0, 1, 2, 4, 7))


# -- properties -----------------------------------------------------------------------------

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
times = st.times()


@dataclass(frozen=True)
class Situation:
    """A learner's slot, last step and last message, and the moment the job runs."""

    slot: ReminderSlot
    step: date | None
    seen: datetime
    now: datetime

    def decide(self, now: datetime | None = None) -> Decision:
        return decide(self.slot, self.step, self.seen, now or self.now)


@st.composite
def situations(draw: st.DrawFn) -> Situation:
    today, moment = draw(days), draw(times)
    seen_days_ago = draw(st.integers(min_value=-2, max_value=20))  # -2: a clock difference
    step_days_ago = draw(st.one_of(st.none(), st.integers(min_value=-1, max_value=20)))
    return Situation(
        slot=draw(st.sampled_from(SLOTS)),
        step=None if step_days_ago is None else today - timedelta(days=step_days_ago),
        seen=datetime.combine(today - timedelta(days=seen_days_ago), draw(times), tzinfo=ZONE),
        now=datetime.combine(today, moment, tzinfo=ZONE),
    )


@given(situations())
def test_never_due_in_quiet_hours_before_the_slot_when_off_or_done(case: Situation) -> None:
    decision, now, today = case.decide(), case.now, case.now.date()
    if decision.due:
        assert not in_quiet_hours(now.time())
        assert case.slot is not ReminderSlot.OFF
        assert now.time() >= SLOT_TIMES[case.slot]
        assert case.slot in due_slots(now.time())
        assert case.step is None or case.step < today
        assert decision.days in REMIND_ON_DAYS
        assert now - case.seen >= QUIET_AFTER_MESSAGE
        # The database's coarse filter keeps every learner the policy would remind.
        assert case.seen.date() in remind_dates(today) or case.step in remind_dates(today)


@given(situations(), st.integers(0, 24 * 60))
def test_once_due_it_stays_due_until_quiet_hours(case: Situation, minutes_later: int) -> None:
    """A run that misses a minute (or the job was down) still sends later the same day."""
    later = case.now + timedelta(minutes=minutes_later)
    if case.decide().due and later.date() == case.now.date():
        assert case.decide(later).due is not in_quiet_hours(later.time())


@given(days, times, st.integers(min_value=8, max_value=400), times)
def test_long_silence_stops_reminders_until_the_learner_writes(
    today: date, moment: time, silence: int, seen_time: time
) -> None:
    now = datetime.combine(today, moment, tzinfo=ZONE)
    seen = datetime.combine(today - timedelta(days=silence), seen_time, tzinfo=ZONE)
    for slot in SLOTS:
        assert not decide(slot, seen.date(), seen, now).due
    # Writing again (an hour or more before the slot) starts over: due at the evening slot.
    wrote = datetime.combine(today, time(7, 30), tzinfo=ZONE)
    assert decide(ReminderSlot.EVENING, seen.date(), wrote, at(today, 19)).due
