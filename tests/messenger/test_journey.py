"""A person learns on a commune's Facebook Page: Get Started, consent, the first lesson with its
buttons and quick replies, the quiz with one answer typed without diacritics, to "passed"; the
first message says the bot is automated; pictures, stickers and menu items are answered."""

from __future__ import annotations

from bot.channels.messenger.adapter import CHANNEL
from bot.content import Catalog
from storage import Storage
from tests.fakes.fake_graph import FakeGraph
from tests.fakes.fake_zalo import Clock
from tests.messenger.conftest import MessengerLearner, running_messenger
from tests.web.journey import first_lesson
from tests.zalo.conftest import assert_first_lesson_recorded

LAN = "6783432641705982"


async def test_a_whole_first_lesson_on_messenger(
    storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    lesson, _quiz = first_lesson(a1_catalog)
    async with running_messenger(storage, a1_catalog, graph, clock) as page:
        lan = MessengerLearner(page, LAN)
        await lan.get_started()
        first = lan.last[0]
        assert first.text.startswith("Xin chào bác!")
        assert "trợ lý tự động" in first.text  # Meta's policy: say it is automated
        assert all(m.messaging_type == "RESPONSE" for m in lan.last)
        await lan.choose("Đồng ý")
        await lan.choose(f"Học bài: {lesson.title}")
        await lan.finish_first_lesson(a1_catalog)
        shapes = {
            "buttons": any(m.buttons for m in graph.messages_to(LAN)),
            "quick replies": any(m.quick_replies for m in graph.messages_to(LAN)),
            "numbered": any(
                m.quick_replies and m.quick_replies[0][0] == "1" for m in graph.messages_to(LAN)
            ),
            "picture": any(m.image for m in graph.messages_to(LAN)),
        }
        assert shapes == dict.fromkeys(shapes, True), shapes
    await assert_first_lesson_recorded(storage, a1_catalog, CHANNEL)


async def test_pictures_stickers_and_the_persistent_menu(
    sqlite_storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock) as page:
        lan = MessengerLearner(page, LAN)
        await lan.get_started()
        await lan.choose("Đồng ý")
        for name in ("image.json", "sticker_like.json"):
            await lan.send(page.body(name, LAN))
            assert "chữ" in lan.said, lan.said  # "I read text": a friendly answer
        await lan.send(page.body("postback_menu.json", LAN))  # "Tiến độ của tôi"
        assert "0/1" in lan.said or "tiến độ" in lan.said.lower(), lan.said
