"""A controllable clock, learners enrolled through the real service, and their reminder
fields shaped as the core and storage write them (the state and its learner-row copy)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.content import Catalog
from bot.core import InboundMessage, InputKind, LearnerState, Reply
from bot.core.state import ReminderSlot
from bot.outbox import replies_of
from bot.reminders import ReminderJob
from bot.service import ConversationService
from storage import Storage
from storage.tables import learner_t

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 3, 10)
KEEP: Any = object()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time in Hanoi as the UTC instant the bot works with."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def days_before(days: int, day: date = TODAY) -> date:
    return day - timedelta(days=days)


class Clock:
    """The one clock of the service and the reminder job in a test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: date, hour: int, minute: int = 0) -> None:
        self.now = local(day, hour, minute)


@dataclass
class World:
    storage: Storage
    catalog: Catalog
    clock: Clock = field(default_factory=lambda: Clock(local(TODAY, 10)))

    @property
    def service(self) -> ConversationService:
        return ConversationService(self.storage, self.catalog, zone=ZONE, clock=self.clock)

    def job(self, storage: Storage | None = None, **options: Any) -> ReminderJob:
        return ReminderJob(
            storage or self.storage, self.catalog, zone=ZONE, clock=self.clock, **options
        )

    async def say(
        self, user: str, text: str, *, channel: str = "telegram", locale: str = "vi"
    ) -> None:
        message = InboundMessage(
            channel=channel,
            user_ref=user,
            kind=InputKind.TEXT,
            text=text,
            received_at=self.clock(),
            locale=locale,
        )
        await self.service.handle(message)

    async def learner(
        self, user: str, *, channel: str = "telegram", locale: str = "vi", agree: bool = True
    ) -> int:
        """A learner who wrote at the clock's time (and agreed); returns the learner id."""
        await self.say(user, "/start", channel=channel, locale=locale)
        if agree:
            await self.say(user, "Đồng ý" if locale == "vi" else "I agree", channel=channel)
        [identity] = await self.storage.rows("channel_identity", external_id=user)
        return int(identity["learner_id"])

    async def shape(
        self,
        learner_id: int,
        *,
        slot: ReminderSlot | None = KEEP,
        step_on: date | None = KEEP,
        seen: datetime = KEEP,
        passed: list[str] = KEEP,
        lesson_id: str | None = KEEP,
    ) -> None:
        """Set what the core and storage would have written: the state and its copy."""
        [row] = await self.storage.rows("learner", id=learner_id)
        state = LearnerState.from_json(row["state"])
        if slot is not KEEP:
            state.profile.reminder = slot
        if step_on is not KEEP:
            state.streak.last_day = step_on
        if passed is not KEEP:
            state.passed = passed
        if lesson_id is not KEEP:
            state.lesson_id = lesson_id
        values: dict[str, Any] = {
            "state": state.to_json(),
            "reminder_slot": state.profile.reminder.value if state.profile.reminder else None,
            "last_step_on": state.streak.last_day,
        }
        if seen is not KEEP:
            values["last_seen_at"] = seen
        async with self.storage.unit_of_work(self.clock()) as uow:
            await uow.connection.execute(
                update(learner_t).where(learner_t.c.id == learner_id).values(**values)
            )

    async def active_on(self, learner_id: int, day: date, *, step: bool = True) -> None:
        """The learner's last message (and completed step) was on `day` at 10:00."""
        await self.shape(learner_id, seen=local(day, 10), step_on=day if step else None)

    async def reminder_rows(self, learner_id: int | None = None) -> list[dict[str, Any]]:
        rows = await self.storage.rows("outbox_message", kind="reminder")
        return [r for r in rows if learner_id is None or r["learner_id"] == learner_id]

    async def run_at(self, day: date, hour: int, minute: int = 0) -> int:
        """One run of a fresh job at a local time; returns how many reminders it queued."""
        self.clock.set(day, hour, minute)
        return (await self.job().run()).queued


def reply_of(row: dict[str, Any]) -> Reply:
    [reply] = replies_of(json.loads(row["payload"]))
    return reply
