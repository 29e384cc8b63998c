"""Web chat throughput against a bare aiohttp echo server, measured in the same process.

Prints one JSON object. Absolute numbers vary with the machine; compare the ratios:
`webchat_vs_echo` is the share of a bare aiohttp JSON endpoint's request rate that the full
web chat (engine + one SQLite transaction per message) reaches with the same client load.

    python bench/webchat_throughput.py [--learners 20] [--messages 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.channels.webchat import WebChatChannel  # noqa: E402
from bot.content import load_catalog  # noqa: E402
from bot.core import Context, InboundMessage, InputKind, LearnerState, handle  # noqa: E402
from bot.service import ConversationService  # noqa: E402
from bot.web import build_app  # noqa: E402
from storage import Storage, upgrade  # noqa: E402

STEPS = ["/start", "1", "1", "1", "1", "1", "1", "2", "1", "1"]


async def echo(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response({"replies": [{"text": body.get("text", ""), "choices": []}]})


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


async def drive(base: str, path: str, learners: int, messages: int) -> float:
    """Requests per second with `learners` concurrent clients, each sending in order."""

    async def one(index: int) -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            for step in (STEPS * messages)[:messages]:
                async with http.post(base + path, json={"text": step}) as response:
                    await response.read()

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(learners)))
    return learners * messages / (time.perf_counter() - started)


def engine_rate(seconds: float = 1.0) -> float:
    catalog = load_catalog()
    ctx = Context(catalog, datetime.now(UTC))
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        state = LearnerState()
        for step in STEPS:
            message = InboundMessage("bench", "u", InputKind.TEXT, ctx.now, text=step)
            state = handle(state, message, ctx).state
            count += 1
    return count / (time.perf_counter() - started)


async def main(learners: int, messages: int, rounds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        storage = Storage.open(url)
        service = ConversationService(storage, load_catalog())
        bare = web.Application()
        bare.router.add_post("/chat/api/send", echo)
        bare_runner, bare_url = await serve(bare)
        chat_runner, chat_url = await serve(build_app(service, [WebChatChannel(service)]))
        echo_rates, chat_rates = [], []
        for _ in range(rounds):
            echo_rates.append(await drive(bare_url, "/chat/api/send", learners, messages))
            chat_rates.append(await drive(chat_url, "/chat/api/send", learners, messages))
        await chat_runner.cleanup()
        await bare_runner.cleanup()
        await storage.close()
    echo_rate, chat_rate = statistics.median(echo_rates), statistics.median(chat_rates)
    return {
        "benchmark": "webchat_throughput",
        "learners": learners,
        "messages_per_learner": messages,
        "echo_requests_per_s": round(echo_rate, 1),
        "webchat_messages_per_s": round(chat_rate, 1),
        "webchat_vs_echo": round(chat_rate / echo_rate, 3),
        "engine_messages_per_s": round(engine_rate(), 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.learners, args.messages, args.rounds))))
