"""The web chat API keeps the OpenAPI document it serves: schemathesis sends the real
`hocvuso run` what the document allows (every answer documented, no 5xx) and what it forbids
(each refused with a 4xx)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from bot.channels.webchat.openapi import openapi_document
from tests.conftest import BotProcess, free_port


@pytest.fixture(scope="module")
def api_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    """One `hocvuso run` for every generated request (a fresh process each would take hours)."""
    database = tmp_path_factory.mktemp("openapi") / "hocvuso.db"
    shutil.copy(sqlite_template, database)
    process = BotProcess(f"sqlite:///{database}", free_port()).start()
    yield process
    process.stop()


# The document the server builds, loaded in-process so the tests exist at collection time;
# the first test checks that the running server serves exactly this one.
schema = schemathesis.openapi.from_dict(openapi_document())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=60
)


async def test_the_server_serves_the_document(api_server: BotProcess) -> None:
    url = f"{api_server.base_url}/chat/api/openapi.json"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        assert await response.json() == openapi_document()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_chat_api_keeps_its_document(case: Any, api_server: BotProcess) -> None:
    case.call_and_validate(base_url=api_server.base_url)
