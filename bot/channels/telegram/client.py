"""`ChannelBot`: python-telegram-bot's `ExtBot` plus the two calls made for every update, without
turning Telegram's answers into PTB objects the channel never reads.

`Bot.send_message` parses every answer into a `Message` (with its `User`, `Chat` and keyboard
objects) and `Bot.get_updates` parses every update, which the channel then has to turn back into
a dict to store it. On the per-update path that was a fifth of the channel's CPU time (see
docs/performance.md). Both calls here go through the same `Bot._post` as PTB's own methods (the
same parameters on the wire, the rate limiter, the request object, PTB's error types) and return
Telegram's JSON as it came.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import ExtBot


class ChannelBot(ExtBot[Any]):
    """An `ExtBot` with raw `sendMessage` and `getUpdates` (all else is PTB's)."""

    __slots__ = ()

    async def send_text(
        self, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """`sendMessage` as `send_message(chat_id, text, reply_markup=...)` sends it, without
        parsing the answer.

        Raises:
            telegram.error.TelegramError: as `send_message` does (RetryAfter, Forbidden, ...).
        """
        data: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if reply_markup is not None:
            data["reply_markup"] = _markup_json(reply_markup)
        await self._post("sendMessage", data)

    async def get_update_dicts(
        self,
        *,
        offset: int | None,
        poll_timeout: int,
        allowed_updates: Sequence[str],
    ) -> list[dict[str, Any]]:
        """`getUpdates` as `get_updates(offset=, timeout=, allowed_updates=)` asks for it (the
        long-poll `timeout`, here `poll_timeout`, added to the read timeout), answering
        Telegram's update dicts.

        Raises:
            telegram.error.TelegramError: as `get_updates` does.
        """
        read_timeout = (self._request[0].read_timeout or 0) + poll_timeout
        result = await self._post(
            "getUpdates",
            {"timeout": poll_timeout, "offset": offset, "allowed_updates": list(allowed_updates)},
            read_timeout=read_timeout,
        )
        return [item for item in result if isinstance(item, dict)] if result else []


# Keyboards serialised once: the runtime sends the same keyboard object (a remembered rendering)
# to many learners. Keyed by identity; each entry holds its keyboard, so an id is not reused
# while it is in here.
_MARKUPS = 4096
_markups: dict[int, tuple[InlineKeyboardMarkup, str]] = {}


def _markup_json(markup: InlineKeyboardMarkup) -> str:
    """The JSON PTB would send for `markup` (`json.dumps(markup.to_dict())`, as PTB's
    `RequestParameter` does; a string parameter goes on the wire as it is)."""
    known = _markups.get(id(markup))
    if known is not None and known[0] is markup:
        return known[1]
    serialised = json.dumps(markup.to_dict())
    if len(_markups) >= _MARKUPS:
        _markups.clear()
    _markups[id(markup)] = (markup, serialised)
    return serialised
