"""A learner on several apps, driven through the service: helpers for the linking and erasure
tests (tests/storage/test_links.py, tests/storage/test_erasure.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import insert, update

from bot.core import InboundMessage, InputKind
from bot.core.events import ModuleCompleted
from bot.core.state import LearnerState, Profile
from bot.service import ConversationService, Handled
from storage import Storage
from storage.progress import record_milestone
from storage.tables import certificate_t, fire_t, learner_t, outbox_t

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
PASS_A1 = ["/start", "1", "1", "1", "1", "1", "1", "sai", "1 2", "nut nguon"]  # 3 of 4
FAIL_A1 = ["/start", "1", "1", "1", "1", "1", "1", "1", "3", "xong", "sai roi"]  # 0 of 4
# Every table that holds something of one learner; after erasure none does.
PERSONAL = (
    "learner",
    "channel_identity",
    "lesson_progress",
    "quiz_answer",
    "certificate",
    "link_code",
    "scheduled_fire",
    "outbox_message",
)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def msg(channel: str, user: str, text: str) -> InboundMessage:
    return InboundMessage(channel, user, InputKind.TEXT, datetime.now(UTC), text=text)


async def say(svc: ConversationService, channel: str, user: str, *texts: str) -> Handled:
    handled = None
    for text in texts:
        handled = await svc.handle(msg(channel, user, text))
    assert handled is not None
    return handled


def said(handled: Handled) -> str:
    return "\n".join(reply.text for reply in handled.replies)


async def new_code(svc: ConversationService, storage: Storage, channel: str, user: str) -> str:
    handled = await say(svc, channel, user, "/lienket")
    codes = [row["code"] for row in await storage.rows("link_code") if row["used_at"] is None]
    [code] = [code for code in codes if code in said(handled)]
    return str(code)


async def learner_id(storage: Storage, channel: str, user: str) -> int:
    [row] = await storage.rows("channel_identity", channel=channel, external_id=user)
    return int(row["learner_id"])


async def set_profile(storage: Storage, learner: int, profile: Profile) -> None:
    raw = (await storage.rows("learner", id=learner))[0]["state"]
    state = LearnerState.from_json(raw).model_copy(update={"profile": profile})
    async with storage.unit_of_work(START) as uow:
        await uow.connection.execute(
            update(learner_t).where(learner_t.c.id == learner).values(state=state.to_json())
        )


async def add_rows(storage: Storage, learner: int, *, code: str, day: date) -> None:
    """What the certificate and reminder flows write, for the merge and erasure to handle."""
    async with storage.unit_of_work(START) as uow:
        conn = uow.connection
        await record_milestone(
            uow, learner, ModuleCompleted("A"), channel="x", content_version="v",
            profile=Profile(),
        )  # fmt: skip
        await conn.execute(
            insert(certificate_t).values(
                code=code, learner_id=learner, display_name="Nguyễn Thị Ánh", modules="[]",
                lessons=2, content_version="v", issued_at=START,
            )
        )  # fmt: skip
        await conn.execute(
            insert(fire_t).values(learner_id=learner, kind="reminder", day=day, created_at=START)
        )
        for kind in ("reminder", "normal"):
            await conn.execute(
                insert(outbox_t).values(
                    channel="telegram", recipient="t1", learner_id=learner, kind=kind,
                    payload=json.dumps({"replies": []}), not_before=START, created_at=START,
                )
            )  # fmt: skip
