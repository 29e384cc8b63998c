"""The `contest_results` job: every minute, each contest closed by now gets its standings
computed once and each player a message with their score, rank band and the standings by
commune and by unit, through the outbox (its limits apply; a contest closing in quiet hours
has its results sent from 07:00). Run twice or by two processes, a contest's results are
written once (`Storage.contests.close` claims the contest in the same transaction)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels.base import PeriodicJob
from bot.contests.standings import ranked, result_text
from bot.core.messages import Reply, ReplyKind
from bot.core.quiet_hours import next_allowed
from bot.i18n import Translator
from bot.outbox.payload import payload_of
from bot.places import Places
from storage import Storage

log = logging.getLogger(__name__)

RESULTS_JOB = "contest_results"
RESULTS_EVERY = 60.0  # seconds


class ContestResultsJob:
    """Writes each closed contest's results once (see the module's docstring)."""

    def __init__(
        self,
        storage: Storage,
        *,
        places: Places,
        tr: Translator,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
    ) -> None:
        self.storage, self.places, self.tr, self.zone, self.clock = (
            storage,
            places,
            tr,
            zone,
            clock,
        )

    def periodic(self) -> PeriodicJob:
        """The job for `Scheduler.add_jobs`."""
        return PeriodicJob(RESULTS_JOB, RESULTS_EVERY, self.run)

    async def run(self) -> int:
        """Close every contest due; returns how many result messages were queued."""
        now = self.clock()
        queued = 0
        for contest in await self.storage.contests.due(now):
            attempts = await self.storage.contests.attempts(contest.id)
            places = ranked(attempts)
            payloads = {
                player.attempt.learner_id: payload_of(
                    [
                        Reply(
                            result_text(contest, player, attempts, self.tr, self.places),
                            kind=ReplyKind.ANNOUNCEMENT,
                        )
                    ]
                )
                for player in places
                if player.attempt.learner_id is not None
            }
            written = await self.storage.contests.close(
                now,
                contest.id,
                ranks={player.attempt.id: player.rank for player in places},
                payloads=payloads,
                # A contest closing at night: the results wait for the morning (07:00).
                not_before=next_allowed(now, self.zone),
            )
            if written is not None:
                log.info(
                    "contest %s: results of %d players, %d messages queued",
                    contest.id,
                    len(places),
                    written,
                )
                queued += written
        return queued


__all__ = ["RESULTS_JOB", "ContestResultsJob"]
