"""What a `POST /chat/api/send` must be (docs/webchat-api.md), and the error when it is not.

Each refusal carries the HTTP status, an English `error` for the developer of the client and
the message the learner is shown (translated by the channel). The same rules are published as
the OpenAPI document (`openapi.py`), so the two cannot drift apart unnoticed: a schemathesis
test sends what the document allows and what it forbids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.channels.webchat.adapter import MAX_ID
from bot.i18n import N_

MAX_BODY_BYTES = 256 * 1024  # far above any sane answer; the core itself rejects > 2,000 chars
JSON_TYPE = "application/json"

UNREADABLE = N_("Sorry, I could not read that message. Please try again.")
TOO_LONG = N_("Your message is too long for me to read.")
SHAPE = 'send a JSON object: {"text": "..."} or {"choice": "<id>"}'


@dataclass(frozen=True)
class Refusal(Exception):
    """A request the API does not take.

    Attributes:
        status: the HTTP status (400, 405, 413 or 415).
        error: what the client's developer should fix, in English.
        message: the msgid of what the learner is shown.
        allow: the methods the path takes (405 only).
    """

    status: int
    error: str
    message: str = UNREADABLE
    allow: str | None = None


async def read_message(request: web.Request) -> dict[str, Any]:
    """The posted JSON object, checked field by field.

    Raises:
        Refusal: 415 not JSON by its content type, 413 over 256 KiB, 400 otherwise.
    """
    if request.content_type != JSON_TYPE:
        raise Refusal(415, f'send the body as JSON, with "Content-Type: {JSON_TYPE}"')
    charset = request.charset
    if charset is not None and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise Refusal(415, f"send the body in UTF-8, not {charset}")
    too_big = Refusal(413, f"the body is over {MAX_BODY_BYTES // 1024} KiB", TOO_LONG)
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise too_big
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge as exc:
        raise too_big from exc
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refusal(400, f"the body is not valid JSON in UTF-8; {SHAPE}") from exc
    if not isinstance(body, dict):
        raise Refusal(400, SHAPE)
    check_fields(body)
    return body


def check_fields(body: dict[str, Any]) -> None:
    """`text` or `choice` (not both), and a well-formed `id` if any.

    Raises:
        Refusal: 400 with the field at fault.
    """
    if "text" in body and "choice" in body:
        raise Refusal(400, 'send either "text" or "choice", not both')
    if "text" not in body and "choice" not in body:
        raise Refusal(400, f'the body has neither "text" nor "choice"; {SHAPE}')
    text, choice, message_id = body.get("text"), body.get("choice"), body.get("id")
    if "text" in body:
        if not isinstance(text, str):
            raise Refusal(400, '"text" must be a string')
        if not text:
            raise Refusal(400, '"text" must not be empty')
        _check_storable("text", text)
    if "choice" in body and not _is_id(choice):
        raise Refusal(
            400, f'"choice" must be the "id" of a choice from a reply (1-{MAX_ID} characters)'
        )
    if "id" in body and not _is_id(message_id):
        raise Refusal(400, f'"id" must be a string of 1-{MAX_ID} characters')
    if isinstance(message_id, str):
        _check_storable("id", message_id)


def _is_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID


def _check_storable(field: str, value: str) -> None:
    """Text the database can keep: PostgreSQL refuses NUL in text, and half a surrogate pair
    (legal in JSON's \\u escapes) is not Unicode at all."""
    if "\x00" in value:
        raise Refusal(400, f'"{field}" must not contain the NUL character (\\u0000)')
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Refusal(400, f'"{field}" is not valid Unicode (a lone surrogate)') from exc


__all__ = ["MAX_BODY_BYTES", "Refusal", "check_fields", "read_message"]
