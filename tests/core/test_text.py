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
    new_style_tones,
)


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
