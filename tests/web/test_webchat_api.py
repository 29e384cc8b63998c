"""The web chat API refuses what docs/webchat-api.md says it refuses, over HTTP to the real
`hocvuso run` (SQLite and PostgreSQL): JSON every time, the `error` in English for the
client's developer, a kind Vietnamese sentence for the learner, and nothing stored."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import NamedTuple

import aiohttp

from bot.channels.webchat.openapi import openapi_document
from storage import Storage
from tests.conftest import ROOT, BotProcess
from tests.web.test_webchat_http import VIETNAMESE

JSON = {"Content-Type": "application/json"}


class Refused(NamedTuple):
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    status: int
    error: str  # a part of the English `error`


def big(size: int) -> bytes:
    return b'{"text": "' + b"a" * size + b'"}'


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    """A body sent chunked: no Content-Length to refuse it by."""
    for start in range(0, len(data), 65536):
        yield data[start : start + 65536]


SEND = "/chat/api/send"
CASES = {
    "empty text": Refused("POST", SEND, JSON, b'{"text": ""}', 400, '"text" must not be empty'),
    "text and choice": Refused(
        "POST", SEND, JSON, b'{"text": "1", "choice": "1:agree"}', 400, "not both"
    ),
    "neither": Refused("POST", SEND, JSON, b'{"id": "c-1"}', 400, 'neither "text" nor "choice"'),
    "broken JSON": Refused("POST", SEND, JSON, b'{"text": "a', 400, "not valid JSON"),
    "not UTF-8": Refused("POST", SEND, JSON, b'{"text": "\xff"}', 400, "not valid JSON in UTF-8"),
    "not an object": Refused("POST", SEND, JSON, b'["hi"]', 400, "send a JSON object"),
    "text a number": Refused("POST", SEND, JSON, b'{"text": 5}', 400, '"text" must be a string'),
    "text null": Refused("POST", SEND, JSON, b'{"text": null}', 400, '"text" must be a string'),
    "long choice": Refused(
        "POST", SEND, JSON, b'{"choice": "' + b"1" * 65 + b'"}', 400, '"choice" must be'
    ),
    "long id": Refused(
        "POST", SEND, JSON, b'{"text": "a", "id": "' + b"x" * 65 + b'"}', 400, '"id" must be'
    ),
    # PostgreSQL keeps no NUL in text: refused here rather than failing in the database.
    "NUL": Refused("POST", SEND, JSON, b'{"text": "a\\u0000b"}', 400, "NUL"),
    "lone surrogate": Refused("POST", SEND, JSON, b'{"text": "\\ud800"}', 400, "surrogate"),
    "text/plain": Refused(
        "POST", SEND, {"Content-Type": "text/plain"}, b'{"text": "a"}', 415, "Content-Type"
    ),
    "form": Refused(
        "POST",
        SEND,
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"text=a",
        415,
        "application/json",
    ),
    "no content type": Refused("POST", SEND, {}, b'{"text": "a"}', 415, "Content-Type"),
    "latin-1": Refused(
        "POST",
        SEND,
        {"Content-Type": "application/json; charset=latin-1"},
        b'{"text": "a"}',
        415,
        "UTF-8",
    ),
    "over 256 KiB": Refused("POST", SEND, JSON, big(300_000), 413, "256 KiB"),
    "GET": Refused("GET", SEND, {}, None, 405, "takes POST, not GET"),
    "PUT": Refused("PUT", SEND, JSON, b'{"text": "a"}', 405, "takes POST, not PUT"),
    "POST to session": Refused("POST", "/chat/api/session", JSON, b"{}", 405, "takes GET"),
}


async def call(base_url: str, case: Refused) -> aiohttp.ClientResponse:
    async with aiohttp.ClientSession(skip_auto_headers=["Content-Type"]) as http:
        response = await http.request(
            case.method,
            base_url + case.path,
            data=case.body,
            headers={**case.headers, "Accept-Language": "vi-VN"},
        )
        await response.read()
        return response


async def test_refusals_are_json_english_for_developers_and_kind_for_learners(
    bot_process: BotProcess, db_url: str
) -> None:
    for name, case in CASES.items():
        response = await call(bot_process.base_url, case)
        assert response.status == case.status, name
        assert response.content_type == "application/json", name
        body = await response.json()
        assert case.error in body["error"], (name, body["error"])
        assert body["error"].isascii(), name  # English: no Vietnamese letters
        [reply] = body["replies"]
        assert any(ch in VIETNAMESE for ch in reply["text"].casefold()), name
        if case.status == 405:
            assert response.headers["Allow"] == ("POST" if case.path == SEND else "GET, HEAD")

    # Over 256 KiB without a Content-Length (chunked): refused all the same.
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            bot_process.base_url + SEND, data=chunks(big(300_000)), headers=JSON
        ) as response,
    ):
        assert response.status == 413
        assert "256 KiB" in (await response.json())["error"]

    store = Storage.open(db_url)
    try:
        assert await store.rows("learner") == []  # nothing refused created a learner
    finally:
        await store.close()

    # JSON is taken with or without its charset, in any case.
    for content_type in ("application/json; charset=utf-8", "Application/JSON"):
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                bot_process.base_url + SEND,
                data=b'{"text": "/start"}',
                headers={"Content-Type": content_type},
            ) as response,
        ):
            assert response.status == 200, content_type
            body = await response.json()
        assert "error" not in body and "Học vụ số" in body["replies"][0]["text"]


def test_the_documentation_lists_every_status_of_the_document() -> None:
    """docs/webchat-api.md and the OpenAPI document name the same answers."""
    text = (ROOT / "docs" / "webchat-api.md").read_text(encoding="utf-8")
    section = text.split("## `POST /chat/api/send`", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| (\d{3}) \|", section, flags=re.MULTILINE))
    responses = openapi_document()["paths"][SEND]["post"]["responses"]
    assert documented == set(responses)
