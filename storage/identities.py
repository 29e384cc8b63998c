"""Channel identities: who a learner is on one channel, and whether the bot may write first.

A platform that says the learner blocked the bot (or unfollowed, or the reply window closed)
makes the identity unreachable: proactive messages skip it until the learner writes again
(any inbound message clears the mark, in `storage/turns.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from storage.db import as_utc
from storage.repository import Storage
from storage.tables import identity_t

MAX_REASON = 64


@dataclass(frozen=True)
class Reach:
    """What decides whether a proactive message may go to one identity now."""

    unreachable_since: datetime | None
    unreachable_reason: str | None
    last_inbound_at: datetime | None

    @property
    def reachable(self) -> bool:
        """No platform has said the learner cannot be reached."""
        return self.unreachable_since is None


class Identities:
    """Channel identities (`Storage.identities`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def mark_unreachable(
        self, channel: str, external_id: str, reason: str, now: datetime
    ) -> None:
        """The platform says the learner blocked the bot or is outside the reply window.

        An identity already marked keeps its first time and reason (the channel's own words,
        usually more precise than a later, generic one).

        Raises:
            StorageError: nothing was recorded.
        """
        async with self._storage.unit_of_work(now) as uow:
            await uow.connection.execute(
                update(identity_t)
                .where(identity_t.c.channel == channel, identity_t.c.external_id == external_id)
                .values(
                    unreachable_since=func.coalesce(identity_t.c.unreachable_since, now),
                    unreachable_reason=func.coalesce(
                        identity_t.c.unreachable_reason, reason[:MAX_REASON]
                    ),
                )
            )

    async def reach(self, channel: str, external_id: str) -> Reach | None:
        """The identity's reachability, or None for an identity never seen.

        Raises:
            StorageError: the database could not be read.
        """
        query = select(
            identity_t.c.unreachable_since,
            identity_t.c.unreachable_reason,
            identity_t.c.last_inbound_at,
        ).where(identity_t.c.channel == channel, identity_t.c.external_id == external_id)
        async with self._storage.reading() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return Reach(
            as_utc(row.unreachable_since), row.unreachable_reason, as_utc(row.last_inbound_at)
        )

    async def is_reachable(self, channel: str, external_id: str) -> bool:
        """Whether proactive messages may go to this learner on this channel (an unknown
        identity counts as reachable: nothing said otherwise)."""
        reach = await self.reach(channel, external_id)
        return reach is None or reach.reachable


__all__ = ["Identities", "Reach"]
