"""The Zalo OA channel end to end: fake Zalo <-> webhook <-> inbox <-> service <-> CS API."""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest

from bot.channels.zalo_oa.adapter import CHANNEL
from bot.content import Catalog
from storage import Storage
from tests.fakes.fake_zalo import APP_SECRET, OA_SECRET_KEY, Clock, FakeZalo
from tests.web.journey import answer_plan, first_lesson
from tests.zalo.conftest import (
    OALearner,
    assert_first_lesson_recorded,
    fixture,
    inbox_rows,
    running_oa,
)

USER = "2468458835291979220"


async def test_learner_journey_with_buttons(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    lesson, quiz = first_lesson(a1_catalog)
    async with running_oa(storage, a1_catalog, fake, clock, fake.consent()) as oa:
        learner = OALearner(oa, USER)
        await learner.follow()
        assert "Học vụ số" in learner.said
        assert [title for title, _ in learner.last[-1].buttons][0] == "Đồng ý"
        await learner.choose("Đồng ý")
        await learner.choose(f"Học bài: {lesson.title}")
        await learner.finish_first_lesson(a1_catalog)
        # A button from an older message changes nothing and says so.
        await learner.say("1:agree")
        assert "tin nhắn cũ" in learner.said

    await assert_first_lesson_recorded(storage, a1_catalog, CHANNEL)
    # Choices went out as hidden-query buttons (every tap above used one); text within limits.
    assert sum(1 for m in fake.oa_messages if m.buttons) >= len(answer_plan(quiz)[0])
    assert all(len(m.text) <= 2000 for m in fake.oa_messages)
    assert all(row["processed_at"] is not None for row in await inbox_rows(storage, CHANNEL))


async def test_forged_missing_and_stale_requests_are_refused(
    sqlite_storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_oa(sqlite_storage, a1_catalog, fake, clock, fake.consent()) as oa:
        event = oa.text(USER, "Xin chào")
        raw = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        good = fake.sign(raw, event["timestamp"])
        tampered = oa.text(USER, "Xin chao")
        tampered["message"]["msg_id"] = event["message"]["msg_id"]
        stale = oa.text(USER, "cũ")
        stale["timestamp"] = str(int(event["timestamp"]) - 2 * 24 * 3600 * 1000)
        future = oa.text(USER, "tương lai")
        future["timestamp"] = str(int(event["timestamp"]) + 3600 * 1000)
        no_timestamp = oa.text(USER, "không giờ")
        del no_timestamp["timestamp"]
        cases = {
            "missing header": (event, {"signature": ""}),
            "wrong secret": (event, {"secret": "not-the-secret"}),
            "body changed after signing": (tampered, {"signature": good}),
            "signature without mac=": (event, {"signature": "mac=" + "0" * 64}),
            "stale": (stale, {}),
            "from the future": (future, {}),
            "no timestamp": (no_timestamp, {}),
        }
        for name, (body, kwargs) in cases.items():
            status = await oa.post(body, wait=False, **kwargs)
            assert status == 401, name
        status, _ = await fake.post_oa_event(
            oa.url, {}, signature=good, headers={"Content-Type": "application/json"}
        )
        assert status == 401  # signed for another body
        async with (
            aiohttp.ClientSession() as http,
            http.post(oa.url, data=b"{not json", headers={"X-ZEvent-Signature": good}) as response,
        ):
            assert response.status == 400
        await oa.runtime.worker.wait_idle()
        assert await inbox_rows(sqlite_storage, CHANNEL) == []
        assert fake.oa_attempts == 0
        assert await sqlite_storage.rows("learner") == []


async def test_either_secret_signs_and_the_match_is_logged(
    sqlite_storage: Storage,
    a1_catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.zalo_oa")
    async with running_oa(sqlite_storage, a1_catalog, fake, clock, fake.consent()) as oa:
        assert await oa.post(oa.text(USER, "/start"), secret=OA_SECRET_KEY) == 200
        assert await oa.post(oa.text(USER, "menu"), secret=APP_SECRET) == 200
        # Some integrations sign with an X-ZEvent-Timestamp header instead of the body field.
        event = oa.text(USER, "menu")
        raw = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        header_ts = str(int(event["timestamp"]) + 7)
        signature = fake.sign(raw, header_ts)
        headers = {"X-ZEvent-Timestamp": header_ts}
        assert await oa.post(event, signature=signature, headers=headers) == 200
    matched = [r.getMessage() for r in caplog.records if "signature matched" in r.getMessage()]
    assert any("OA secret key" in m for m in matched) and any("app secret" in m for m in matched)
    assert len(fake.messages_to(USER)) >= 2


async def test_replayed_event_is_processed_once(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_oa(storage, a1_catalog, fake, clock, fake.consent()) as oa:
        event = oa.text(USER, "/start")
        assert await oa.post(event) == 200
        first = len(fake.messages_to(USER))
        assert first >= 1
        # Zalo retries (after processing, and twice at once): acknowledged, not processed.
        assert await oa.post(event) == 200
        statuses = await asyncio.gather(oa.post(event, wait=False), oa.post(event, wait=False))
        assert statuses == [200, 200]
        await oa.runtime.worker.wait_idle()
        assert len(fake.messages_to(USER)) == first
        assert len(await inbox_rows(storage, CHANNEL)) == 1
        assert len(await storage.rows("processed_message")) == 1


async def test_acknowledges_within_two_seconds_and_processes_after(
    sqlite_storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    fake.oa_gate = asyncio.Event()  # Zalo's send API hangs: the webhook must not wait for it
    async with running_oa(sqlite_storage, a1_catalog, fake, clock, fake.consent()) as oa:
        fake.interacted(USER)
        status, elapsed = await fake.post_oa_event(oa.url, oa.text(USER, "/start"))
        assert status == 200 and elapsed < 2.0
        await fake.wait_for(lambda: fake.oa_attempts >= 1)  # processing started after the 200
        assert fake.messages_to(USER) == []
        fake.oa_gate.set()
        await oa.runtime.worker.wait_idle()
        assert "Học vụ số" in fake.messages_to(USER)[0].text


async def test_every_event_shape_is_handled_without_an_exception(
    sqlite_storage: Storage,
    a1_catalog: Catalog,
    fake: FakeZalo,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with running_oa(sqlite_storage, a1_catalog, fake, clock, fake.consent()) as oa:
        learner = OALearner(oa, USER)
        await learner.follow()
        assert "Học vụ số" in learner.said
        for name in (
            "oa_user_send_image.json",
            "oa_user_send_sticker.json",
            "oa_user_send_location.json",
        ):
            await learner._send(oa.event(name, USER))
            assert "chỉ đọc được chữ" in learner.said, name
        quiet = (
            "oa_user_received_message.json",
            "oa_user_seen_message.json",
            "oa_oa_send_text.json",
            "oa_user_send_group_text.json",
            "oa_unknown_event.json",
            "oa_user_submit_info.json",
        )
        for name in quiet:
            assert await learner._send(oa.event(name, USER)) == [], name
        await learner._send(oa.event("oa_unfollow.json", USER))
        assert learner.last == []
        [identity] = await sqlite_storage.rows("channel_identity")
        assert identity["unreachable_reason"] == "unfollowed the OA"
        rows = await inbox_rows(sqlite_storage, CHANNEL)
        assert all(row["processed_at"] is not None and row["attempts"] == 0 for row in rows)
        [form] = [row for row in rows if "user_submit_info" in row["payload"]]
        assert "0912345678" not in form["payload"] and "info" not in json.loads(form["payload"])
        # Writing again makes the learner reachable again.
        await learner.say("menu")
        [identity] = await sqlite_storage.rows("channel_identity")
        assert identity["unreachable_since"] is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("user_reacted_message event ignored" in r.getMessage() for r in caplog.records)


async def test_events_stored_before_a_crash_are_processed_on_start(
    storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    event = fixture("oa_user_send_text.json")
    event |= {"timestamp": str(int(clock.now().timestamp() * 1000))}
    event["sender"]["id"] = USER
    event["message"]["text"] = "/start"
    # The webhook stored it and the process died before the worker ran.
    await storage.inbox.store(CHANNEL, event["message"]["msg_id"], json.dumps(event), clock.now())
    fake.interacted(USER)
    async with running_oa(storage, a1_catalog, fake, clock, fake.consent()) as oa:
        await oa.runtime.worker.wait_idle()
        assert "Học vụ số" in "\n".join(m.text for m in fake.messages_to(USER))


async def test_a_restart_button_after_erasure(
    sqlite_storage: Storage, a1_catalog: Catalog, fake: FakeZalo, clock: Clock
) -> None:
    async with running_oa(sqlite_storage, a1_catalog, fake, clock, fake.consent()) as oa:
        learner = OALearner(oa, USER)
        await learner.follow()
        await learner.choose("Đồng ý")
        await learner.say("/xoadulieu")
        await learner.choose("Có, xóa dữ liệu")
        assert [title for title, _ in learner.last[-1].buttons] == ["Bắt đầu lại"]
        await learner.choose("Bắt đầu lại")
        assert learner.last[0].text.startswith("Xin chào bác!")
        assert [title for title, _ in learner.last[-1].buttons][0] == "Đồng ý"
