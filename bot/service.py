"""Runs one inbound message through storage and the core, in one transaction per message."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from weakref import WeakValueDictionary

from bot.content import Catalog
from bot.core import Choice, Context, InboundMessage, Reply, handle
from bot.errors import StorageError
from bot.i18n import translator
from storage import Duplicate, Storage
from storage.repository import dumps_replies

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Handled:
    """What came of one inbound message."""

    replies: tuple[Reply, ...]
    duplicate: bool = False
    learner_public_id: str | None = None


class ConversationService:
    """The one place where inbound messages meet storage and the core engine.

    Different learners are handled concurrently; one learner's messages strictly in order
    (an asyncio lock per identity here, a database lock across workers).
    """

    def __init__(
        self,
        storage: Storage,
        catalog: Catalog,
        *,
        default_locale: str = "vi",
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.storage = storage
        self.catalog = catalog
        self.default_locale = default_locale
        self.clock = clock
        self._module_of = {lesson.id: lesson.module for lesson in catalog.lessons}
        self._locks: WeakValueDictionary[tuple[str, str], asyncio.Lock] = WeakValueDictionary()

    def _lock(self, channel: str, user_ref: str) -> asyncio.Lock:
        key = (channel, user_ref)
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def handle(self, message: InboundMessage) -> Handled:
        """Process one message and return the replies to send.

        Raises:
            StorageError: the database is down; nothing was recorded and the caller should
                answer with `unavailable_replies()` (and the platform may retry).
        """
        async with self._lock(message.channel, message.user_ref):
            now = self.clock()
            async with self.storage.unit_of_work(now) as uow:
                if message.message_id:
                    seen = await uow.claim_message(message.channel, message.message_id)
                    if isinstance(seen, Duplicate):
                        return Handled(_replies_from_json(seen.response), duplicate=True)
                learner = await uow.learner_for(message.channel, message.user_ref)
                ctx = Context(self.catalog, now, default_locale=self.default_locale)
                outcome = handle(learner.state, message, ctx)
                await uow.apply(
                    learner,
                    outcome,
                    channel=message.channel,
                    content_version=self.catalog.version,
                    module_of=self._module_of,
                )
                if message.message_id:
                    payload = dumps_replies([reply.to_json() for reply in outcome.replies])
                    await uow.remember_response(message.channel, message.message_id, payload)
            return Handled(outcome.replies, learner_public_id=learner.public_id)

    def unavailable_replies(self, locale: str | None = None) -> tuple[Reply, ...]:
        """The friendly answer when the database is down: nothing was lost, try again soon."""
        t = translator(locale, self.default_locale)
        return (
            Reply(
                t.gettext(
                    "Sorry, I am having a technical problem right now. Nothing you did was lost: "
                    "please send your answer again in a few minutes."
                )
            ),
        )


def _replies_from_json(raw: str | None) -> tuple[Reply, ...]:
    if not raw:
        return ()
    try:
        items = json.loads(raw)
    except ValueError:
        return ()
    return tuple(
        Reply(
            text=item["text"],
            choices=tuple(Choice(c["id"], c["label"]) for c in item.get("choices", [])),
            image=item.get("image"),
        )
        for item in items
    )


__all__ = ["ConversationService", "Handled", "StorageError", "utc_now"]
