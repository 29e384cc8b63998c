"""Learners in two communes of two provinces and different target groups, for the scoped
announcement tests (tests/outbox/test_scopes.py, tests/outbox/test_announce.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from bot.core import InboundMessage, InputKind
from bot.core.state import TargetGroup
from bot.service import ConversationService
from storage import Storage
from storage.tables import learner_t
from tests.dialog import fixture_catalog

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
BA_DINH, HOAN_KIEM, VUNG_TAU = "00004", "00070", "26506"  # Hà Nội (01), Hà Nội, TP.HCM (79)
# user: (province, commune, group, agreed, blocked)
WORLD: dict[str, tuple[str | None, str | None, TargetGroup | None, bool, bool]] = {
    "an": ("01", BA_DINH, TargetGroup.RESIDENTS, True, False),
    "binh": ("01", BA_DINH, TargetGroup.PUPILS, True, False),
    "chi": ("79", VUNG_TAU, TargetGroup.RESIDENTS, True, False),
    "hoa": ("01", HOAN_KIEM, TargetGroup.ENTERPRISE_WORKERS, True, False),
    "giang": (None, None, None, True, False),  # skipped the profile questions
    "dung": ("01", BA_DINH, TargetGroup.RESIDENTS, False, False),  # never agreed
    "em": ("01", BA_DINH, TargetGroup.RESIDENTS, True, True),  # blocked the bot
}


def inbound(user: str, text: str) -> InboundMessage:
    return InboundMessage(
        channel="telegram", user_ref=user, kind=InputKind.TEXT, text=text, received_at=NOW
    )


async def populate(storage: Storage) -> None:
    """`WORLD` on Telegram: each learner through the service, then their profile columns set
    as a turn's save copies them from the profile (storage/turns.py); the learner who never
    agreed gets them too, so only the missing consent keeps them out."""
    service = ConversationService(storage, fixture_catalog())
    for user, (province, commune, group, agreed, blocked) in WORLD.items():
        await service.handle(inbound(user, "/start"))
        if agreed:
            await service.handle(inbound(user, "dong y"))
        [identity] = await storage.rows("channel_identity", external_id=user)
        async with storage.unit_of_work(NOW) as uow:
            await uow.connection.execute(
                update(learner_t)
                .where(learner_t.c.id == identity["learner_id"])
                .values(
                    province_code=province,
                    commune_code=commune,
                    target_group=group.value if group else None,
                )
            )
        if blocked:
            await storage.identities.mark_unreachable("telegram", user, "blocked", NOW)


async def recipients(storage: Storage) -> list[str]:
    """Who has an outbox row, in order (a learner twice appears twice)."""
    return sorted(str(row["recipient"]) for row in await storage.rows("outbox_message"))
