"""The one text splitter every channel uses (`bot.channels.text`): Telegram cuts under 4,096
UTF-16 units, Zalo OA and Zalo Bot under 2,000."""

from __future__ import annotations

import re
import unicodedata

import pytest

from bot.channels.text import split_text, utf16_len

TELEGRAM, ZALO = 4096, 2000
SENTENCE = "Không bao giờ đưa mã OTP cho người lạ, kể cả khi họ nói là công an. "


def sentences(total: int) -> str:
    """Whole sentences, about `total` characters (also used by tests/telegram/test_render.py)."""
    text = ""
    while len(text) < total:
        text += SENTENCE
    return text.strip()


def test_short_and_blank_texts() -> None:
    assert split_text("  Xin chào!  ", TELEGRAM) == ["Xin chào!"]
    assert split_text("   ", ZALO) == []
    assert split_text("", ZALO) == []
    assert split_text("a" * ZALO, ZALO) == ["a" * ZALO]  # exactly at the limit: one piece


def test_text_is_nfc_normalised_before_it_is_measured() -> None:
    assert split_text("Cafe\u0301", ZALO) == ["Café"]
    decomposed = unicodedata.normalize("NFD", "Tiếng Việt có dấu. " * 100)
    assert utf16_len(decomposed) > ZALO >= utf16_len(unicodedata.normalize("NFC", decomposed))
    [piece] = split_text(decomposed, ZALO)
    assert piece == unicodedata.normalize("NFC", decomposed).strip()


def test_lengths_count_utf16_units() -> None:
    assert utf16_len("Việt") == 4
    assert utf16_len("👍") == 2
    chunks = split_text("👍" * 3000, TELEGRAM)
    assert [utf16_len(c) for c in chunks] == [4096, 1904]
    assert "".join(chunks) == "👍" * 3000
    assert [utf16_len(p) for p in split_text("😀" * 1500, ZALO)] == [2000, 1000]


def test_another_length_function() -> None:
    """UTF-8 bytes, say: a platform counting otherwise needs only another `length`."""

    def utf8(text: str) -> int:
        return len(text.encode())

    pieces = split_text("đường " * 100, 60, utf8)
    assert all(utf8(p) <= 60 for p in pieces) and " ".join(pieces) == ("đường " * 100).strip()


def test_sentences_when_there_are_no_paragraphs() -> None:
    text = sentences(6000)
    chunks = split_text(text, TELEGRAM)
    assert len(chunks) == 2
    assert all(utf16_len(chunk) <= TELEGRAM for chunk in chunks)
    assert all(chunk.endswith(".") for chunk in chunks)
    assert " ".join(chunks) == text


def test_sentence_breaks_include_vietnamese_punctuation() -> None:
    text = ("Câu hỏi? " * 300 + "Thế thôi… " * 300).strip()
    chunks = split_text(text, 1000)
    assert all(re.search(r"[?…]$", c) for c in chunks)


def test_paragraphs_and_bubbles_are_preferred_over_sentences() -> None:
    first, second = sentences(2500), sentences(2500)
    assert split_text(f"{first}\n\n{second}", TELEGRAM) == [first, second]
    paragraphs = [(f"Đoạn {i}: " + "chữ tiếng Việt có dấu " * 30).strip() for i in range(12)]
    text = "\n\n".join(paragraphs)
    pieces = split_text(text, ZALO)
    assert len(pieces) > 1 and all(utf16_len(p) <= ZALO for p in pieces)
    assert "\n\n".join(pieces) == text  # cut only between paragraphs


def test_lines_then_words_then_anywhere() -> None:
    lines = "\n".join(f"dòng {i} " + "x" * 50 for i in range(200))
    chunks = split_text(lines, 1000)
    assert all(utf16_len(c) <= 1000 for c in chunks)
    assert "\n".join(chunks) == lines
    words = " ".join(["chữ"] * 3000)
    chunks = split_text(words, 1000)
    assert all(utf16_len(c) <= 1000 for c in chunks) and " ".join(chunks) == words
    assert split_text("a" * 2500, 1000) == ["a" * 1000, "a" * 1000, "a" * 500]
    assert [len(p) for p in split_text("a" * 4500, ZALO)] == [2000, 2000, 500]


def test_a_word_cut_keeps_marks_and_emoji_sequences_whole() -> None:
    family = "👨\u200d👩\u200d👧"  # 8 UTF-16 units, one picture
    pieces = split_text("x" + family * 3, 8)
    assert pieces == ["x", family, family, family]
    thumbs = "👍🏽"  # with a skin tone: 4 units
    assert split_text("a" + thumbs * 2, 5) == ["a" + thumbs, thumbs]
    letter = "e\u0323\u0302"  # ệ written with two marks that have no single code point left
    assert unicodedata.normalize("NFC", letter) != letter[0]
    assert all(p.startswith("ệ") for p in split_text("ệ" * 5, 2))
    # A single cluster longer than the limit is still cut (nothing is ever over the limit).
    assert all(utf16_len(p) <= 3 for p in split_text(family, 3))


@pytest.mark.parametrize("limit", [2, 7, 100, ZALO, TELEGRAM])
def test_never_over_the_limit_and_nothing_lost(limit: int) -> None:
    text = "\n\n".join(
        [sentences(3000), "👍" * 700, "dòng một\ndòng hai\n" * 40, "z" * 5000, SENTENCE]
    )
    pieces = split_text(text, limit)
    assert all(1 <= utf16_len(p) <= limit for p in pieces)
    assert re.sub(r"\s", "", "".join(pieces)) == re.sub(r"\s", "", text)


def test_the_limit_must_hold_something() -> None:
    with pytest.raises(ValueError, match="at least one unit"):
        split_text("a", 0)
    # The one thing that can be over it: a single character wider than the limit.
    assert split_text("a👍b", 1) == ["a", "👍", "b"]
