"""Telegram throughput: hocvuso's Telegram channel against bare python-telegram-bot echo bots,
on the same fake Bot API server, in the same process, one after another.

The fake answers sendMessage after `--delay` seconds (default 0.05: a round trip to Telegram's
servers). Every bot gets the same updates (`--chats` learners each writing `--per-chat` texts) and
the clock stops when every update has been answered. hocvuso does the full job for each update:
inbox row, engine, one SQLite transaction, two replies (the echo bots send one). Telegram's own
limits (30 messages/s, 1/s per chat) are lifted for the measurement: they cap what Telegram
accepts, not what the bot can do. Absolute numbers vary with the machine: compare the ratios.

The bots, in the order they run (each repetition runs them all again, in the same order):

    hocvuso_polling, hocvuso_webhook   the whole channel, database included
    ptb_echo_default                   PTB as shipped (httpx, one update at a time)
    ptb_echo_concurrent                that with concurrent_updates=True
    ptb_echo_aiohttp                   that plus our AiohttpRequest, long polling
    ptb_echo_aiohttp_webhook           the same bot fed by an aiohttp webhook route (PTB's
                                       custom-webhook pattern: Update.de_json -> update_queue)

The two slow echo bots get fewer updates (`--echo-limit`, ten times that for the concurrent one).

`--workload texts` (the default) has every learner write "Xin chào" (the first answers the
welcome, the others are reminded to agree first: two replies each). `--workload journey` has every
learner do what a learner does: /start, then tap through consent, the first lesson's bubbles and
into its quiz (button taps, lesson progress written, a picture or two); it applies to hocvuso
only, the echo bots always get texts, so its ratios compare unlike work.
There is no aiogram echo bot: aiogram 3.31 pins pydantic<2.14, which this project's venv is past
(docs/performance.md has the figures from ../shared/reference/performance.md instead).

Each bot is measured as `hocvuso run` runs: once it is built and started, `gc.collect()` and
`gc.freeze()` move what start-up allocated out of the collector's reach (bot/app.py does the same);
`gc.unfreeze()` after the bot stops, so the next one starts alike.

`cpu_ms_per_update` is the process's CPU time over the measured part divided by the updates; it
includes the fake server's share (two sends per update for hocvuso, one for the echo bots, and
the webhook POSTs), and is steadier than updates/s on a shared machine.

    python bench/telegram_throughput.py [--chats 200] [--per-chat 4] [--delay 0.05] [--repeat 1]
                                        [--bots hocvuso_polling,ptb_echo_aiohttp,...]
                                        [--workload texts|journey]

Prints one JSON object (with --repeat > 1: the median of each figure, and its min and max).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import statistics
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

from bot.channels.telegram.adapter import CHANNEL  # noqa: E402
from bot.channels.telegram.channel import TelegramChannel, TelegramOptions  # noqa: E402
from bot.channels.telegram.ratelimit import ChatRateLimiter  # noqa: E402
from bot.channels.telegram.render import render  # noqa: E402
from bot.channels.telegram.request import AiohttpRequest  # noqa: E402
from bot.content import load_catalog  # noqa: E402
from bot.core import Context, InboundMessage, InputKind, handle  # noqa: E402
from bot.core.state import LearnerState  # noqa: E402
from bot.service import ConversationService, utc_now  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web import build_app  # noqa: E402
from storage import Storage, upgrade  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.fakes.fake_bot_api import FakeBotApi  # noqa: E402
from tests.telegram import updates  # noqa: E402

UNLIMITED = {"overall_rate": 1e6, "overall_burst": 10**6, "per_chat_rate": 1e6}
WEBHOOK_CONNECTIONS = 40  # Telegram's default max_connections for a webhook
BOTS = (
    "hocvuso_polling",
    "hocvuso_webhook",
    "ptb_echo_default",
    "ptb_echo_concurrent",
    "ptb_echo_aiohttp",
    "ptb_echo_aiohttp_webhook",
)
OURS = ("hocvuso_polling", "hocvuso_webhook")
THEIRS = (
    "ptb_echo_default",
    "ptb_echo_concurrent",
    "ptb_echo_aiohttp",
    "ptb_echo_aiohttp_webhook",
)


def workload(chats: int, per_chat: int) -> list[dict[str, Any]]:
    """Interleaved: every learner's first message, then every learner's second, ..."""
    return [
        updates.text(10_000_000 + chat, "Xin chào")
        for _ in range(per_chat)
        for chat in range(chats)
    ]


JOURNEY_TAPS = 7  # consent, the first lesson, its bubbles, into its quiz


def journey(chats: int) -> tuple[list[dict[str, Any]], int]:
    """Every learner's /start and first-button taps (interleaved, like `workload`), and how many
    messages hocvuso sends for them. The button ids come from running the engine once."""
    catalog = load_catalog()
    ctx = Context(catalog, utc_now())
    state, steps, sends = LearnerState(), [], 0
    message = InboundMessage(
        CHANNEL, "0", InputKind.COMMAND, utc_now(), command="start", locale="vi"
    )
    for _ in range(JOURNEY_TAPS + 1):
        outcome = handle(state, message, ctx)
        steps.append(message)
        sends += sum(len(render(reply, catalog.lessons_dir)) for reply in outcome.replies)
        state = outcome.state
        first = next(choice for reply in outcome.replies for choice in reply.choices)
        message = InboundMessage(
            CHANNEL, "0", InputKind.CHOICE, utc_now(), choice_id=first.id, locale="vi"
        )
    work = [
        updates.tap(10_000_000 + chat, step.choice_id)
        if step.choice_id
        else updates.text(10_000_000 + chat, "/start")
        for step in steps
        for chat in range(chats)
    ]
    return work, sends * chats


def settle() -> None:
    """What `hocvuso run` does once its channels are up (bot/app.py): collect, then freeze what
    start-up allocated, so the collector no longer walks it during the measurement."""
    gc.collect()
    gc.freeze()


def renumbered(work: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same updates with fresh update ids (each bot sees them as new)."""
    return [dict(update, update_id=updates.next_update_id()) for update in work]


async def timed(
    fake: FakeBotApi, expected_sends: int, feed: Callable[[], Awaitable[None]]
) -> tuple[float, float]:
    """Wall seconds and process CPU seconds from the first update fed to the last answer."""
    fake.sent_count = 0
    started, cpu = time.perf_counter(), time.process_time()
    await feed()
    await fake.wait_for(lambda: fake.sent_count >= expected_sends, within=600)
    return time.perf_counter() - started, time.process_time() - cpu


async def webhook_feed(fake: FakeBotApi, work: list[dict[str, Any]]) -> None:
    """Deliver every update as Telegram does, at most WEBHOOK_CONNECTIONS at a time."""
    gate = asyncio.Semaphore(WEBHOOK_CONNECTIONS)

    async def one(update: dict[str, Any]) -> None:
        async with gate:
            assert await fake.deliver(update) == 200

    await asyncio.gather(*(one(update) for update in work))


async def hocvuso(
    fake: FakeBotApi, mode: str, work: list[dict[str, Any]], sends: int
) -> tuple[float, float]:
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
        settle()

        async def feed() -> None:
            if mode == "polling":
                fake.push(*work)
            else:
                await webhook_feed(fake, work)

        try:
            return await timed(fake, sends, feed)
        finally:
            await channel.stop()
            await runner.cleanup()
            await storage.close()
            gc.unfreeze()


async def echo_bot(
    fake: FakeBotApi, work: list[dict[str, Any]], *, variant: str
) -> tuple[float, float]:
    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    builder = Application.builder().token(fake.token).base_url(fake.base_url)
    if variant == "concurrent":
        builder = builder.concurrent_updates(True)
    if variant in ("aiohttp", "aiohttp_webhook"):
        builder = builder.concurrent_updates(True).request(AiohttpRequest())
    if variant == "aiohttp_webhook":
        builder = builder.updater(None)
    application = builder.job_queue(None).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    await application.start()
    runner: web.AppRunner | None = None
    if variant == "aiohttp_webhook":
        # PTB's own webhook server needs tornado; this is its documented custom-webhook pattern.
        async def route(request: web.Request) -> web.Response:
            data = await request.json()
            await application.update_queue.put(Update.de_json(data, application.bot))
            return web.Response()

        app = web.Application()
        app.router.add_post("/webhook", route)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await application.bot.set_webhook(f"http://127.0.0.1:{port}/webhook")
    else:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
    settle()

    async def feed() -> None:
        if runner is not None:
            await webhook_feed(fake, work)
        else:
            fake.push(*work)

    try:
        return await timed(fake, len(work), feed)
    finally:
        if application.updater is not None:
            await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if runner is not None:
            await runner.cleanup()
        gc.unfreeze()


async def run_bot(
    fake: FakeBotApi,
    name: str,
    work: list[dict[str, Any]],
    echo_limit: int,
    ours: tuple[list[dict[str, Any]], int] | None = None,
) -> tuple[int, float, float]:
    """Updates handled, wall seconds, CPU seconds. `ours`: hocvuso's own workload and the
    messages it sends for it (default: `work`, two replies each)."""
    if name in OURS:
        mine, sends = ours or (work, 2 * len(work))
        mine = renumbered(mine)
        return (len(mine), *await hocvuso(fake, name.removeprefix("hocvuso_"), mine, sends))
    variant = name.removeprefix("ptb_echo_")
    # The one-at-a-time echo bots manage about 1/delay (and 2-4/delay) updates a second.
    limit = {"default": echo_limit, "concurrent": 10 * echo_limit}.get(variant, len(work))
    work = renumbered(work[:limit])
    return (len(work), *await echo_bot(fake, work, variant=variant))


def summary(runs: list[tuple[int, float, float]]) -> dict[str, Any]:
    rates = [count / seconds for count, seconds, _cpu in runs]
    cpu = [1000 * cpu_seconds / count for count, _seconds, cpu_seconds in runs]
    result: dict[str, Any] = {
        "updates": runs[0][0],
        "seconds": round(statistics.median(seconds for _c, seconds, _u in runs), 3),
        "updates_per_s": round(statistics.median(rates), 1),
        "cpu_ms_per_update": round(statistics.median(cpu), 3),
    }
    if len(runs) > 1:
        result["updates_per_s_range"] = [round(min(rates), 1), round(max(rates), 1)]
        result["cpu_ms_per_update_range"] = [round(min(cpu), 3), round(max(cpu), 3)]
    return result


async def main(
    chats: int,
    per_chat: int,
    delay: float,
    echo_limit: int,
    repeat: int,
    bots: list[str],
    kind: str = "texts",
) -> dict[str, Any]:
    logging.disable(logging.WARNING)
    fake = await FakeBotApi(send_delay=delay, record=False).start()
    runs: dict[str, list[tuple[int, float, float]]] = {name: [] for name in bots}
    try:
        work = workload(chats, per_chat)
        ours = journey(chats) if kind == "journey" else None
        for _ in range(repeat):
            for name in bots:
                runs[name].append(await run_bot(fake, name, work, echo_limit, ours))
    finally:
        await fake.close()
    results = {name: summary(bot_runs) for name, bot_runs in runs.items()}
    rate = {name: result["updates_per_s"] for name, result in results.items()}
    cpu = {name: result["cpu_ms_per_update"] for name, result in results.items()}
    pairs = [
        (ours, theirs) for ours in OURS for theirs in THEIRS if ours in rate and theirs in rate
    ]
    return {
        "benchmark": "telegram_throughput",
        "send_delay_s": delay,
        "chats": chats,
        "updates_per_chat": JOURNEY_TAPS + 1 if kind == "journey" else per_chat,
        "workload": kind,
        "repeat": repeat,
        "gc_frozen_after_start": True,
        "results": results,
        "ratios": {f"{o}_vs_{t}": round(rate[o] / rate[t], 2) for o, t in pairs},
        "cpu_ratios": {f"{o}_vs_{t}": round(cpu[o] / cpu[t], 2) for o, t in pairs},
        "aiogram_echo": "not measured: aiogram 3.31 pins pydantic<2.14 (see docs/performance.md)",
        "notes": (
            "ptb_echo_default: PTB as shipped (httpx, one update at a time); "
            "ptb_echo_concurrent: concurrent_updates=True; ptb_echo_aiohttp: that plus our "
            "AiohttpRequest (polling; _webhook: fed by an aiohttp route). hocvuso sends 2 "
            "messages per update and writes SQLite; Telegram's rate limits are lifted for the "
            "measurement. ratios: updates/s, ours over theirs (above 1: we are faster); "
            "cpu_ratios: CPU per update, ours over theirs (above 1: we spend more)."
        ),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--per-chat", type=int, default=4)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--echo-limit", type=int, default=40, help="updates for the slow bot")
    parser.add_argument("--repeat", type=int, default=1, help="runs of every bot (median)")
    parser.add_argument("--workload", choices=("texts", "journey"), default="texts")
    parser.add_argument(
        "--bots", default=",".join(BOTS), help="comma-separated, from: " + ", ".join(BOTS)
    )
    args = parser.parse_args()
    chosen = [name.strip() for name in args.bots.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BOTS))
    if unknown:
        parser.error(f"unknown bots: {', '.join(unknown)}")
    result = asyncio.run(
        main(
            args.chats,
            args.per_chat,
            args.delay,
            args.echo_limit,
            args.repeat,
            chosen,
            args.workload,
        )
    )
    print(json.dumps(result))
