"""The summary chart: a phone-sized PNG, the same bytes for the same document, hidden counts
drawn as "<5" and never as numbers, Vietnamese text in the shipped font, and a figure that says
there is no data rather than failing."""

from __future__ import annotations

import io
from dataclasses import replace

from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from bot.reports.chart import BOLD_FONT, MAX_BARS, REGULAR_FONT, chart_figure, chart_png
from bot.reports.model import SummaryRow, Target, document
from tests.reports.docs import BA_DINH, LARGE, TAN_PHU, doc, empty_doc, summary

PNG = b"\x89PNG\r\n\x1a\n"


def texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text()]


def size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG)
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
        return image.size


def test_a_phone_sized_png_the_same_for_the_same_document() -> None:
    data = chart_png(doc(), "Tỉnh Tuyên Quang")
    assert size(data) == (900, 1100)
    assert chart_png(doc(), "Tỉnh Tuyên Quang") == data
    assert b"Software" not in data and b"matplotlib" not in data


def test_different_documents_give_different_pictures() -> None:
    first = chart_png(doc(), "Tỉnh Tuyên Quang")
    assert chart_png(doc(weekly=False), "Tỉnh Tuyên Quang") != first
    assert chart_png(doc(), "Xã Tân Phú") != first


def test_bars_are_percent_of_target_with_the_target_line_and_hidden_counts_as_marks() -> None:
    figure = chart_figure(doc(), "Tỉnh Tuyên Quang")
    shown = texts(figure)
    assert "Tỷ lệ đạt chỉ tiêu" in shown  # the axis: percent of target
    assert "60,2%" in shown  # Ba Đình's pupils: 1204 of 2000
    assert "Chỉ tiêu (100%)" in shown
    assert shown.count("<5") >= 2  # Tân Phú's bar and a hidden week
    assert "chưa có chỉ tiêu" in shown  # a row without a target says so
    # Tân Phú's 3 completions appear nowhere as a number.
    assert not any(text in {"3", "3%", "1,5%"} for text in shown)
    hatched = [p for p in figure.axes[0].patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 1
    labels = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert labels[:2] == [f"{TAN_PHU} · Người dân", f"{BA_DINH} · HS, SV"]


def test_without_targets_the_bars_count_completions() -> None:
    rows = tuple(replace(row, target=Target(None, None)) for row in summary().rows)
    figure = chart_figure(document(replace(summary(), rows=rows), None), "Tỉnh Tuyên Quang")
    shown = texts(figure)
    assert "Người học hoàn thành khóa học" in shown
    assert str(LARGE["course_completed"]).replace("1", "1.", 1) in shown  # "1.204"
    assert "Chỉ tiêu (100%)" not in shown


def test_one_commune_is_drawn_by_target_group() -> None:
    rows = tuple(
        SummaryRow("01", BA_DINH, group, None, LARGE, Target(2000, 80.0), completed)
        for group, completed in (("pupils", 1700), ("residents", 400))
    )
    one = document(replace(summary(), rows=rows), None)
    figure = chart_figure(one, "Phường Ba Đình", places=lambda _p, _c: "Phường Ba Đình")
    labels = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert labels == ["HS, SV", "Người dân"]
    assert "106,2%" in texts(figure)


def test_many_communes_are_cut_to_what_a_phone_shows() -> None:
    rows = tuple(
        SummaryRow("01", f"{index:05d}", None, None, LARGE, Target(5000, 50.0), 100 * index)
        for index in range(MAX_BARS + 7)
    )
    many = document(replace(summary(weekly=False), rows=rows), None)
    figure = chart_figure(many, "Tỉnh Tuyên Quang", places=lambda _p, c: f"Xã {c}")
    labels = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert len(labels) == MAX_BARS and labels[0] == "Xã 00000"
    assert any(text.startswith("… và 7 dòng nữa") for text in texts(figure))


def test_every_text_uses_the_shipped_vietnamese_fonts() -> None:
    figure = chart_figure(doc(), "Tỉnh Tuyên Quang — Bình dân học vụ số")
    figure.canvas.draw()
    files = {
        text.get_fontproperties().get_file()
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text()
    }
    assert files and files <= {str(REGULAR_FONT), str(BOLD_FONT)}


def test_a_document_without_rows_says_there_is_no_data() -> None:
    figure = chart_figure(empty_doc(), "Xã Tân Phú")
    assert "Chưa có số liệu" in texts(figure)
    assert size(chart_png(empty_doc(), "Xã Tân Phú")) == (900, 1100)
    english = chart_figure(empty_doc(), "Tan Phu", locale="en")
    assert "No data yet" in texts(english)


def test_hidden_weekly_counts_are_marks_not_heights() -> None:
    figure = chart_figure(doc(), "Tỉnh Tuyên Quang")
    weekly_texts = [t.get_text() for ax in figure.axes[1:] for t in ax.texts]
    assert weekly_texts == ["<5"]  # the first week's 2 course completions


def test_dollar_signs_are_text_not_mathematics() -> None:
    # Read as mathematics, "$\\frac{$" cannot be drawn at all.
    def places(_province: str | None, commune: str | None) -> str:
        return f"Xã $\\frac{{$ {commune}"

    data = chart_png(doc(), "Chi phí $\\frac{$", places=places)
    assert size(data) == (900, 1100)


def test_a_document_of_module_rows_only_draws_them() -> None:
    rows = (SummaryRow("01", BA_DINH, "pupils", "B", LARGE, Target(2000, 50.0), 250),)
    only_b = document(replace(summary(weekly=False), rows=rows), None)
    figure = chart_figure(only_b, "Học phần B")
    assert "25%" in texts(figure) and "Chưa có số liệu" not in texts(figure)
