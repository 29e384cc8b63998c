"""Updates for tests, built from the recorded Bot API JSON in tests/fixtures/telegram/.

Each builder loads one recorded update and changes only the ids and the text or button data, so
every test feeds the bot exactly the shape Telegram sends.
"""

from __future__ import annotations

import copy
import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telegram"
KINDS = (
    "message",
    "command",
    "callback_query",
    "edited_message",
    "sticker",
    "my_chat_member",
    "photo",
    "voice",
    "location",
    "group_message",
    "channel_post",
)
_ids = itertools.count(800_000_000)


def next_update_id() -> int:
    return next(_ids)


@cache
def _load(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text(encoding="utf-8")


def recorded(name: str) -> dict[str, Any]:
    """A fresh copy of one recorded update."""
    return json.loads(_load(name))


def _personal(name: str, user_id: int, update_id: int | None, language: str | None) -> dict:
    update = recorded(name)
    update["update_id"] = next_update_id() if update_id is None else update_id
    body = next(value for key, value in update.items() if key != "update_id")
    for holder in (body, body.get("message") or {}):
        for field in ("from", "chat"):
            if field in holder and holder[field].get("type", "private") == "private":
                if field == "from" and holder[field].get("is_bot"):
                    continue
                holder[field]["id"] = user_id
                if field == "from" and language is not None:
                    holder[field]["language_code"] = language
    return update


def text(
    user_id: int, value: str, *, update_id: int | None = None, language: str | None = "vi"
) -> dict[str, Any]:
    """A private text message (or a command, when `value` starts with "/")."""
    update = _personal(
        "command" if value.startswith("/") else "message", user_id, update_id, language
    )
    message = update["message"]
    message["text"] = value
    message["message_id"] = update["update_id"] % 1_000_000
    if value.startswith("/"):
        message["entities"] = [
            {"offset": 0, "length": len(value.split()[0]), "type": "bot_command"}
        ]
    else:
        message.pop("entities", None)
    return update


def tap(
    user_id: int,
    data: str,
    *,
    update_id: int | None = None,
    language: str | None = "vi",
    message_text: str = "…",
) -> dict[str, Any]:
    """A button tap (callback_query) with this callback_data."""
    update = _personal("callback_query", user_id, update_id, language)
    query = update["callback_query"]
    query["data"] = data
    query["id"] = str(update["update_id"] * 7)
    query["message"]["text"] = message_text
    query["message"]["reply_markup"] = {
        "inline_keyboard": [[{"text": "…", "callback_data": data}]]
    }
    return update


def of_kind(
    name: str, user_id: int, *, update_id: int | None = None, language: str | None = "vi"
) -> dict[str, Any]:
    """Any recorded kind (sticker, photo, edited_message...), addressed from `user_id`."""
    return copy.deepcopy(_personal(name, user_id, update_id, language))
