"""Telegram throughput: hocvuso's Telegram channel against bare python-telegram-bot echo bots,
on the same fake Bot API server, in the same process, one after another.

The fake answers sendMessage after `--delay` seconds (default 0.05: a round trip to Telegram's
servers). Every bot gets the same updates (`--chats` learners each writing `--per-chat` texts) and
the clock stops when every update has been answered. hocvuso does the full job for each update:
inbox row, engine, one SQLite transaction, two replies (the echo bots send one). Telegram's own
limits (30 messages/s, 1/s per chat) are lifted for the measurement: they cap what Telegram
accepts, not what the bot can do. Absolute numbers vary with the machine: compare the ratios.

    python bench/telegram_throughput.py [--chats 200] [--per-chat 4] [--delay 0.05]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.channels.telegram.ratelimit import ChatRateLimiter  # noqa: E402
from bot.channels.telegram.request import AiohttpRequest  # noqa: E402
from bot.channels.telegram.runtime import TelegramChannel, TelegramOptions  # noqa: E402
from bot.content import load_catalog  # noqa: E402
from bot.service import ConversationService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web import build_app  # noqa: E402
from storage import Storage, upgrade  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.fakes.fake_bot_api import FakeBotApi  # noqa: E402
from tests.telegram import updates  # noqa: E402

UNLIMITED = {"overall_rate": 1e6, "overall_burst": 10**6, "per_chat_rate": 1e6}


def workload(chats: int, per_chat: int) -> list[dict[str, Any]]:
    """Interleaved: every learner's first message, then every learner's second, ..."""
    return [
        updates.text(10_000_000 + chat, "Xin chào")
        for _ in range(per_chat)
        for chat in range(chats)
    ]


async def timed(
    fake: FakeBotApi, expected_sends: int, feed: Callable[[], Awaitable[None]]
) -> float:
    fake.sent_count = 0
    started = time.perf_counter()
    await feed()
    await fake.wait_for(lambda: fake.sent_count >= expected_sends, within=600)
    return time.perf_counter() - started


async def hocvuso(fake: FakeBotApi, mode: str, work: list[dict[str, Any]]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        storage = Storage.open(url)
        service = ConversationService(storage, load_catalog())
        port = free_port()
        webhook = f"http://127.0.0.1:{port}/telegram/webhook" if mode == "webhook" else None
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=fake.token,
            telegram_api_base_url=fake.base_url,
            telegram_webhook_url=webhook,
            telegram_webhook_secret="bench-secret" if webhook else None,
        )
        channel = TelegramChannel(
            settings,
            service,
            rate_limiter=ChatRateLimiter(**UNLIMITED),
            options=TelegramOptions(poll_timeout=1, max_active=256),
        )
        app = build_app(service)
        channel.add_routes(app)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await channel.start()

        async def feed() -> None:
            if mode == "polling":
                fake.push(*work)
                return
            gate = asyncio.Semaphore(40)  # Telegram's default webhook max_connections

            async def one(update: dict[str, Any]) -> None:
                async with gate:
                    assert await fake.deliver(update) == 200

            await asyncio.gather(*(one(update) for update in work))

        try:
            return await timed(fake, 2 * len(work), feed)
        finally:
            await channel.stop()
            await runner.cleanup()
            await storage.close()


async def echo_bot(fake: FakeBotApi, work: list[dict[str, Any]], *, variant: str) -> float:
    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    builder = Application.builder().token(fake.token).base_url(fake.base_url)
    if variant == "concurrent":
        builder = builder.concurrent_updates(True)
    if variant == "aiohttp":
        builder = builder.concurrent_updates(True).request(AiohttpRequest())
    application = builder.job_queue(None).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)

    async def feed() -> None:
        fake.push(*work)

    try:
        return await timed(fake, len(work), feed)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def main(chats: int, per_chat: int, delay: float, echo_limit: int) -> dict[str, Any]:
    logging.disable(logging.WARNING)
    fake = await FakeBotApi(send_delay=delay, record=False).start()
    results: dict[str, dict[str, float]] = {}

    def record(name: str, count: int, seconds: float) -> None:
        results[name] = {
            "updates": count,
            "seconds": round(seconds, 3),
            "updates_per_s": round(count / seconds, 1),
        }

    try:
        work = workload(chats, per_chat)
        for mode in ("polling", "webhook"):
            record(f"hocvuso_{mode}", len(work), await hocvuso(fake, mode, work))
        for variant in ("default", "concurrent", "aiohttp"):
            # The one-at-a-time echo bot manages about 1/delay updates a second: give it fewer.
            small = work[:echo_limit] if variant == "default" else work
            small = [dict(u, update_id=updates.next_update_id()) for u in small]
            record(f"ptb_echo_{variant}", len(small), await echo_bot(fake, small, variant=variant))
    finally:
        await fake.close()
    rate = {name: result["updates_per_s"] for name, result in results.items()}
    return {
        "benchmark": "telegram_throughput",
        "send_delay_s": delay,
        "chats": chats,
        "updates_per_chat": per_chat,
        "results": results,
        "ratios": {
            f"{ours}_vs_{theirs}": round(rate[ours] / rate[theirs], 2)
            for ours in ("hocvuso_polling", "hocvuso_webhook")
            for theirs in ("ptb_echo_default", "ptb_echo_concurrent", "ptb_echo_aiohttp")
        },
        "notes": (
            "ptb_echo_default: PTB as shipped (httpx, one update at a time); "
            "ptb_echo_concurrent: concurrent_updates=True; ptb_echo_aiohttp: that plus our "
            "AiohttpRequest. hocvuso sends 2 messages per update and writes SQLite; Telegram's "
            "rate limits are lifted for the measurement."
        ),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--per-chat", type=int, default=4)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--echo-limit", type=int, default=40, help="updates for the slow bot")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.chats, args.per_chat, args.delay, args.echo_limit))))
