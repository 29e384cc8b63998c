"""The self-check as a new learner meets it in the web chat, with the shipped content."""

from __future__ import annotations

from bot.content import load_catalog
from tests.conftest import BotProcess, free_port
from tests.web.test_webchat_http import Learner


async def test_a_new_learner_takes_the_self_check_and_starts_where_it_suggests(
    sqlite_url: str,
) -> None:
    catalog = load_catalog()  # as shipped: the shared fixture leaves the self-check out
    selfcheck = catalog.selfcheck
    assert selfcheck is not None
    server = BotProcess(sqlite_url, free_port(), {"HOCVUSO_SELFCHECK": "true"}).start()
    try:
        learner = Learner(server.base_url)
        await learner.say("/start")
        await learner.tap("Đồng ý")
        await learner.tap("Bỏ qua phần này")
        assert "5 câu" in learner.said and "bắt đầu từ đâu" in learner.said
        await learner.tap("Trả lời 5 câu")
        for number, question in enumerate(selfcheck.questions, start=1):
            assert f"Tự kiểm tra {number}/5" in learner.said
            # Right everywhere but on the phone itself: the suggestion is module A.
            option = next(o for o in question.options if o.correct == (question.module != "A"))
            await learner.tap(option.text)
        assert "Bác trả lời đúng 4/5 câu" in learner.said
        first_a = next(lesson for lesson in catalog.lessons if lesson.module == "A")
        assert f"Bác nên bắt đầu từ bài “{first_a.title}”" in learner.said
        await learner.tap(f"Bắt đầu bài: {first_a.title}")
        assert f"📘 {first_a.title}" in learner.said

        again = Learner(server.base_url)  # another learner skips: lesson 1, never asked again
        await again.say("/start")
        await again.tap("Đồng ý")
        await again.tap("Bỏ qua phần này")
        await again.tap("Bỏ qua, học từ bài 1")
        assert f"📘 {catalog.lessons[0].title}" in again.said
        await again.say("/menu")
        await again.tap(f"▶ Học tiếp: {catalog.lessons[0].title}")
        assert "Tự kiểm tra" not in again.said
    finally:
        server.stop()
