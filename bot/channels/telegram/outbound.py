"""What the Telegram channel does for the outbox: the channel contract's proactive side.

Learners are written to in their private chat with the bot, whose id is their user id (the
identity's external id). Sends go through the same rate limiter as replies (30 messages/s for
the bot, 1/s per chat; a 429 pauses every request for `retry_after` and sends again), so a
broadcast to thousands never trips Telegram's limits for long.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.base import SendErrorKind, SendFailure
from bot.channels.telegram.adapter import CHANNEL
from bot.channels.telegram.ratelimit import retry_seconds
from bot.channels.telegram.render import Outgoing
from bot.core import Reply
from bot.errors import StorageError

if TYPE_CHECKING:
    from bot.channels.telegram.send import Sender
    from bot.service import ConversationService

# BadRequest descriptions that mean the chat is gone rather than the message is wrong.
_GONE = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")


class ProactiveSending:
    """The outbox side of `TelegramChannel` (a mixin on its `Sender`)."""

    push = True

    if TYPE_CHECKING:
        service: ConversationService
        sender: Sender

    async def proactive_block(self, recipient: str, now: datetime) -> str | None:
        """A learner who blocked the bot is skipped until they write again."""
        reach = await self.service.storage.identities.reach(CHANNEL, recipient)
        if reach is not None and not reach.reachable:
            return f"unreachable ({reach.unreachable_reason})"
        if not recipient.lstrip("-").isdigit():
            return "not a Telegram chat id"
        return None

    async def render(self, recipient: str, replies: tuple[Reply, ...]) -> list[Outgoing]:
        """The messages that show `replies` (split under 4,096 characters, inline keyboards)."""
        return [unit for reply in replies for unit in self.sender.render(reply)]

    async def send(self, recipient: str, payload: Outgoing) -> None:
        """Send one message to the learner's private chat.

        Raises:
            SendFailure: classified from Telegram's answer.
        """
        try:
            await self.sender.send(int(recipient), payload)
        except Forbidden as exc:
            raise SendFailure(SendErrorKind.UNREACHABLE, f"blocked: {exc.message}") from exc
        except RetryAfter as exc:
            raise SendFailure(
                SendErrorKind.RATE_LIMITED, str(exc), retry_after=retry_seconds(exc)
            ) from exc
        except BadRequest as exc:
            gone = any(words in exc.message.lower() for words in _GONE)
            kind = SendErrorKind.UNREACHABLE if gone else SendErrorKind.PERMANENT
            raise SendFailure(kind, exc.message) from exc
        except TelegramError as exc:  # NetworkError, TimedOut, a 5xx from Telegram...
            raise SendFailure(SendErrorKind.TRANSIENT, f"{exc.__class__.__name__}: {exc}") from exc
        except StorageError as exc:  # a certificate to send could not be read
            raise SendFailure(SendErrorKind.TRANSIENT, f"database: {exc}") from exc


__all__ = ["ProactiveSending"]
