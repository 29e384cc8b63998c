"""The pull API keeps the OpenAPI document it serves: schemathesis sends the real `hocvuso run`
(with an administrator's token) what the document allows and what it forbids; no 5xx, every
answer as documented, everything the document forbids refused with a 4xx."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from bot.content import load_catalog
from bot.core.state import OfficialKind
from bot.dashboard.openapi import openapi_document
from bot.service import utc_now
from storage import SecretKind, Storage
from tests.conftest import BotProcess, free_port

MODULES = tuple(module.id for module in load_catalog().modules)


async def _token(url: str) -> str:
    store = Storage.open(url)
    try:
        admin = await store.officials.grant(kind=OfficialKind.ADMIN, now=utc_now())
        issued = await store.secrets.issue(
            admin, SecretKind.API, now=utc_now(), valid_for=timedelta(days=1)
        )
        return issued.secret
    finally:
        await store.close()


@pytest.fixture(scope="module")
def api_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotProcess, str]]:
    """One `hocvuso run` and an administrator's API token for every generated request."""
    database = tmp_path_factory.mktemp("pull-api") / "hocvuso.db"
    shutil.copy(sqlite_template, database)
    url = f"sqlite:///{database}"
    token = asyncio.run(_token(url))
    process = BotProcess(url, free_port()).start()
    yield process, token
    process.stop()


schema = schemathesis.openapi.from_dict(openapi_document(MODULES))
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=60
)


async def test_the_server_serves_the_document(api_server: tuple[BotProcess, str]) -> None:
    url = f"{api_server[0].base_url}/api/v1/openapi.json"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        assert await response.json() == openapi_document(MODULES)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_pull_api_keeps_its_document(case: Any, api_server: tuple[BotProcess, str]) -> None:
    server, token = api_server
    # A request the schema allows may still name a commune that does not exist, a commune of
    # another province or a period that ends before it starts: a documented 400, which the
    # schema cannot rule out, so "valid data accepted" is the one check left out.
    case.call_and_validate(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance],
    )
