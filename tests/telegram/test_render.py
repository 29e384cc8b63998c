"""Replies -> Telegram messages: splitting under 4,096, keyboards within 64-byte callback data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.channels.telegram.render import (
    EMPTY_TEXT,
    MAX_TEXT,
    keyboard_for,
    render,
    split_text,
    text_length,
)
from bot.core import Choice, Reply

SENTENCE = "Không bao giờ đưa mã OTP cho người lạ, kể cả khi họ nói là công an. "


def sentences(total: int) -> str:
    text = ""
    while len(text) < total:
        text += SENTENCE
    return text.strip()


def test_short_text_is_one_message() -> None:
    assert split_text("  Xin chào!  ") == ["Xin chào!"]
    assert split_text("   ") == []


def test_six_thousand_characters_split_at_sentences() -> None:
    text = sentences(6000)
    chunks = split_text(text)
    assert len(chunks) == 2
    assert all(text_length(chunk) <= MAX_TEXT for chunk in chunks)
    assert all(chunk.endswith(".") for chunk in chunks)
    assert " ".join(chunks) == text


def test_paragraphs_are_preferred_over_sentences() -> None:
    first, second = sentences(2500), sentences(2500)
    chunks = split_text(f"{first}\n\n{second}")
    assert chunks == [first, second]


def test_lines_then_words_then_anywhere() -> None:
    lines = "\n".join(f"dòng {i} " + "x" * 50 for i in range(200))
    chunks = split_text(lines, 1000)
    assert all(text_length(c) <= 1000 for c in chunks)
    assert "\n".join(chunks) == lines
    words = " ".join(["chữ"] * 3000)
    chunks = split_text(words, 1000)
    assert all(text_length(c) <= 1000 for c in chunks) and " ".join(chunks) == words
    blob = "a" * 2500
    assert split_text(blob, 1000) == ["a" * 1000, "a" * 1000, "a" * 500]


def test_lengths_count_utf16_units_like_telegram() -> None:
    assert text_length("Việt") == 4
    assert text_length("👍") == 2
    chunks = split_text("👍" * 3000)
    assert [text_length(c) for c in chunks] == [4096, 1904]
    assert "".join(chunks) == "👍" * 3000


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


def test_picture_first_then_text(tmp_path: Path) -> None:
    (tmp_path / "A").mkdir()
    (tmp_path / "A" / "otp.png").write_bytes(b"\x89PNG fake")
    units = render(Reply("Mã OTP", image="A/otp.png"), tmp_path)
    assert units[0].photo == tmp_path / "A" / "otp.png" and units[1].text == "Mã OTP"


@pytest.mark.parametrize("image", ["A/missing.png", "../../etc/passwd"])
def test_missing_or_outside_pictures_are_skipped(tmp_path: Path, image: str) -> None:
    units = render(Reply("Chỉ có chữ", image=image), tmp_path)
    assert [u.text for u in units] == ["Chỉ có chữ"]


def test_sentence_breaks_include_vietnamese_punctuation() -> None:
    text = ("Câu hỏi? " * 300 + "Thế thôi… " * 300).strip()
    chunks = split_text(text, 1000)
    assert all(re.search(r"[?…]$", c) for c in chunks)
