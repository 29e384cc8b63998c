"""The push's settings as one value (`Settings.report_push`), and the parsing of the few that
are not plain strings: the schedule's time of day and the fixed key headers.

Pure: `bot/settings.py` validates with these functions, so a bad value stops start-up with the
variable's name (`docs/reporting-api.md` lists them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum

# RFC 9110 token characters: anything else cannot be a header name.
HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
# Headers the push sets itself: a fixed header of the same name would corrupt the request.
RESERVED_HEADERS = frozenset(
    {"content-type", "content-length", "host", "idempotency-key", "x-hocvuso-signature"}
)
SCHEDULE = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
MIN_SECRET = 16  # an HMAC key shorter than this is guessable; `openssl rand -hex 32` gives 64


class ReportAuth(StrEnum):
    """How the receiver knows the push is ours (`HOCVUSO_REPORT_AUTH`)."""

    HMAC = "hmac"
    OAUTH2 = "oauth2"
    HEADERS = "headers"


@dataclass(frozen=True)
class PushConfig:
    """Where and how snapshots are pushed; the secrets are left out of `repr` (logs)."""

    url: str
    auth: ReportAuth
    at: time = time(18, 0)
    timeout: float = 30.0
    secret: str | None = field(default=None, repr=False)
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)


def parse_schedule(text: str) -> time:
    """`HH:MM` (24-hour, local time) as a time of day.

    Raises:
        ValueError: not a time of day.
    """
    found = SCHEDULE.match(text.strip())
    if found is None:
        raise ValueError(f"must be a time of day as HH:MM (24-hour), e.g. 18:00, got {text!r}")
    return time(int(found.group(1)), int(found.group(2)))


def parse_headers(text: str) -> tuple[tuple[str, str], ...]:
    """Fixed headers from `Name=value;Name=value` or a JSON object `{"Name": "value"}`.

    Values are secrets: no error message repeats one.

    Raises:
        ValueError: a malformed pair, a bad name, a header the push sets itself, a line break
            in a value, or no header at all.
    """
    text = text.strip()
    pairs: list[tuple[str, str]] = []
    if text.startswith("{"):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"is not valid JSON ({exc.msg} at character {exc.pos})") from exc
        if not isinstance(loaded, dict) or not all(
            isinstance(value, str) for value in loaded.values()
        ):
            raise ValueError('as JSON must be an object of strings, e.g. {"AppName": "hocvuso"}')
        pairs = [(str(name).strip(), value.strip()) for name, value in loaded.items()]
    else:
        for item in text.split(";"):
            if not item.strip():
                continue
            name, equals, value = item.partition("=")
            if not equals:
                raise ValueError(
                    f"{name.strip()!r} has no value; write Name=value pairs separated by ;, "
                    "e.g. AppName=hocvuso;AccessKey=...;SecretKey=..."
                )
            pairs.append((name.strip(), value.strip()))
    if not pairs:
        raise ValueError("names no header; e.g. AppName=hocvuso;AccessKey=...;SecretKey=...")
    for name, value in pairs:
        if not HEADER_NAME.match(name):
            raise ValueError(f"{name!r} is not a valid header name")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"{name} is set by the push itself; leave it out")
        if "\r" in value or "\n" in value:
            raise ValueError(f"the value of {name} holds a line break")
    return tuple(pairs)


__all__ = [
    "MIN_SECRET",
    "PushConfig",
    "ReportAuth",
    "parse_headers",
    "parse_schedule",
]
