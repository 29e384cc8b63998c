"""Lesson drawings on Zalo, through the fake Zalo APIs: the OA uploads each picture once and
sends image messages by attachment id; the Bot Platform tells the picture in words (or sends it
by URL from a public https server)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from storage import Storage
from tests.fakes.fake_zalo import Clock, FakeZalo
from tests.pictured import ALT, pictured_catalog
from tests.zalo.conftest import BotLearner, OALearner, running_bot, running_oa

TED = "6ede9afa66b88fe6d6a9"
USERS = ("2512523625412515", "2512523625412516")
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


async def test_the_oa_uploads_a_drawing_once_and_sends_image_messages(
    sqlite_storage: Storage, fake: FakeZalo, clock: Clock, tmp_path: Path
) -> None:
    catalog = pictured_catalog(tmp_path)
    lesson = catalog.lessons[0]
    async with running_oa(sqlite_storage, catalog, fake, clock, fake.consent()) as oa:
        for user in USERS:
            learner = OALearner(oa, user)
            await learner.follow()
            await learner.choose("Đồng ý")
            shown = await learner.choose(f"Học bài: {lesson.title}")
            image, text = shown[0], shown[1]
            assert image.image is not None and image.text == ALT and not image.buttons
            assert "Bong bóng thứ nhất." in text.text and text.image is None
            assert text.buttons  # the bubble's buttons ride on its text, as before
            await learner.choose("Tiếp tục ▶")  # and they still work
            assert all(message.image is None for message in learner.last)
        [upload] = fake.uploads  # once, for both learners
        assert upload.filename == "phone.png" and upload.content_type == "image/png"
        assert upload.content.startswith(b"\x89PNG")
        assert {m.image for m in fake.oa_messages if m.image} == {upload.attachment_id}
        assert fake.problems == []

        clock.advance(timedelta(days=7))  # an old upload may have expired: upload again
        learner = OALearner(oa, "2512523625412517")
        await learner.follow()
        await learner.choose("Đồng ý")
        await learner.choose(f"Học bài: {lesson.title}")
        assert learner.last[0].image == fake.uploads[-1].attachment_id
    assert len(fake.uploads) == 2 and fake.problems == []


async def test_the_oa_sends_the_alt_text_when_the_drawing_is_gone(
    sqlite_storage: Storage, fake: FakeZalo, clock: Clock, tmp_path: Path
) -> None:
    catalog = pictured_catalog(tmp_path)
    (catalog.lessons_dir / "images" / "phone.svg").unlink()
    lesson = catalog.lessons[0]
    async with running_oa(sqlite_storage, catalog, fake, clock, fake.consent()) as oa:
        learner = OALearner(oa, USERS[0])
        await learner.follow()
        await learner.choose("Đồng ý")
        shown = await learner.choose(f"Học bài: {lesson.title}")
    assert shown[0].text == f"🖼 {ALT}" and shown[0].image is None
    assert fake.uploads == [] and fake.problems == []
