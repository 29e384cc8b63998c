"""Fail, then pass; a missed question comes back on schedule; the streak grows — through the
real Telegram adapter and storage, with a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.content import Catalog
from storage import Storage
from tests.fakes.fake_bot_api import FakeBotApi
from tests.telegram.conftest import running_bot

# 09:00 in Hà Nội on a Monday.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
ALL_WRONG = ("1", "đúng", "3", "xong", "màn hình")
ONE_WRONG = ("1", "sai", "1, 2", "nguon")  # 3 of 4: a pass


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def texts(sent: list) -> str:
    return "\n".join(message.text or "" for message in sent)


async def test_fail_then_pass_review_comes_due_and_the_streak_grows(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    clock = Clock()
    async with running_bot(fake_api, storage, small_catalog, "polling", clock=clock) as bot:
        lan = bot.learner(5_200_001)
        await lan.say("/start")
        await lan.tap("Đồng ý")
        await lan.tap("Bỏ qua phần này")

        async def take_quiz(answers: tuple[str, ...]) -> str:
            await lan.say("/menu")
            await lan.tap("Tất cả bài học")
            await lan.tap("Làm quen điện thoại")
            await lan.tap("Bài thử một")
            while any("Tiếp tục" in label for label, _d in lan.messages[-1].buttons):
                await lan.tap("Tiếp tục")
            await lan.tap("Làm bài kiểm tra")
            said = []
            for answer in answers:
                said += await lan.say(answer)
            return texts(said)

        failed = await take_quiz(ALL_WRONG)
        assert "Bác được 0/4 điểm" in failed and "thử lại" in failed
        progress = texts(await lan.say("/tiendo"))
        assert "nên làm lại" in progress and "1 ngày" in progress  # a failed quiz is a step too
        await lan.tap("Menu")

        clock.now += timedelta(days=1)  # Tuesday: the four missed questions come back
        offer = texts(await lan.say("/start"))
        assert "🧠 Ôn lại 4 câu?" in offer
        review = texts(await lan.tap("Ôn ngay"))
        assert "Ôn lại 1/4" in review
        said = []
        for answer in ("nut nguon", "sai", "1, 2", "nguon"):  # every one right now
            said += await lan.say(answer)
        assert "Ôn xong" in texts(said)

        passed = await take_quiz(ONE_WRONG)  # then pass it, one question still wrong
        assert "🎉" in passed
        progress = texts(await lan.say("/tiendo"))
        assert "2 ngày học liên tiếp" in progress and "1/2 bài học" in progress

    events = await storage.completion_events()
    assert [e["kind"] for e in events if e["kind"].startswith("quiz")] == [
        "quiz_failed",
        "quiz_passed",
    ]
    assert [e["attempt"] for e in events if e["kind"].startswith("quiz")] == [1, 2]
    [row] = await storage.rows("learner")
    assert str(row["last_step_on"]) == "2026-03-03"
