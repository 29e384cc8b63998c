"""The real PTB Application against a fake Bot API on 127.0.0.1, in polling and webhook modes."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.channels.telegram.receive import SECRET_HEADER, WEBHOOK_PATH
from bot.channels.telegram.render import MAX_TEXT, text_length
from bot.content import Catalog
from bot.core import COMMANDS as CORE_COMMANDS
from bot.core import Choice, InboundMessage, InputKind, Reply
from bot.errors import StorageError
from bot.pictures import png_path
from bot.service import ConversationService, utc_now
from lessons.models import Bubble
from storage import Storage
from storage.tables import inbox_t
from tests.fakes.fake_bot_api import FakeBotApi
from tests.pictured import NAME, pictured_catalog
from tests.telegram import updates
from tests.telegram.conftest import MODES, SECRET, fast_options, running_bot

VIETNAMESE_AGREE = "Đồng ý"
SORRY = "Xin lỗi, mình chỉ đọc được chữ"


async def inbox_rows(storage: Storage) -> list[dict]:
    async with storage.reading() as conn:
        rows = (await conn.execute(select(inbox_t).order_by(inbox_t.c.id))).mappings().all()
    return [dict(row) for row in rows]


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


# -- the learner's journey ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_full_journey_with_buttons_and_one_typed_answer(
    fake_api: FakeBotApi,
    storage: Storage,
    small_catalog: Catalog,
    mode: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(fake_api, storage, small_catalog, mode) as bot:
        lan = bot.learner(5_000_001)
        welcome = await lan.say("/start")
        assert len(welcome) == 2 and "Học vụ số" in welcome[0].text
        assert [label for label, _ in welcome[-1].buttons][0] == VIETNAMESE_AGREE
        profile = await lan.tap(VIETNAMESE_AGREE)
        assert "xã, phường nào" in profile[-1].text
        menu = await lan.tap("Bỏ qua phần này")
        assert "Bác muốn làm gì" in menu[-1].text
        lesson = await lan.tap("Học bài: Bài thử một")
        assert "Bong bóng thứ nhất." in lesson[-1].text
        assert "Bong bóng thứ hai." in (await lan.tap("Tiếp tục"))[-1].text
        assert "bấm nút nguồn" in (await lan.tap("Tiếp tục"))[-1].text
        question = await lan.tap("Làm bài kiểm tra")
        assert "Nút nào bật máy?" in question[-1].text
        assert "✅" in (await lan.tap("Nút nguồn"))[0].text  # q1, single choice
        assert "✅" in (await lan.tap("Sai"))[0].text  # q2, true/false
        await lan.tap("Mã OTP")  # q3, multiple: two taps, then "Xong"
        await lan.tap("Mật khẩu")
        assert "✅" in (await lan.tap("Xong"))[0].text
        finale = await lan.say("nut nguon")  # q4, typed without diacritics
        assert "✅" in finale[0].text and "🎉" in finale[-1].text

    state = await storage.learner_state("telegram", "5000001")
    assert state is not None and state.passed == ["A1"]
    kinds = [event["kind"] for event in await storage.completion_events()]
    assert kinds == ["lesson_completed", "quiz_passed"]
    taps = [u for u in fake_api.calls_to("answerCallbackQuery")]
    assert len(taps) == 11  # every button tap's spinner was stopped
    for call in fake_api.calls_to("sendMessage"):
        assert "parse_mode" not in call.params and text_length(call.params["text"]) <= MAX_TEXT
    assert not fake_api.unknown
    rows = await inbox_rows(storage)
    assert all(row["processed_at"] is not None for row in rows)
    assert not any("lan_nguyen" in row["payload"] or "Nguyễn" in row["payload"] for row in rows)
    no_errors(caplog)


@pytest.mark.parametrize("mode", MODES)
async def test_deep_link_enrollment_stores_the_invite(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, mode: str
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, mode) as bot:
        await bot.learner(5_000_002).say("/start inv_HN-0042")
        await bot.learner(5_000_003).say("/start not a valid payload!")
    invited = await sqlite_storage.learner_state("telegram", "5000002")
    assert invited is not None and invited.invite == "inv_HN-0042"
    other = await sqlite_storage.learner_state("telegram", "5000003")
    assert other is not None and other.invite is None


async def test_start_publishes_commands_and_registers_the_webhook(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook"):
        pass
    menus = {
        c.params.get("language_code"): c.params["commands"]
        for c in fake_api.calls_to("setMyCommands")
    }
    assert set(menus) >= {None, "vi", "en"}
    assert [c["command"] for c in menus["vi"]][:3] == ["start", "menu", "tiendo"]
    assert [c["command"] for c in menus["en"]][:3] == ["start", "menu", "progress"]
    assert menus[None] == menus["vi"]  # the default locale
    assert {"thi", "giadinh"} <= {c["command"] for c in menus["vi"]}
    assert {"contest", "family"} <= {c["command"] for c in menus["en"]}
    for menu in menus.values():
        assert all(c["command"] in CORE_COMMANDS and c["description"] for c in menu)
    [hook] = fake_api.calls_to("setWebhook")
    assert hook.params["url"].endswith(WEBHOOK_PATH) and hook.params["secret_token"] == SECRET
    assert set(hook.params["allowed_updates"]) == {
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
    }
    assert not fake_api.calls_to("getUpdates") and not fake_api.calls_to("deleteWebhook")


async def test_polling_mode_removes_a_webhook_and_long_polls(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, "polling") as bot:
        await bot.learner(5_000_004).say("/start")
    methods = [call.method for call in fake_api.calls]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    poll = fake_api.calls_to("getUpdates")[0].params
    assert poll["timeout"] == 5 and "callback_query" in poll["allowed_updates"]


# -- webhook security and durability --------------------------------------------------------------


async def test_forged_or_missing_secret_is_refused_and_nothing_is_processed(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook") as bot:
        update = updates.text(5_000_005, "/start")
        assert await fake_api.deliver(update, secret="not-the-secret") == 403
        assert await fake_api.deliver(update, secret="") == 401
        assert await fake_api.deliver(update, raw=b"{not json", secret=SECRET) == 400
        assert await fake_api.deliver({"no": "update_id"}, secret=SECRET) == 400
        await bot.channel.join()
    assert await inbox_rows(sqlite_storage) == []
    assert fake_api.sent == []
    assert await sqlite_storage.learner_state("telegram", "5000005") is None


@pytest.mark.parametrize("mode", MODES)
async def test_a_repeated_update_has_no_second_effect(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, mode: str
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, mode) as bot:
        lan = bot.learner(5_000_006)
        await lan.say("/start")
        agree = updates.tap(lan.user_id, lan.button(VIETNAMESE_AGREE))
        assert await bot.send(agree) == 200
        after_first = len(lan.messages)
        assert await bot.send(agree) == 200  # Telegram delivers the same update_id again
        if mode == "polling":
            fake_api.push(agree, agree)  # ...or twice in one batch
            await fake_api.wait_for(lambda: not fake_api._queue)
            await bot.channel.join()
        assert len(lan.messages) == after_first
    rows = await sqlite_storage.rows("processed_message")
    assert len(rows) == 2  # /start and the tap, once each
    assert len(await inbox_rows(sqlite_storage)) == 2


async def test_updates_received_while_stopped_are_handled_on_start(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog
) -> None:
    """A crash after acknowledging (stored, not processed) or after handling (not sent)."""
    import aiohttp

    user_a, user_b = 5_000_007, 5_000_008
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook", start=False) as bot:
        # The webhook is already registered at Telegram from an earlier run: an update arrives
        # before start() and is only stored.
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                bot.url + WEBHOOK_PATH,
                json=updates.text(user_a, "/start"),
                headers={SECRET_HEADER: SECRET},
            ) as response,
        ):
            assert response.status == 200
        # Another one was handled (state committed) but the process died before sending.
        crashed = updates.text(user_b, "/start")
        key = f"{fake_api.bot_id}:{crashed['update_id']}"
        handled = await bot.channel.service.handle(
            InboundMessage(
                "telegram", str(user_b), InputKind.COMMAND, utc_now(), key, command="start"
            )
        )
        await sqlite_storage.inbox.store("telegram", key, json.dumps(crashed), utc_now())
        assert fake_api.sent == []
        await bot.channel.start()
        await fake_api.wait_for(lambda: len(fake_api.sent) == 4)
        await bot.channel.join()
    assert len(fake_api.texts_to(user_a)) == 2
    assert fake_api.texts_to(user_b) == [reply.text for reply in handled.replies]
    state = await sqlite_storage.learner_state("telegram", str(user_b))
    assert state is not None and state.turn == 1  # handled once, sent after the restart
    assert all(row["processed_at"] is not None for row in await inbox_rows(sqlite_storage))


# -- Telegram's limits and refusals ---------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_429_waits_retry_after_and_resends_the_same_message(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, mode: str
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, mode) as bot:
        lan = bot.learner(5_000_009)
        fake_api.fail(
            "sendMessage",
            chat_id=lan.user_id,
            status=429,
            description="Too Many Requests: retry after 1",
            retry_after=1,
        )
        started = time.monotonic()
        replies = await lan.say("/start")
    [refused] = fake_api.served_failures
    assert len(replies) == 2 and "Học vụ số" in replies[0].text  # nothing lost, order kept
    assert replies[0].params["text"] == refused.params["text"]
    assert replies[0].at - refused.at >= 0.95
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("mode", MODES)
async def test_403_marks_the_learner_unreachable_until_they_write_again(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, mode: str
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, mode) as bot:
        lan = bot.learner(5_000_010)
        await lan.say("/start")
        assert await sqlite_storage.identities.is_reachable("telegram", "5000010")
        fake_api.fail(
            "sendMessage",
            chat_id=lan.user_id,
            status=403,
            description="Forbidden: bot was blocked by the user",
        )
        assert await lan.tap(VIETNAMESE_AGREE) == []  # the rest of the replies are not tried
        assert len(fake_api.served_failures) == 1
        assert not await sqlite_storage.identities.is_reachable("telegram", "5000010")
        [identity] = await sqlite_storage.rows("channel_identity", external_id="5000010")
        assert identity["unreachable_reason"] == "blocked"
        assert len(await lan.say("/menu")) >= 1  # they unblocked the bot and wrote again
        assert await sqlite_storage.identities.is_reachable("telegram", "5000010")


async def test_blocking_the_bot_marks_the_learner_unreachable(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook") as bot:
        lan = bot.learner(5_000_011)
        await lan.say("/start")
        assert await lan.send(updates.of_kind("my_chat_member", lan.user_id)) == []
    assert not await sqlite_storage.identities.is_reachable("telegram", "5000011")


# -- long texts, other kinds of message -----------------------------------------------------------


def long_lesson_catalog(base: Catalog) -> tuple[Catalog, str]:
    sentence = "Không bao giờ đọc mã OTP cho người khác, kể cả người xưng là công an. "
    text = (sentence * (6000 // len(sentence) + 1)).strip()
    assert len(text) >= 6000
    lesson = base.lessons[0]
    bubbles = [Bubble.model_construct(text=text, image=None), *lesson.bubbles[1:]]
    long_lesson = lesson.model_copy(update={"bubbles": bubbles})
    catalog = Catalog(
        modules=base.modules,
        lessons=(long_lesson, *base.lessons[1:]),
        quizzes=base.quizzes,
        version="long-test",
        lessons_dir=base.lessons_dir,
    )
    return catalog, text


@pytest.mark.parametrize("mode", MODES)
async def test_a_6000_character_lesson_is_split_at_sentences(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, mode: str
) -> None:
    catalog, text = long_lesson_catalog(small_catalog)
    async with running_bot(fake_api, sqlite_storage, catalog, mode) as bot:
        lan = bot.learner(5_000_012)
        await lan.say("/start")
        await lan.tap(VIETNAMESE_AGREE)
        pieces = await lan.tap("Học bài")
    assert len(pieces) == 2
    assert all(text_length(p.text or "") <= MAX_TEXT for p in pieces)
    assert pieces[0].text.endswith(".") and pieces[0].buttons == []
    assert [label for label, _ in pieces[1].buttons] == ["Tiếp tục ▶", "Menu"]
    shown = " ".join(p.text or "" for p in pieces)
    assert shown.endswith(text) and shown.startswith("📘 Bài thử một")


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "edited_message"])
async def test_media_and_edits_get_a_short_friendly_answer(
    fake_api: FakeBotApi,
    sqlite_storage: Storage,
    small_catalog: Catalog,
    kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook") as bot:
        lan = bot.learner(5_000_013)
        await lan.say("/start")
        before = await sqlite_storage.learner_state("telegram", "5000013")
        answer = await lan.send(updates.of_kind(kind, lan.user_id))
    assert SORRY in answer[0].text
    assert answer[-1].buttons and answer[-1].buttons[0][0] == VIETNAMESE_AGREE  # the prompt again
    after = await sqlite_storage.learner_state("telegram", "5000013")
    assert after == before
    no_errors(caplog)


@pytest.mark.parametrize("kind", ["group_message", "channel_post"])
async def test_groups_and_channel_posts_are_ignored(
    fake_api: FakeBotApi,
    sqlite_storage: Storage,
    small_catalog: Catalog,
    kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook") as bot:
        assert await bot.send(updates.of_kind(kind, 5_000_014)) == 200
    assert fake_api.sent == []
    [row] = await inbox_rows(sqlite_storage)
    assert row["processed_at"] is not None and row["last_error"] is None
    no_errors(caplog)


@pytest.mark.parametrize("mode", MODES)
async def test_a_malformed_update_is_skipped_without_stopping_the_others(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, mode: str
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, mode) as bot:
        broken = {"update_id": 1, "poll_answer": {"poll_id": "1", "option_ids": [0]}}
        assert await bot.send(broken) == 200
        assert len(await bot.learner(5_000_015).say("/start")) == 2
    rows = await inbox_rows(sqlite_storage)
    assert rows[0]["last_error"] == "unreadable update" and rows[0]["processed_at"] is not None


# -- concurrency and order ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_a_held_send_does_not_block_other_learners_and_order_is_kept(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, mode: str
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, mode) as bot:
        slow, quick = 5_000_016, 5_000_017
        gate = fake_api.hold(slow)
        await bot.send(updates.text(slow, "/start"), wait=False)
        await bot.send(updates.text(slow, "/tiendo"), wait=False)  # asks for consent
        await fake_api.wait_for(
            lambda: any(a.params["chat_id"] == slow for a in fake_api.arrivals)
        )
        await bot.send(updates.text(quick, "/start"), wait=False)
        await fake_api.wait_for(lambda: len(fake_api.sent_to(quick)) == 2)
        # The slow learner's first message is still open; nothing else of theirs has left.
        assert fake_api.sent_to(slow) == []
        assert sum(a.params["chat_id"] == slow for a in fake_api.arrivals) == 1
        gate.set()
        await asyncio.wait_for(bot.channel.join(), 10)
    texts = fake_api.texts_to(slow)
    assert len(texts) == 4
    assert texts[:2] == fake_api.texts_to(quick)  # /start: the welcome, then the consent prompt
    assert texts[2].startswith("Bài kiểm tra, tiến độ học")  # then /tiendo's answer


async def test_many_sends_are_in_flight_at_once(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog
) -> None:
    fake_api.send_delay = 0.2
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook") as bot:
        started = time.monotonic()
        await asyncio.gather(
            *(bot.send(updates.text(6_000_000 + i, "/start"), wait=False) for i in range(20))
        )
        await asyncio.wait_for(bot.channel.join(), 10)
        elapsed = time.monotonic() - started
    assert len(fake_api.sent) == 40
    assert elapsed < 2.0  # one at a time would take 40 x 0.2 s = 8 s


async def test_per_chat_pacing_in_the_running_bot(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog
) -> None:
    from bot.channels.telegram.ratelimit import ChatRateLimiter

    limiter = ChatRateLimiter(per_chat_rate=5, per_chat_burst=1, overall_rate=1000)
    async with running_bot(
        fake_api, sqlite_storage, small_catalog, "webhook", limiter=limiter
    ) as bot:
        await asyncio.gather(
            bot.learner(5_000_018).say("/start"), bot.learner(5_000_025).say("/start")
        )
    for chat in (5_000_018, 5_000_025):
        starts = [a.at for a in fake_api.arrivals if a.params["chat_id"] == chat]
        assert len(starts) == 2 and starts[1] - starts[0] >= 0.15  # 5 per second, no burst
    first = [a.at for a in fake_api.arrivals[:2]]
    assert abs(first[1] - first[0]) < 0.1  # the two chats did not wait for each other


# -- transient failures ---------------------------------------------------------------------------


async def test_a_database_hiccup_is_retried(
    fake_api: FakeBotApi,
    sqlite_storage: Storage,
    small_catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ConversationService.handle
    failures = [StorageError("database is locked", transient=True)]

    async def flaky(self: ConversationService, message: InboundMessage):  # type: ignore[no-untyped-def]
        if failures:
            raise failures.pop()
        return await real(self, message)

    monkeypatch.setattr(ConversationService, "handle", flaky)
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook") as bot:
        assert len(await bot.learner(5_000_019).say("/start")) == 2
    [row] = await inbox_rows(sqlite_storage)
    assert row["processed_at"] is not None and row["last_error"] is None


async def test_a_database_outage_ends_with_an_apology(
    fake_api: FakeBotApi,
    sqlite_storage: Storage,
    small_catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def down(self: ConversationService, message: InboundMessage):  # type: ignore[no-untyped-def]
        raise StorageError("connection refused", transient=True)

    monkeypatch.setattr(ConversationService, "handle", down)
    options = fast_options(max_attempts=3, retry_delay=0.01)
    async with running_bot(
        fake_api, sqlite_storage, small_catalog, "webhook", options=options
    ) as bot:
        replies = await bot.learner(5_000_020).say("/start")
    [apology] = ConversationService(sqlite_storage, small_catalog).unavailable_replies("vi")
    assert [reply.text for reply in replies] == [apology.text]
    [row] = await inbox_rows(sqlite_storage)
    assert row["last_error"].startswith("StorageError") and row["processed_at"] is not None


async def test_a_network_error_resumes_after_the_last_accepted_message(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook") as bot:
        lan = bot.learner(5_000_021)
        await lan.say("/start")
        fake_api.fail("sendMessage", chat_id=lan.user_id, status=502, description="Bad Gateway")
        replies = await lan.tap(VIETNAMESE_AGREE)
    assert len(replies) == 2  # sent once each: the retry did not repeat anything
    assert len(fake_api.served_failures) == 1
    state = await sqlite_storage.learner_state("telegram", "5000021")
    assert state is not None and state.consent and state.turn == 2


async def test_lesson_pictures_are_uploaded_once_then_reused(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, tmp_path: Path
) -> None:
    (tmp_path / "A").mkdir()
    (tmp_path / "A" / "phone.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    lesson = small_catalog.lessons[0].model_copy(update={"image": "A/phone.png"})
    catalog = Catalog(
        modules=small_catalog.modules,
        lessons=(lesson, *small_catalog.lessons[1:]),
        quizzes=small_catalog.quizzes,
        version="pictures",
        lessons_dir=tmp_path,
    )
    async with running_bot(fake_api, sqlite_storage, catalog, "polling") as bot:
        for user in (5_000_022, 5_000_023):
            lan = bot.learner(user)
            await lan.say("/start")
            await lan.tap(VIETNAMESE_AGREE)
            shown = await lan.tap("Học bài")
            assert [m.method for m in shown] == ["sendPhoto"]  # the bubble is its caption
    first, second = (call.params["photo"] for call in fake_api.calls_to("sendPhoto"))
    assert first["filename"] == "phone.png" and first["size"] == 72  # uploaded as a file
    assert isinstance(second, str) and second.startswith("photo-file-")  # then by file_id


async def test_a_lesson_drawing_goes_as_a_photo_with_the_bubble_as_caption(
    fake_api: FakeBotApi, sqlite_storage: Storage, tmp_path: Path
) -> None:
    catalog = pictured_catalog(tmp_path)
    lessons = catalog.lessons_dir
    async with running_bot(fake_api, sqlite_storage, catalog, "webhook") as bot:
        for user in (5_000_025, 5_000_026):
            lan = bot.learner(user)
            await lan.say("/start")
            await lan.tap(VIETNAMESE_AGREE)
            [photo] = await lan.tap("Học bài")
            assert photo.method == "sendPhoto" and photo.text is not None
            assert "Bong bóng thứ nhất." in photo.text
            assert [label for label, _data in photo.buttons][0] == "Tiếp tục ▶"
            shown = await lan.tap("Tiếp tục ▶")  # the buttons under the photo work
            assert [m.method for m in shown] == ["sendMessage"]
    first, second = (call.params["photo"] for call in fake_api.calls_to("sendPhoto"))
    png = png_path(lessons, NAME)
    assert first["filename"] == "phone.png" and first["size"] == png.stat().st_size
    assert first["content"].startswith(b"\x89PNG")  # the drawing, rendered
    assert isinstance(second, str) and second.startswith("photo-file-")  # then by file id


async def test_a_file_id_telegram_refuses_is_forgotten_and_the_picture_uploaded_again(
    fake_api: FakeBotApi, sqlite_storage: Storage, tmp_path: Path
) -> None:
    catalog = pictured_catalog(tmp_path)
    async with running_bot(fake_api, sqlite_storage, catalog, "polling") as bot:
        for user in (5_000_027, 5_000_028):
            if user == 5_000_028:
                fake_api.fail(
                    "sendPhoto",
                    chat_id=user,
                    status=400,
                    description="Bad Request: wrong file identifier/HTTP URL specified",
                )
            lan = bot.learner(user)
            await lan.say("/start")
            await lan.tap(VIETNAMESE_AGREE)
            [photo] = await lan.tap("Học bài")
            assert photo.method == "sendPhoto"
    uploads = [call.params["photo"] for call in fake_api.calls_to("sendPhoto")]
    assert [isinstance(photo, dict) for photo in uploads] == [True, False, True]


async def test_stop_parks_unfinished_work_and_the_next_start_finishes_it(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog
) -> None:
    options = fast_options(stop_grace=0.1)
    async with running_bot(
        fake_api, sqlite_storage, small_catalog, "webhook", options=options
    ) as bot:
        gate = fake_api.hold(5_000_024)
        await bot.send(updates.text(5_000_024, "/start"), wait=False)
        await fake_api.wait_for(lambda: bool(fake_api.arrivals))
    [row] = await inbox_rows(sqlite_storage)
    assert row["processed_at"] is None and fake_api.sent == []
    gate.set()
    async with running_bot(fake_api, sqlite_storage, small_catalog, "webhook") as bot:
        await fake_api.wait_for(lambda: len(fake_api.sent) == 2)
        await bot.channel.join()
    assert "Học vụ số" in fake_api.texts_to(5_000_024)[0]
    [row] = await inbox_rows(sqlite_storage)
    assert row["processed_at"] is not None


@pytest.mark.parametrize("mode", MODES)
async def test_learners_writing_at_once_are_all_answered(
    fake_api: FakeBotApi, sqlite_storage: Storage, small_catalog: Catalog, mode: str
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, mode) as bot:
        learners = [bot.learner(7_000_000 + i) for i in range(8)]
        answers = await asyncio.gather(*(learner.say("/start") for learner in learners))
    assert [len(answer) for answer in answers] == [2] * 8
    async with sqlite_storage.reading() as conn:
        assert await conn.scalar(select(func.count()).select_from(inbox_t)) == 8


# -- rendering, remembered ------------------------------------------------------------------------


async def test_replies_are_rendered_once_unless_they_have_a_picture_or_lose_buttons(
    fake_api: FakeBotApi,
    sqlite_storage: Storage,
    small_catalog: Catalog,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(fake_api, sqlite_storage, small_catalog, "polling", start=False) as bot:
        channel = bot.channel
        prompt = Reply("Bạn đồng ý chứ?", (Choice("1:agree", "Đồng ý"), Choice("1:no", "Không")))
        units = channel.sender.render(prompt)
        assert channel.sender.render(Reply(prompt.text, prompt.choices)) is units
        assert [u.text for u in units] == [prompt.text] and units[0].keyboard is not None

        pictured = Reply("Ảnh", image="A/missing.png")
        assert channel.sender.render(pictured) is not channel.sender.render(pictured)

        too_long = Reply("?", (Choice("1:" + "x" * 70, "Quá dài"), Choice("1:ok", "Được")))
        with caplog.at_level(logging.ERROR):
            first, second = channel.sender.render(too_long), channel.sender.render(too_long)
        assert first is not second and first == second
        assert sum("longer than 64 bytes" in r.getMessage() for r in caplog.records) == 2


async def test_the_database_down_during_a_resume_does_not_kill_the_resume(
    fake_api: FakeBotApi,
    sqlite_storage: Storage,
    small_catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stored updates go out as soon as the database is back, not at the next sweep."""
    user = 5_000_031
    stored = updates.text(user, "/start")
    key = f"{fake_api.bot_id}:{stored['update_id']}"
    await sqlite_storage.inbox.store("telegram", key, json.dumps(stored), utc_now())
    real = sqlite_storage.inbox.pending
    outage = {"reads": 0}

    async def down_for_a_while(*args, **kwargs):  # type: ignore[no-untyped-def]
        outage["reads"] += 1
        if outage["reads"] <= 3:
            # What the storage front door raises for a database that does not answer.
            raise StorageError("the database is unreachable: connection refused", transient=True)
        return await real(*args, **kwargs)

    monkeypatch.setattr(sqlite_storage.inbox, "pending", down_for_a_while)
    options = fast_options(sweep_interval=3600.0)  # the sweep cannot be what rescues it
    async with running_bot(
        fake_api, sqlite_storage, small_catalog, "polling", options=options
    ) as bot:
        await fake_api.wait_for(lambda: len(fake_api.texts_to(user)) == 2, within=10)
        assert outage["reads"] > 3
        await bot.channel.join()
    assert all(row["processed_at"] is not None for row in await inbox_rows(sqlite_storage))
