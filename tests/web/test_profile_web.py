"""The profile on the web chat, through the real `hocvuso run` process, across a crash."""

from __future__ import annotations

import signal

from storage import Storage
from tests.conftest import BotProcess, free_port
from tests.web.test_webchat_http import Learner


async def test_profile_resumes_after_a_crash_and_is_saved(db_url: str) -> None:
    server = BotProcess(db_url, free_port()).start()
    learner = Learner(server.base_url)
    try:
        await learner.say("/start")
        await learner.tap("Đồng ý")
        await learner.say("Tân Phú, Đồng Nai")
        assert "Đồng Nai" in learner.said
        if "Nơi nào là của bác" in learner.said:  # several Tân Phú in Đồng Nai: the first
            first = learner.replies[-1]["choices"][0]["label"]
            await learner.tap(first)
        assert "nhóm nào" in learner.said
        await learner.tap("Học sinh, sinh viên")

        assert server.proc is not None
        server.proc.send_signal(signal.SIGKILL)  # no clean shutdown
        server.stop()
        server = BotProcess(db_url, server.port).start()
        await learner.say("/start")
        assert "Chào mừng bác quay lại" in learner.said
        assert "bao nhiêu tuổi" in learner.said  # the next question, where it stopped
        await learner.tap("Từ 16 đến 35 tuổi")
        await learner.say("buoi toi")  # the reminder time, typed without accents
        assert "Bác muốn làm gì" in learner.said
    finally:
        server.stop()

    store = Storage.open(db_url)
    try:
        [row] = await store.rows("learner")
    finally:
        await store.close()
    assert row["province_code"] == "75" and row["commune_code"] is not None
    assert (row["target_group"], row["age_band"], row["reminder_slot"]) == (
        "pupils",
        "16_35",
        "evening",
    )
