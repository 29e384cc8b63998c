"""Lesson drawings on Zalo, through the fake Zalo APIs: the Bot Platform tells the picture in
words (or sends it by URL from a public https server)."""

from __future__ import annotations

from pathlib import Path

from storage import Storage
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.pictured import ALT, pictured_catalog
from tests.zalo.conftest import BotLearner, running_bot

TED = "6ede9afa66b88fe6d6a9"
PUBLIC = "https://hocvuso.example.vn"


async def test_the_zalo_bot_tells_a_drawing_in_words(
    sqlite_storage: Storage, fake: FakeZalo, clock: Clock, tmp_path: Path
) -> None:
    catalog = pictured_catalog(tmp_path)
    lesson = catalog.lessons[0]
    async with running_bot(sqlite_storage, catalog, fake, clock, "polling") as bot:
        learner = BotLearner(bot, TED)
        await learner.say("/start")
        await learner.choose("Đồng ý")
        shown = await learner.choose(f"Học bài: {lesson.title}")
    assert all(message.photo is None for message in shown)
    first = shown[0].text
    assert first.startswith(f"🖼 {ALT}\n\n") and "Bong bóng thứ nhất." in first


async def test_the_zalo_bot_sends_a_drawing_by_url_from_a_public_https_server(
    sqlite_storage: Storage, fake: FakeZalo, clock: Clock, tmp_path: Path
) -> None:
    catalog = pictured_catalog(tmp_path)
    lesson = catalog.lessons[0]
    async with running_bot(
        sqlite_storage, catalog, fake, clock, "polling", public_url=PUBLIC
    ) as bot:
        learner = BotLearner(bot, TED)
        await learner.say("/start")
        await learner.choose("Đồng ý")
        shown = await learner.choose(f"Học bài: {lesson.title}")
    photo, text = shown[0], shown[1]
    assert photo.photo == f"{PUBLIC}/chat/media/images/phone.png" and photo.text == ALT
    assert "🖼" not in text.text and "Bong bóng thứ nhất." in text.text
