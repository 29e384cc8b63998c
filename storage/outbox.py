"""The outbox: every message the bot sends first (announcements, reminders, nudges) and the
replies that could not go out at once, drained per channel by the scheduler's jobs.

A row's life: `pending` (due at `not_before`) -> `sending` (claimed by one drainer until
`claimed_until`) -> `sent`, `skipped` (the learner cannot be reached: blocked, outside the
platform's window; or the message's time ran out, `EXPIRES_AT`) or `dead` (the last try failed;
`retry_dead` brings it back). A claim is committed before the platform is called, so no row is
sent twice by two drainers; a drainer that dies mid-send leaves its claims to expire, and the
next drainer sends them (a send cut mid-flight may repeat once). Unique `dedupe_key`s make
enqueueing the same message twice harmless.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update

from bot.core.state import TargetGroup
from storage.db import as_utc, insert_ignore
from storage.outbox_rows import OutboxRows
from storage.repository import Storage, UnitOfWork
from storage.tables import identity_t, learner_t, outbox_t

MAX_ERROR = 2000
MAX_DEDUPE_KEY = 160
STATUSES = ("pending", "sending", "sent", "skipped", "dead")
# The payload key of the time (ISO 8601, UTC) after which a message is no longer worth sending
# (a reminder after quiet hours begin): such a row is skipped, never sent late.
EXPIRES_AT = "expires_at"


@dataclass(frozen=True)
class OutboxItem:
    """A message waiting to be sent."""

    id: int
    channel: str
    recipient: str
    learner_id: int | None
    payload: dict[str, Any]
    kind: str
    attempts: int

    @property
    def expires_at(self) -> datetime | None:
        """When the message stops being worth sending (None: never). An unreadable time
        counts as none: the message is sent rather than lost."""
        raw = self.payload.get(EXPIRES_AT)
        if not isinstance(raw, str):
            return None
        try:
            return as_utc(datetime.fromisoformat(raw))
        except ValueError:
            return None

    def expired(self, now: datetime) -> bool:
        """Whether it is too late to send the message."""
        expires = self.expires_at
        return expires is not None and now >= expires


def _item(row: Any) -> OutboxItem:
    return OutboxItem(
        row["id"],
        row["channel"],
        row["recipient"],
        row["learner_id"],
        json.loads(row["payload"]),
        row["kind"],
        row["attempts"],
    )


def outbox_row(
    *,
    channel: str,
    recipient: str,
    payload: dict[str, Any],
    now: datetime,
    learner_id: int | None,
    kind: str,
    dedupe_key: str | None,
    not_before: datetime | None,
) -> dict[str, Any]:
    """One new outbox row's values (for `storage/` modules that queue messages in bulk)."""
    return {
        "channel": channel,
        "recipient": recipient,
        "learner_id": learner_id,
        "payload": json.dumps(payload, ensure_ascii=False),
        "kind": kind,
        "dedupe_key": dedupe_key[:MAX_DEDUPE_KEY] if dedupe_key else None,
        "status": "pending",
        "attempts": 0,
        "not_before": not_before or now,
        "created_at": now,
    }


def reachable_identities(*conditions: ColumnElement[bool]) -> Select[tuple[int, str, str]]:
    """(learner_id, channel, external_id): for each consenting learner, the identity to write
    to first: the one they wrote on last, among those no platform marked unreachable and that
    match `conditions` (on `identity_t` or `learner_t`). Learners with none are absent."""
    ranked = (
        select(
            identity_t.c.learner_id,
            identity_t.c.channel,
            identity_t.c.external_id,
            func.row_number()
            .over(
                partition_by=identity_t.c.learner_id,
                order_by=(
                    identity_t.c.last_inbound_at.desc().nulls_last(),
                    identity_t.c.id.desc(),
                ),
            )
            .label("rank"),
        )
        .join(learner_t, learner_t.c.id == identity_t.c.learner_id)
        .where(
            learner_t.c.consent_version.is_not(None),
            identity_t.c.unreachable_since.is_(None),
            *conditions,
        )
        .subquery()
    )
    return select(ranked.c.learner_id, ranked.c.channel, ranked.c.external_id).where(
        ranked.c.rank == 1
    )


def audience(
    *,
    channel: str | None = None,
    exclude_channels: Sequence[str] = (),
    province: str | None = None,
    commune: str | None = None,
    group: TargetGroup | None = None,
) -> list[ColumnElement[bool]]:
    """The `reachable_identities` conditions of a broadcast's filters. A learner who did not
    say their place or group is outside every area or group: an official's message is only
    for the people of their area."""
    conditions: list[ColumnElement[bool]] = []
    if channel is not None:
        conditions.append(identity_t.c.channel == channel)
    if exclude_channels:
        conditions.append(identity_t.c.channel.not_in(list(exclude_channels)))
    if province is not None:
        conditions.append(learner_t.c.province_code == province)
    if commune is not None:
        conditions.append(learner_t.c.commune_code == commune)
    if group is not None:
        conditions.append(learner_t.c.target_group == group.value)
    return conditions


class Outbox(OutboxRows):
    """Messages to send (`Storage.outbox`); the operator's reads are in `OutboxRows`."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    # -- enqueueing ------------------------------------------------------------------------------

    async def enqueue(
        self,
        uow: UnitOfWork,
        *,
        channel: str,
        recipient: str,
        payload: dict[str, Any],
        learner_id: int | None = None,
        kind: str = "normal",
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> int | None:
        """Add a message in the caller's transaction (the one that decided to send it).

        Returns its row id, or None if `dedupe_key` was used before.
        """
        row = outbox_row(
            channel=channel,
            recipient=recipient,
            payload=payload,
            now=uow.now,
            learner_id=learner_id,
            kind=kind,
            dedupe_key=dedupe_key,
            not_before=not_before,
        )
        result = await uow.connection.execute(
            insert_ignore(uow.dialect, outbox_t).values(**row).returning(outbox_t.c.id)
        )
        return result.scalar()

    async def add(
        self,
        now: datetime,
        *,
        channel: str,
        recipient: str,
        payload: dict[str, Any],
        learner_id: int | None = None,
        kind: str = "normal",
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> int | None:
        """`enqueue` in a transaction of its own."""
        async with self._storage.unit_of_work(now) as uow:
            return await self.enqueue(
                uow,
                channel=channel,
                recipient=recipient,
                payload=payload,
                learner_id=learner_id,
                kind=kind,
                dedupe_key=dedupe_key,
                not_before=not_before,
            )

    async def broadcast(
        self,
        now: datetime,
        *,
        payload: dict[str, Any],
        key: str,
        kind: str = "announcement",
        channel: str | None = None,
        exclude_channels: Sequence[str] = (),
        province: str | None = None,
        commune: str | None = None,
        group: TargetGroup | None = None,
    ) -> int:
        """One message to every learner who has consented and can be reached: one row per
        learner, on the channel they were last seen on (optionally only `channel`), and only
        those whose profile names `province`, `commune` and `group` when given.

        `key` names the broadcast: queueing it again adds nobody twice. Returns the number of
        rows queued.

        Raises:
            StorageError: nothing was queued.
        """
        conditions = audience(
            channel=channel,
            exclude_channels=exclude_channels,
            province=province,
            commune=commune,
            group=group,
        )
        chosen = reachable_identities(*conditions).subquery()
        query = select(chosen.c.learner_id, chosen.c.channel, chosen.c.external_id)
        async with self._storage.unit_of_work(now) as uow:
            recipients = (await uow.connection.execute(query.order_by(chosen.c.learner_id))).all()
            if not recipients:
                return 0
            rows = [
                outbox_row(
                    channel=r.channel,
                    recipient=r.external_id,
                    payload=payload,
                    now=now,
                    learner_id=r.learner_id,
                    kind=kind,
                    dedupe_key=f"{key}:{r.learner_id}",
                    not_before=None,
                )
                for r in recipients
            ]
            result = await uow.connection.execute(
                insert_ignore(uow.dialect, outbox_t).returning(outbox_t.c.id), rows
            )
            return len(result.all())

    async def reach(
        self,
        *,
        channel: str | None = None,
        province: str | None = None,
        commune: str | None = None,
        group: TargetGroup | None = None,
    ) -> int:
        """How many learners a `broadcast` with these filters would write to now (read only:
        the operator's dry run).

        Raises:
            StorageError: the database could not be read.
        """
        conditions = audience(channel=channel, province=province, commune=commune, group=group)
        chosen = reachable_identities(*conditions).subquery()
        async with self._storage.reading() as conn:
            return int((await conn.execute(select(func.count()).select_from(chosen))).scalar_one())

    # -- draining --------------------------------------------------------------------------------

    async def claim(
        self, channel: str, now: datetime, *, limit: int = 100, lease: timedelta
    ) -> list[OutboxItem]:
        """Take up to `limit` due rows of `channel` for sending until `now + lease`, oldest
        first: pending rows whose time has come and claims whose lease ran out.

        The claim is committed on return, so no other drainer takes the same rows.
        """
        due = or_(
            and_(outbox_t.c.status == "pending", outbox_t.c.not_before <= now),
            and_(outbox_t.c.status == "sending", outbox_t.c.claimed_until < now),
        )
        query = (
            select(outbox_t)
            .where(outbox_t.c.channel == channel, due)
            .order_by(outbox_t.c.id)
            .limit(limit)
        )
        async with self._storage.unit_of_work(now) as uow:
            if uow.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = (await uow.connection.execute(query)).mappings().all()
            if rows:
                await uow.connection.execute(
                    update(outbox_t)
                    .where(outbox_t.c.id.in_([r["id"] for r in rows]))
                    .values(status="sending", claimed_until=now + lease)
                )
        return [_item(r) for r in rows]

    async def due(self, channel: str, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Pending rows whose time has come, oldest first (read only)."""
        query = (
            select(outbox_t)
            .where(
                outbox_t.c.channel == channel,
                outbox_t.c.status == "pending",
                outbox_t.c.not_before <= now,
            )
            .order_by(outbox_t.c.id)
            .limit(limit)
        )
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_item(r) for r in rows]

    async def take(self, channel: str, recipient: str, now: datetime) -> list[OutboxItem]:
        """The due rows for one recipient, marked sent in the same transaction: for a channel
        without push (the web chat), whose page shows them when it opens. Rows whose time ran
        out (`EXPIRES_AT`) are marked skipped instead, and not returned."""
        query = (
            select(outbox_t)
            .where(
                outbox_t.c.channel == channel,
                outbox_t.c.recipient == recipient,
                outbox_t.c.status.in_(("pending", "sending")),
                outbox_t.c.not_before <= now,
            )
            .order_by(outbox_t.c.id)
        )
        async with self._storage.unit_of_work(now) as uow:
            items = [_item(r) for r in (await uow.connection.execute(query)).mappings()]
            live = [item for item in items if not item.expired(now)]
            stale = [item.id for item in items if item.expired(now)]
            if live:
                await uow.connection.execute(
                    update(outbox_t)
                    .where(outbox_t.c.id.in_([item.id for item in live]))
                    .values(status="sent", sent_at=now, claimed_until=None)
                )
            if stale:
                await uow.connection.execute(
                    update(outbox_t)
                    .where(outbox_t.c.id.in_(stale))
                    .values(status="skipped", claimed_until=None, last_error="expired unseen")
                )
        return live

    async def mark_sent(self, item_id: int, now: datetime) -> None:
        """The platform accepted the message."""
        await self._set(item_id, now, status="sent", sent_at=now, claimed_until=None)

    async def retry_later(self, item_id: int, now: datetime, delay: timedelta, error: str) -> None:
        """A transient failure: pending again, due after `delay`."""
        await self._set(
            item_id,
            now,
            status="pending",
            attempts=outbox_t.c.attempts + 1,
            not_before=now + delay,
            claimed_until=None,
            last_error=error[:MAX_ERROR],
        )

    async def postpone(self, item_id: int, now: datetime, delay: timedelta, reason: str) -> None:
        """Not tried (the platform asked the whole channel to wait): pending again after
        `delay`, without counting an attempt."""
        await self._set(
            item_id,
            now,
            status="pending",
            not_before=now + delay,
            claimed_until=None,
            last_error=reason[:MAX_ERROR],
        )

    async def mark_dead(self, item_id: int, now: datetime, error: str) -> None:
        """The last try failed, or the platform refused it for good: kept for the operator
        (`retry_dead`), never tried again by itself."""
        await self._set(
            item_id,
            now,
            status="dead",
            attempts=outbox_t.c.attempts + 1,
            claimed_until=None,
            last_error=error[:MAX_ERROR],
        )

    async def mark_skipped(self, item_id: int, now: datetime, reason: str) -> None:
        """Not sent: the learner cannot be reached on this channel now."""
        await self._set(
            item_id, now, status="skipped", claimed_until=None, last_error=reason[:MAX_ERROR]
        )

    async def _set(self, item_id: int, now: datetime, **values: Any) -> None:
        async with self._storage.unit_of_work(now) as uow:
            await uow.connection.execute(
                update(outbox_t).where(outbox_t.c.id == item_id).values(**values)
            )

    # -- the operator's view ---------------------------------------------------------------------

    async def counts(self) -> dict[str, dict[str, int]]:
        """Rows per channel and status: {"telegram": {"pending": 3, "sent": 10, ...}}."""
        query = select(outbox_t.c.channel, outbox_t.c.status, func.count()).group_by(
            outbox_t.c.channel, outbox_t.c.status
        )
        async with self._storage.reading() as conn:
            rows = (await conn.execute(query)).all()
        counts: dict[str, dict[str, int]] = {}
        for channel, status, count in rows:
            counts.setdefault(channel, dict.fromkeys(STATUSES, 0))[status] = count
        return counts

    async def skipped_because(self, reason_prefix: str) -> dict[str, int]:
        """Skipped rows per channel whose reason begins with `reason_prefix` (e.g. the ones a
        platform's reply window kept back)."""
        pattern = reason_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (
            select(outbox_t.c.channel, func.count())
            .where(
                outbox_t.c.status == "skipped",
                outbox_t.c.last_error.like(pattern + "%", escape="\\"),
            )
            .group_by(outbox_t.c.channel)
        )
        async with self._storage.reading() as conn:
            return {channel: count for channel, count in (await conn.execute(query)).all()}

    async def retry_dead(self, now: datetime, channel: str | None = None) -> int:
        """Queue the dead rows again (all, or one channel's): pending, attempts from zero.
        Returns how many."""
        condition = outbox_t.c.status == "dead"
        if channel is not None:
            condition = and_(condition, outbox_t.c.channel == channel)
        async with self._storage.unit_of_work(now) as uow:
            result = await uow.connection.execute(
                update(outbox_t)
                .where(condition)
                .values(status="pending", attempts=0, not_before=now, claimed_until=None)
            )
        return int(result.rowcount)


__all__ = [
    "EXPIRES_AT",
    "STATUSES",
    "Outbox",
    "OutboxItem",
    "audience",
    "outbox_row",
    "reachable_identities",
]
