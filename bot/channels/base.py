"""The one channel contract: what every channel (web chat, Telegram, Zalo OA, Zalo Bot,
Messenger) is.

A channel receives platform messages and turns them into neutral `InboundMessage`s (its
`adapter.py`), renders neutral `Reply`s for the platform within its declared
`ChannelCapabilities` (its `render.py`) and sends them through the platform API (its
`client.py`). Everything the bot sends *first* (announcements, reminders, nudges) goes through
the outbox: the scheduler's drain job for the channel claims due rows and calls

    blocked = await channel.proactive_block(recipient, now)   # reachable? inside the window?
    payloads = await channel.render(recipient, replies)        # the capabilities decide the shape
    await channel.send(recipient, payload)                     # one platform call each

`send` reports failure with one shared shape, `SendFailure`, whatever the platform:

    rate limited   the platform asks us to wait (`retry_after` seconds): tried again then
    transient      network, timeout, platform hiccup: tried again with back-off
    unreachable    blocked, unfollowed, outside the window: skipped and marked until they write
    permanent      the platform refused this message for good: dead-lettered for the operator
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from aiohttp import web

from bot.core import ChannelCapabilities, Reply
from bot.errors import ChannelError

# How a skipped outbox row's reason begins when the platform's reply window was closed (Zalo OA's
# 7 days, Messenger's 24 hours): `hocvuso outbox status` counts these apart.
OUT_OF_WINDOW = "outside the reply window"


class SendErrorKind(StrEnum):
    """Why a send failed, in the words every channel shares."""

    RATE_LIMITED = "rate_limited"
    TRANSIENT = "transient"
    UNREACHABLE = "unreachable"
    PERMANENT = "permanent"


class SendFailure(ChannelError):
    """A send failed; `kind` says what to do about it.

    Attributes:
        kind: rate limited, transient, unreachable or permanent.
        reason: what the platform said (for logs and the outbox row's `last_error`).
        retry_after: seconds the platform asked us to wait, if it said.
    """

    def __init__(self, kind: SendErrorKind, reason: str, retry_after: float | None = None):
        super().__init__(f"{kind}: {reason}")
        self.kind, self.reason, self.retry_after = kind, reason, retry_after


@dataclass(frozen=True)
class PeriodicJob:
    """A job a channel asks the scheduler to run every `seconds` (first run after one period),
    in the one process that leads it (e.g. Zalo OA's token refresh)."""

    name: str
    seconds: float
    run: Callable[[], Awaitable[object]]


@runtime_checkable
class Channel(Protocol):
    """A running channel."""

    name: str
    capabilities: ChannelCapabilities
    # False for a channel the bot cannot write to first (the web chat): its outbox rows wait
    # for the learner to open the page.
    push: bool

    def add_routes(self, app: web.Application) -> None:
        """Register the channel's web routes (webhooks, pages), before the server starts."""

    async def start(self) -> None:
        """Begin receiving (set the webhook or start polling)."""

    async def stop(self) -> None:
        """Stop receiving, finish or park in-flight work, release connections."""

    async def proactive_block(self, recipient: str, now: datetime) -> str | None:
        """Why the bot may not write first to `recipient` now (blocked, outside the platform's
        window...), or None if it may."""

    async def render(self, recipient: str, replies: tuple[Reply, ...]) -> list[Any]:
        """The platform payloads that show `replies` to `recipient`, in sending order."""

    async def send(self, recipient: str, payload: Any) -> None:
        """Send one payload.

        Raises:
            SendFailure: what went wrong, classified.
        """


__all__ = ["OUT_OF_WINDOW", "Channel", "PeriodicJob", "SendErrorKind", "SendFailure"]
