"""`hocvuso run` with both Zalo channels turned on by their environment variables, and two of
them sharing one PostgreSQL database."""

from __future__ import annotations

import asyncio
import secrets
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BotProcess, free_port, fresh_database
from tests.fakes.fake_zalo import APP_ID, APP_SECRET, BOT_TOKEN, OA_SECRET_KEY, FakeZalo
from tests.zalo.conftest import BOT_SECRET, PUBLIC_BOT_URL, fixture


async def test_hocvuso_run_serves_zalo_oa_and_zalo_bot(sqlite_url: str, fake: FakeZalo) -> None:
    env = {
        "ZALO_OA_APP_ID": APP_ID,
        "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
        "ZALO_APP_SECRET": APP_SECRET,
        "ZALO_OA_REFRESH_TOKEN": fake.consent(),
        "ZALO_OA_API_BASE_URL": fake.url,
        "ZALO_OAUTH_BASE_URL": fake.url,
        "ZALO_BOT_TOKEN": BOT_TOKEN,
        "ZALO_BOT_API_BASE_URL": fake.url,
    }
    process = BotProcess(sqlite_url, free_port(), env)
    await asyncio.to_thread(process.start)
    try:
        await fake.wait_for(lambda: bool(fake.refresh_calls) and "getUpdates" in fake.bot_calls)
        user = "2468458835291979220"
        event = fixture("oa_user_send_text.json")
        event["sender"]["id"] = user
        event["message"]["text"] = "/start"
        event["timestamp"] = str(int(time.time() * 1000))
        fake.interacted(user)
        status, _ = await fake.post_oa_event(f"{process.base_url}/zalo/oa/webhook", event)
        assert status == 200
        await fake.wait_for(lambda: len(fake.messages_to(user)) >= 2)
        assert "Học vụ số" in fake.messages_to(user)[0].text

        update = fixture("bot_message_text_received.json")
        update["result"]["message"]["text"] = "/start"
        fake.push_update(update)
        await fake.wait_for(lambda: len(fake.bot_messages) >= 2)
        assert "1. " in fake.bot_messages[-1].text
    finally:
        output = await asyncio.to_thread(process.stop)
    assert "channel zalo_oa is on" in output and "channel zalo_bot is on" in output
    assert "maintenance: expired rows are deleted every night at 03:30" in output
    assert "Traceback" not in output


def bot_update(user: str, text: str) -> dict[str, Any]:
    update = fixture("bot_message_text_received.json")
    message = update["result"]["message"]
    message["from"]["id"] = message["chat"]["id"] = user
    message["text"], message["message_id"] = text, secrets.token_hex(10)
    return update


async def test_two_processes_on_postgresql_answer_once_and_survive_a_kill(
    request: pytest.FixtureRequest, tmp_path: Path, fake: FakeZalo
) -> None:
    env = {
        "ZALO_BOT_TOKEN": BOT_TOKEN,
        "ZALO_BOT_API_BASE_URL": fake.url,
        "ZALO_BOT_WEBHOOK_URL": PUBLIC_BOT_URL,
        "ZALO_BOT_WEBHOOK_SECRET": BOT_SECRET,
    }
    with fresh_database("postgresql", request, tmp_path) as url:
        first = await asyncio.to_thread(BotProcess(url, free_port(), env).start)
        second = await asyncio.to_thread(BotProcess(url, free_port(), env).start)
        outputs = []
        try:
            await fake.wait_for(lambda: fake.bot_webhook is not None)
            users = [secrets.token_hex(10) for _ in range(6)]
            for index, user in enumerate(users):  # the load balancer alternates
                process = (first, second)[index % 2]
                webhook = f"{process.base_url}/zalo/bot/webhook"
                assert await fake.deliver_bot_update(webhook, bot_update(user, "/start")) == 200
            await fake.wait_for(lambda: all(fake.bot_messages_to(user) for user in users))
            await asyncio.sleep(0.5)  # time for any second answer to show up
            answers = [[m.text for m in fake.bot_messages_to(user)] for user in users]
            assert all(texts == answers[0] for texts in answers)  # each answered exactly once
            assert len(set(answers[0])) == len(answers[0])

            # The process that drains is killed outright; the other one takes over.
            assert first.proc is not None
            first.proc.send_signal(signal.SIGKILL)
            outputs.append(await asyncio.to_thread(first.stop))
            late = secrets.token_hex(10)
            webhook = f"{second.base_url}/zalo/bot/webhook"
            assert await fake.deliver_bot_update(webhook, bot_update(late, "/start")) == 200
            await fake.wait_for(lambda: len(fake.bot_messages_to(late)) == len(answers[0]))
        finally:
            outputs.append(await asyncio.to_thread(first.stop))
            outputs.append(await asyncio.to_thread(second.stop))
    first_output, _, second_output = outputs
    assert "zalo_bot: this process drains the inbox now" in first_output
    assert second_output.count("zalo_bot: this process drains the inbox now") == 1
    assert "Traceback" not in second_output
