"""Learning together ("học cùng") on the web chat (its JSON API over HTTP) and on Telegram
(the real channel against the fake Bot API), on SQLite and PostgreSQL: an ambassador adds two
villagers without a smartphone and switches between them; each one's completions are theirs
and flagged assisted, each keeps their place, the ambassador's own progress is untouched; an
attestation refused stores nothing; a quiet session ends on its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.content import Catalog
from storage import AssistedSplit, Storage
from tests.assisted.world import BA_DINH, running
from tests.fakes.fake_bot_api import FakeBotApi

CHANNELS = ["webchat", "telegram"]
PASSING = ("2", "sai", "1, 2", "nguon")  # lesson A1's quiz, every answer right
BA_TU, ONG_NAM = "👥 Đang học cùng: Bà Tư", "👥 Đang học cùng: Ông Năm"


async def learners_by_alias(storage: Storage) -> dict[str, dict[str, Any]]:
    learners = {row["id"]: row for row in await storage.rows("learner")}
    return {
        row["alias"]: learners[row["learner_id"]] for row in await storage.rows("assisted_learner")
    }


@pytest.mark.parametrize("channel", CHANNELS)
async def test_two_villagers_switching_each_credited_assisted_and_the_ambassador_untouched(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        me = await world.ambassador(channel)
        # The ambassador's own lesson, read up to its second bubble.
        await me.tap("Học bài: Bài thử một")
        own_bubble = await me.tap("Tiếp tục")
        assert "Bong bóng thứ hai" in own_bubble and "Đang học cùng" not in own_bubble
        mine_before = await world.storage.learner_state(channel, me.ref)
        assert mine_before is not None

        desk = await me.say("/hoccung")
        assert "Học cùng" in desk and me.labels()[0] == "➕ Thêm người mới"
        await me.tap("Thêm người mới")
        refused = await me.say("0912 345 678")
        assert "không lưu số CCCD hay số điện thoại" in refused
        await me.say("Bà Tư")
        await me.tap("Từ 60 tuổi trở lên")
        notice = await me.tap("Người dân")
        assert "bác đọc cho Bà Tư nghe" in notice and "không lưu họ tên" in notice
        opened = await me.tap("Bác ấy đã đồng ý")
        assert "Bắt đầu học cùng Bà Tư" in opened and "30 phút" in opened
        assert BA_TU in opened
        # Bà Tư reads the lesson up to its second bubble: every reply is headed with her name.
        await me.tap("Học bài: Bài thử một")
        mid = await me.tap("Tiếp tục")
        assert "Bong bóng thứ hai" in mid
        assert all(text.startswith(BA_TU) for text in me.texts()), me.texts()
        # /xoadulieu in a session erases nobody: not the ambassador, not Bà Tư.
        assert "/xoadulieu tạm không dùng được" in await me.say("/xoadulieu")

        # Ông Năm (age band and group skipped) passes lesson A1's quiz.
        await me.say("/hoccung")
        await me.tap("Thêm người mới")
        await me.say("Ông Năm")
        await me.tap("Bỏ qua")
        await me.tap("Bỏ qua")
        assert ONG_NAM in await me.tap("Bác ấy đã đồng ý")
        await me.tap("Học bài: Bài thử một")
        while any("Tiếp tục" in label for label in me.labels()):
            await me.tap("Tiếp tục")
        await me.tap("Làm bài kiểm tra")
        said = [await me.say(answer) for answer in PASSING]
        assert "🎉" in said[-1] and ONG_NAM in said[-1]

        # Back to Bà Tư: she continues exactly where she stopped, mid-lesson.
        desk = await me.say("/hoccung")
        assert "Bác đang học cùng Ông Năm" in desk
        assert me.labels()[:2] == ["👤 Bà Tư", "👤 Ông Năm"]
        resumed = await me.tap("👤 Bà Tư")
        assert BA_TU in resumed and "Bong bóng thứ hai" in resumed and "2/3" in resumed
        while any("Tiếp tục" in label for label in me.labels()):
            await me.tap("Tiếp tục")
        # And back to Ông Năm, typing his number: he is past his quiz.
        await me.say("/hoccung")
        back = await me.say("2")
        assert ONG_NAM in back and "Bong bóng" not in back

        await me.say("/hoccung")
        ended = await me.tap("Kết thúc học cùng")
        assert "đã kết thúc" in ended and "Bong bóng thứ hai" in ended  # my own lesson again
        assert "Đang học cùng" not in ended

    villagers = await learners_by_alias(storage)
    assert set(villagers) == {"Bà Tư", "Ông Năm"}
    ba_tu, ong_nam = villagers["Bà Tư"], villagers["Ông Năm"]
    events = await storage.completion_events()
    credited = {(e["learner_id"], e["kind"], e["assisted"]) for e in events}
    assert credited == {
        (ba_tu["id"], "lesson_completed", True),
        (ong_nam["id"], "lesson_completed", True),
        (ong_nam["id"], "quiz_passed", True),
    }
    assert {(e["commune_code"], e["channel"]) for e in events} == {(BA_DINH, channel)}
    snapshot = {e["learner_id"]: (e["age_band"], e["target_group"]) for e in events}
    assert snapshot == {ba_tu["id"]: ("60_plus", "residents"), ong_nam["id"]: (None, None)}
    for villager in (ba_tu, ong_nam):
        assert villager["consent_version"] and villager["consent_at"] is not None
        assert villager["reminder_slot"] == "off" and villager["commune_code"] == BA_DINH
    identities = {row["learner_id"] for row in await storage.rows("channel_identity")}
    assert not identities & {ba_tu["id"], ong_nam["id"]}  # no app of their own
    enrolled = {
        (row["learner_id"], row["via"], row["channel"]) for row in await storage.rows("enrollment")
    }
    assert enrolled == {(ba_tu["id"], "assisted", channel), (ong_nam["id"], "assisted", channel)}

    # The ambassador's own progress: as it was before learning together, nothing more.
    mine = await storage.learner_state(channel, me.ref)
    assert mine is not None and mine.assisting is None
    assert (mine.read, mine.passed, mine.streak) == ([], [], mine_before.streak)
    assert (mine.lesson_id, mine.bubble) == (mine_before.lesson_id, mine_before.bubble)
    assert mine.reviews == [] and mine.certificate is None
    own_events = [e for e in events if e["learner_id"] not in (ba_tu["id"], ong_nam["id"])]
    assert own_events == []
    assert await storage.assisted.completions(BA_DINH) == {
        "lesson_completed": AssistedSplit(own=0, assisted=2),
        "quiz_passed": AssistedSplit(own=0, assisted=1),
    }


@pytest.mark.parametrize("channel", CHANNELS)
async def test_consent_not_given_stores_nothing(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        me = await world.ambassador(channel)
        learners = len(await storage.rows("learner"))
        await me.say("/hoccung")
        await me.tap("Thêm người mới")
        await me.say("Bà Tư")
        await me.tap("Bỏ qua")
        await me.tap("Bỏ qua")
        said = await me.tap("Chưa đồng ý")
        assert "chưa lưu gì" in said and "Thêm người mới" in " ".join(me.labels())
        assert "Bà Tư" not in " ".join(me.labels())
        assert len(await storage.rows("learner")) == learners
        for table in ("assisted_learner", "enrollment", "completion_event"):
            assert await storage.rows(table) == [], table
        # The ambassador's next message is their own: their menu, no session.
        menu = await me.tap("Về việc học của bác")
        assert "Đang học cùng" not in menu and "Học bài: Bài thử một" in me.labels()


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_quiet_session_ends_and_the_next_message_is_the_ambassadors(
    channel: str, fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        me = await world.ambassador(channel)
        await me.say("/hoccung")
        await me.tap("Thêm người mới")
        await me.say("Bà Tư")
        await me.tap("Bỏ qua")
        await me.tap("Bỏ qua")
        await me.tap("Bác ấy đã đồng ý")
        await me.tap("Học bài: Bài thử một")
        world.clock.now += timedelta(minutes=29)  # still on: the reply is Bà Tư's
        assert BA_TU in await me.say("tiep tuc")

        world.clock.now += timedelta(minutes=31)
        ended = await me.say("tiep tuc")  # meant for Bà Tư, but the session has ended
        assert "30 phút không có tin nhắn" in ended and "Đang học cùng" not in ended
        assert "Bác muốn làm gì tiếp" in ended or "Bạn muốn làm gì tiếp" in ended
        villager = (await learners_by_alias(storage))["Bà Tư"]
        assert '"bubble":1' in villager["state"]  # not moved on by the late message
        mine = await storage.learner_state(channel, me.ref)
        assert mine is not None and mine.assisting is None and mine.read == []
        # The next message is the ambassador's own: their lesson, not hers.
        own = await me.tap("Học bài: Bài thử một")
        assert "Bong bóng thứ nhất" in own and "Đang học cùng" not in own
        mine = await storage.learner_state(channel, me.ref)
        assert mine is not None and mine.lesson_id == "A1"


async def test_a_villager_who_gets_a_phone_takes_their_progress_along(
    fake_api: FakeBotApi, storage: Storage, small_catalog: Catalog
) -> None:
    async with running(fake_api, storage, small_catalog) as world:
        me = await world.ambassador("webchat")
        await me.say("/hoccung")
        await me.tap("Thêm người mới")
        await me.say("Bà Tư")
        await me.tap("Bỏ qua")
        await me.tap("Bỏ qua")
        await me.tap("Bác ấy đã đồng ý")
        await me.tap("Học bài: Bài thử một")
        while any("Tiếp tục" in label for label in me.labels()):
            await me.tap("Tiếp tục")
        shown = await me.say("/lienket")  # in the session: Bà Tư's code, not the ambassador's
        assert shown.startswith(BA_TU)
        code = next(word for word in shown.split() if word.isdigit() and len(word) == 6)

        phone = world.person("telegram", 7_400_001)
        linked = await phone.say(f"/lienket {code}")
        assert "liên kết" in linked.lower()
        progress = await phone.say("/tiendo")
        assert "1 ngày học liên tiếp" in progress  # the lesson read with the ambassador
        state = await storage.learner_state("telegram", phone.ref)
        assert state is not None and state.read == ["A1"]

    [ba_tu] = await storage.rows("assisted_learner")
    identities = await storage.rows("channel_identity", learner_id=ba_tu["learner_id"])
    assert [(row["channel"], row["external_id"]) for row in identities] == [
        ("telegram", "7400001")
    ]
    mine = await storage.learner_state("webchat", me.ref)
    assert mine is not None and mine.read == [] and mine.link_code is None
