"""The conversation fixes through the real Telegram adapter and the fake Bot API: the interface
language follows language_code; without consent a lesson is read and nothing is recorded; a
quiz left half-way resumes at its question; after erasure an inline button starts again."""

from __future__ import annotations

from bot.content import Catalog
from storage import Storage
from tests.fakes.fake_bot_api import FakeBotApi
from tests.telegram.conftest import running_bot


def texts(sent: list) -> str:
    return "\n".join(message.text or "" for message in sent)


async def test_language_code_without_consent_and_a_restart_button(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running_bot(fake_api, storage, small_catalog, "polling") as bot:
        english = bot.learner(5_300_001, language="en")
        assert texts(await english.say("/start")).startswith("Hello!")

        lan = bot.learner(5_300_002, language="vi")
        assert texts(await lan.say("/start")).startswith("Xin chào bác!")
        assert "không có thông tin nào của bác được lưu" in texts(await lan.tap("Không đồng ý"))
        assert "Bong bóng thứ nhất." in texts(await lan.tap("Học bài: Bài thử một"))
        await lan.tap("Tiếp tục")
        await lan.tap("Tiếp tục")
        asked = texts(await lan.tap("Làm bài kiểm tra"))
        assert "nên bác cần đồng ý trước" in asked
        assert [label for label, _data in lan.messages[-1].buttons][:2] == [
            "Đồng ý",
            "Không đồng ý",
        ]
        assert await storage.rows("lesson_progress") == []
        assert await storage.completion_events() == []

        await lan.tap("Đồng ý")
        await lan.tap("Bỏ qua phần này")
        await lan.tap("Học tiếp: Bài thử một")
        await lan.tap("Làm bài kiểm tra")
        await lan.tap("Nút nguồn")  # question 1; then leave the quiz
        await lan.say("/menu")
        resumed = texts(await lan.tap("Làm tiếp bài kiểm tra"))
        assert "Câu 2/4" in resumed

        await lan.say("/xoadulieu")
        erased = await lan.tap("Có, xóa dữ liệu")
        assert [label for label, _data in erased[-1].buttons] == ["Bắt đầu lại"]
        again = texts(await lan.tap("Bắt đầu lại"))
        assert again.startswith("Xin chào bác!")
        assert [label for label, _data in lan.messages[-1].buttons][:2] == [
            "Đồng ý",
            "Không đồng ý",
        ]
