"""Vietnamese text as people type it."""

from __future__ import annotations

import unicodedata

import pytest

from bot.text import (
    canonical,
    clean,
    fold,
    is_meaningful,
    match_free_text,
    match_option,
    new_style_tones,
)

LABELS = ["Đúng", "Sai"]


def test_clean_normalises_to_nfc_and_tidies() -> None:
    decomposed = unicodedata.normalize("NFD", "Hòa Bình")
    assert len(decomposed) == 10
    assert clean(f"  {decomposed}\u00a0\u200b  nhé ") == "Hòa Bình nhé"
    assert clean("“xin”  ‘chào’") == "\"xin\" 'chào'"


def test_canonical_moves_old_style_tone_marks() -> None:
    assert canonical("Hoà Bình, thuỷ, khoá") == "hòa bình, thủy, khóa"
    assert canonical("HOÀ") == "hòa"


def test_new_style_tones_keeps_case_and_qu() -> None:
    assert new_style_tones("Xã Hoà An, HOÀ, Thuỷ, Nguyễn Uý, khoẻ") == (
        "Xã Hòa An, HÒA, Thủy, Nguyễn Úy, khỏe"
    )
    # After "q" the "u" belongs to the consonant: "Quý", "Quỳ" are already right.
    assert new_style_tones("Phú Quý, Quỳ Hợp, Hoàng, toán") == "Phú Quý, Quỳ Hợp, Hoàng, toán"


def test_fold_drops_marks_and_maps_d_stroke() -> None:
    assert fold("Đường đi Hòa Bình") == "duong di hoa binh"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1", 0),
        ("2.", 1),
        ("b", 1),
        ("B)", 1),
        ("(a)", 0),
        ("Đúng", 0),
        ("dung", 0),
        ("  SAI ", 1),
        ("sai!", 1),
        ("3", None),
        ("z", None),
        ("không biết", None),
    ],
)
def test_match_option(typed: str, expected: int | None) -> None:
    assert match_option(typed, LABELS) == expected


def test_accentless_answer_that_fits_two_options_is_ambiguous() -> None:
    labels = ["Má", "Mà", "Đường"]
    assert match_option("ma", labels) == [0, 1]
    assert match_option("mà", labels) == 1
    assert match_option("duong", labels) == 2


def test_labels_with_symbols_match_typed_words() -> None:
    assert match_option("tiep tuc", ["Tiếp tục ▶", "Menu"]) == 0
    assert match_option("▶", ["Tiếp tục ▶"]) is None


def test_free_text_answers() -> None:
    assert match_free_text("Nút nguồn!", ["nút nguồn"])
    assert match_free_text("nut  NGUON", ["nút nguồn"])
    assert not match_free_text("nút âm lượng", ["nút nguồn"])
    assert not match_free_text("!!!", ["nút nguồn"])


@pytest.mark.parametrize("text", ["", "   ", "😀🎉", "…", "\u200b"])
def test_meaningless_input(text: str) -> None:
    assert not is_meaningful(text)


def test_meaningful_input() -> None:
    assert is_meaningful("1") and is_meaningful("đ")


def test_match_words_names_one_label_by_its_words() -> None:
    from bot.text import match_words

    labels = ["Buổi sáng (8 giờ)", "Buổi trưa (12 giờ)", "Buổi tối (19 giờ)", "Không cần nhắc"]
    assert match_words("toi", labels) == 2
    assert match_words("buoi toi", labels) == 2
    assert match_words("Buổi", labels) is None  # several
    assert match_words("khong can", labels) == 3
    assert match_words("to", labels) is None  # a part of a word is no word
    assert match_words("", labels) is None
