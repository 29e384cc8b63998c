"""Replies -> Telegram messages: pieces under 4,096, keyboards within 64-byte callback data.

How texts are cut is tested once for every channel, in tests/channels/test_text.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.telegram.render import (
    EMPTY_TEXT,
    MAX_CAPTION,
    keyboard_for,
    render,
)
from bot.core import Choice, Reply
from bot.pictures import png_path
from tests.channels.test_text import sentences
from tests.pictured import ALT, NAME, pictured_content


def test_plain_text_is_sent_as_written() -> None:
    text = "Gõ *#123# rồi bấm [Gọi] <nút xanh> _ngay_ & chờ"
    [unit] = render(Reply(text), Path("."))
    assert unit.text == text


def test_keyboard_goes_under_the_last_piece() -> None:
    reply = Reply(sentences(6000), choices=(Choice("3:continue", "Tiếp tục ▶"),))
    units = render(reply, Path("."))
    assert len(units) == 2
    assert units[0].keyboard is None
    assert units[1].keyboard is not None
    [[button]] = units[1].keyboard.inline_keyboard
    assert (button.text, button.callback_data) == ("Tiếp tục ▶", "3:continue")


def test_buttons_only_reply_still_has_text() -> None:
    [unit] = render(Reply("", choices=(Choice("1:a", "A"),)), Path("."))
    assert unit.text == EMPTY_TEXT and unit.keyboard is not None


def test_callback_data_never_exceeds_64_bytes(caplog: pytest.LogCaptureFixture) -> None:
    fine = Choice("12345:lesson.A10", "Bài 10: Nhận diện lừa đảo qua điện thoại " * 3)
    too_long = Choice("1:" + "đ" * 40, "quá dài")
    keyboard = keyboard_for((fine, too_long))
    assert keyboard is not None
    data = [row[0].callback_data for row in keyboard.inline_keyboard]
    assert data == ["12345:lesson.A10"]
    assert all(len(str(d).encode()) <= 64 for d in data)
    assert "longer than 64 bytes" in caplog.text


def test_labels_are_normalised() -> None:
    decomposed = "Tiếng Việt".encode().decode()
    import unicodedata

    keyboard = keyboard_for((Choice("1:x", unicodedata.normalize("NFD", decomposed)),))
    assert keyboard is not None
    assert keyboard.inline_keyboard[0][0].text == unicodedata.normalize("NFC", decomposed)


def test_a_picture_carries_a_short_text_as_its_caption(tmp_path: Path) -> None:
    (tmp_path / "A").mkdir()
    (tmp_path / "A" / "otp.png").write_bytes(b"\x89PNG fake")
    choices = (Choice("1:next", "Tiếp tục ▶"),)
    [unit] = render(Reply("Mã OTP", choices, image="A/otp.png"), tmp_path)
    assert unit.photo == tmp_path / "A" / "otp.png" and unit.text == "Mã OTP"
    assert unit.keyboard is not None and unit.keyboard.inline_keyboard[0][0].text == "Tiếp tục ▶"


def test_a_picture_goes_first_when_the_text_is_longer_than_a_caption(tmp_path: Path) -> None:
    (tmp_path / "A").mkdir()
    (tmp_path / "A" / "otp.png").write_bytes(b"\x89PNG fake")
    long = "Mã OTP " + "x" * MAX_CAPTION
    photo, text = render(Reply(long, image="A/otp.png"), tmp_path)
    assert photo.photo is not None and photo.text is None and photo.keyboard is None
    assert text.photo is None and text.text == long


def test_a_drawing_is_sent_as_its_png(tmp_path: Path) -> None:
    pictured_content(tmp_path)
    lessons = tmp_path / "lessons"
    [unit] = render(Reply("Nút nguồn", image=NAME, alt=ALT), lessons)
    assert unit.photo == png_path(lessons, NAME) and unit.photo.is_file()
    assert unit.text == "Nút nguồn"


@pytest.mark.parametrize("image", ["A/missing.png", "../../etc/passwd"])
def test_missing_or_outside_pictures_are_skipped(tmp_path: Path, image: str) -> None:
    units = render(Reply("Chỉ có chữ", image=image), tmp_path)
    assert [u.text for u in units] == ["Chỉ có chữ"]
