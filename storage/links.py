"""Link codes: `/lienket` on one app issues a code (`storage/progress.py` stores it from the
`LinkCodeIssued` event); typing it on another app redeems it here, in the turn's transaction.

A code works once (`used_at`), for the minutes the core gave it (`expires_at`), and never links a
learner to itself. Redeeming merges the learner who typed it into the code's owner
(`storage/merge.py`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bot.core.context import LinkStatus
from storage.db import as_utc
from storage.merge import merge_learners
from storage.repository import Storage, UnitOfWork
from storage.tables import link_t
from storage.turns import LearnerRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Redemption:
    """What came of a typed code; when linked, the merged learner the turn now belongs to."""

    status: LinkStatus
    learner: LearnerRecord | None = None
    consent_version: str | None = None
    consent_at: datetime | None = None


class Links:
    """Link codes between a learner's apps (`Storage.links`)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def redeem(
        self, uow: UnitOfWork, code: str, *, channel: str, learner_id: int
    ) -> Redemption:
        """Redeem `code`, typed on `channel` by learner `learner_id`, inside `uow`.

        SAME for the learner's own code (still usable on another app, if unused), UNKNOWN for
        no such code or one already used, EXPIRED past its time; LINKED after the merge, with
        the survivor.
        """
        conn, now = uow.connection, uow.now
        row = (await conn.execute(select(link_t).where(link_t.c.code == code))).first()
        if row is not None and row.learner_id == learner_id:
            # Also a used code typed again on the app it linked: already one learner.
            return Redemption(LinkStatus.SAME)
        if row is None or row.used_at is not None:
            return Redemption(LinkStatus.UNKNOWN)
        if as_utc(row.expires_at) <= now:
            return Redemption(LinkStatus.EXPIRED)
        # Claimed before merging: of two apps typing the same code at once, one links.
        claimed = await conn.execute(
            update(link_t)
            .where(link_t.c.id == row.id, link_t.c.used_at.is_(None))
            .values(used_at=now)
        )
        if claimed.rowcount != 1:
            return Redemption(LinkStatus.UNKNOWN)
        survivor = await merge_learners(uow, keep=row.learner_id, drop=learner_id)
        log.info("a %s identity was linked to another app's learner", channel)
        return Redemption(
            LinkStatus.LINKED, survivor.learner, survivor.consent_version, survivor.consent_at
        )


__all__ = ["Links", "Redemption"]
