"""The real `hocvuso run` process driven over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import signal
from typing import Any

import aiohttp
import psycopg
import pytest

from bot.content import Catalog
from bot.core.catalog import bubbles
from bot.text import fold
from lessons.models import Lesson
from storage import Storage
from tests.conftest import PG_ADMIN, BotProcess, free_port, fresh_database
from tests.web.journey import answer_plan, choice_for, first_lesson

VIETNAMESE = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


class Learner:
    """A browser-less learner: one cookie jar, the replies of the last request."""

    def __init__(self, base_url: str, accept_language: str = "vi-VN") -> None:
        self.base_url = base_url
        self.accept_language = accept_language
        self.jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
        self.replies: list[dict[str, Any]] = []
        self.status = 0
        self.error = ""

    async def post(self, body: Any, *, raw: bytes | None = None) -> list[dict[str, Any]]:
        async with aiohttp.ClientSession(cookie_jar=self.jar) as http:
            data = raw if raw is not None else json.dumps(body).encode()
            async with http.post(
                f"{self.base_url}/chat/api/send",
                data=data,
                headers={
                    "Content-Type": "application/json",
                    "Accept-Language": self.accept_language,
                },
            ) as response:
                self.status = response.status
                payload = await response.json()
        self.replies = payload["replies"]
        self.error = payload.get("error", "")
        return self.replies

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.post({"text": text})

    async def tap(self, label: str) -> list[dict[str, Any]]:
        return await self.post({"choice": choice_for(label, self.replies)})

    async def read_lesson(self, lesson: Lesson) -> None:
        """From the open lesson's first bubble to its quiz button: "Continue" after a bubble,
        "I did it" after a try-it step, the right answer of each quick question."""
        for step in bubbles(lesson)[:-1]:
            if step.check is not None:
                right = next(option for option in step.check.options if option.correct)
                await self.tap(right.text)
            else:
                await self.tap("Làm xong rồi ▶" if step.try_ is not None else "Tiếp tục ▶")

    @property
    def said(self) -> str:
        return "\n".join(reply["text"] for reply in self.replies)


def without_clock(raw: str) -> dict[str, Any]:
    """A stored state apart from when the learner last wrote (every input stamps it)."""
    state: dict[str, Any] = json.loads(raw)
    state.pop("last_input_at", None)
    return state


async def learner_state(url: str) -> str:
    store = Storage.open(url)
    try:
        [row] = await store.rows("learner")
        return str(row["state"])
    finally:
        await store.close()


async def test_healthz_and_page(bot_process: BotProcess) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{bot_process.base_url}/healthz") as response:
            assert response.status == 200
        async with http.get(f"{bot_process.base_url}/readyz") as response:
            assert response.status == 200
        async with http.get(bot_process.base_url + "/") as response:
            page = await response.text()
            assert response.status == 200 and "chat.js" in page and 'lang="vi"' in page
        async with http.get(f"{bot_process.base_url}/source.tar.gz") as response:
            archive = await response.read()
            assert response.status == 200 and archive[:2] == b"\x1f\x8b"  # gzip, for the AGPL


async def test_learner_finishes_lesson_one_and_resumes_after_a_crash(
    db_url: str, catalog: Catalog
) -> None:
    lesson, quiz = first_lesson(catalog)
    plan, wrong_at = answer_plan(quiz)
    server = BotProcess(db_url, free_port()).start()
    learner = Learner(server.base_url)
    try:
        await learner.say("/start")
        assert "Đồng ý" in [c["label"] for c in learner.replies[-1]["choices"]]
        await learner.tap("Đồng ý")
        await learner.tap(f"Học bài: {lesson.title}")
        assert lesson.bubbles[0].text in learner.said
        await learner.read_lesson(lesson)
        await learner.tap("Làm bài kiểm tra")
        assert quiz.questions[0].prompt in learner.said

        half = len(plan) // 2
        for index, steps in enumerate(plan[:half]):
            for step in steps:
                await (learner.tap(step.label) if step.label else learner.say(step.text or ""))
            verdict = "❌" if index == wrong_at else "✅"
            assert verdict in learner.replies[0]["text"], learner.said

        # The process dies mid-quiz (no clean shutdown) and comes back.
        assert server.proc is not None
        server.proc.send_signal(signal.SIGKILL)
        server.stop()
        server = BotProcess(db_url, server.port).start()
        await learner.say("/start")
        assert "Chào mừng bác quay lại" in learner.said
        assert quiz.questions[half].prompt in learner.said

        for steps in plan[half:]:
            for step in steps:
                await (learner.tap(step.label) if step.label else learner.say(step.text or ""))
            assert "✅" in learner.replies[0]["text"], learner.said
        assert "Bác đã qua bài này" in learner.said
        await learner.say("/tiendo")
        assert f"1/{len(catalog.required_lessons)}" in learner.said
    finally:
        server.stop()

    store = Storage.open(db_url)
    try:
        events = await store.completion_events()
        answers = await store.rows("quiz_answer")
    finally:
        await store.close()
    assert [(e["kind"], e["lesson_id"]) for e in events] == [
        ("lesson_completed", lesson.id),
        ("quiz_passed", lesson.id),
    ]
    assert all(
        e["channel"] == "webchat" and e["content_version"] == catalog.version for e in events
    )
    assert [a["correct"] for a in answers] == [i != wrong_at for i in range(len(plan))]
    typed = [step.text for steps in plan for step in steps if step.text]
    assert typed and all(text == fold(text) for text in typed)  # the journey typed accentless


BAD_INPUTS = {  # answered kindly with the current choices; an empty text is refused (400)
    "10k": {"text": "a" * 10_000},
    "unknown command": {"text": "/lenhla"},
    "old button": {"choice": "1:agree"},
    "unknown choice": {"choice": "999:opt.z"},
}


async def test_bad_input_gets_friendly_vietnamese_and_changes_nothing(
    bot_process: BotProcess, db_url: str
) -> None:
    learner = Learner(bot_process.base_url)
    await learner.say("/start")
    await learner.tap("Đồng ý")
    await learner.tap("Bỏ qua phần này")
    await learner.tap("Tất cả bài học")
    before = without_clock(await learner_state(db_url))
    for name, body in BAD_INPUTS.items():
        await learner.post(body)
        assert learner.status == 200, name
        first = learner.replies[0]["text"]
        assert any(ch in VIETNAMESE for ch in first.casefold()), (name, first)
        assert learner.replies[-1]["choices"], name  # and the current choices again
        assert without_clock(await learner_state(db_url)) == before, name

    for raw in (b"{not json", b'{"text": 5}', b"[]", "\udcff".encode("utf-8", "surrogatepass")):
        await learner.post(None, raw=raw)
        assert learner.status == 400
        assert "không đọc được" in learner.replies[0]["text"]
    await learner.post(None, raw=b'{"text": "' + b"a" * 300_000 + b'"}')
    assert learner.status == 413 and "dài quá" in learner.replies[0]["text"]
    assert without_clock(await learner_state(db_url)) == before


async def test_a_retried_request_is_answered_once(bot_process: BotProcess, db_url: str) -> None:
    learner = Learner(bot_process.base_url)
    await learner.post({"text": "/start", "id": "c-1"})
    await learner.post({"choice": "1:agree", "id": "c-2"})
    first = list(learner.replies)
    await learner.post({"choice": "1:agree", "id": "c-2"})  # the network dropped the answer
    assert learner.replies == first
    assert json.loads(await learner_state(db_url))["turn"] == 2


async def test_database_down_gets_an_apology_and_loses_nothing(
    request: pytest.FixtureRequest, tmp_path: Any
) -> None:
    with fresh_database("postgresql", request, tmp_path) as url:
        database = url.rsplit("/", 1)[1]
        server = BotProcess(url, free_port()).start()
        try:
            learner = Learner(server.base_url)
            await learner.say("/start")
            before = await learner_state(url)
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (database,),
                )
            await learner.tap("Đồng ý")
            assert learner.status == 503
            assert "database is unavailable" in learner.error
            assert "không bị mất" in learner.replies[0]["text"]
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
            assert await learner_state(url) == before
            await asyncio.sleep(0.1)
            await learner.post({"choice": "1:agree"})
            assert learner.status == 200 and "Cảm ơn" in learner.said
        finally:
            server.stop()


async def test_an_internal_error_gets_a_friendly_answer(
    sqlite_storage: Storage, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    import bot.service
    from bot.channels.webchat import WebChatChannel
    from bot.service import ConversationService
    from bot.web import build_app

    def broken(*_args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(bot.service, "handle", broken)
    service = ConversationService(sqlite_storage, catalog)
    app = build_app(service, [WebChatChannel(service)])
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/chat/api/send", json={"text": "/start"})
        assert response.status == 500
        body = await response.json()
        assert "sự cố kỹ thuật" in body["replies"][0]["text"]
        assert body["error"].isascii() and "nothing was recorded" in body["error"]
