"""The summary document as CSV, XLSX and a terminal table: every row and the totals, "<5" kept
as text, numbers as numbers, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from bot.reports.export import TOTALS_MARK, defuse, to_csv, to_table, to_xlsx
from bot.reports.model import COUNTERS
from tests.reports.docs import BA_DINH, HOSTILE, LARGE, TAN_PHU, doc, empty_doc

HEADER = [
    "province_code",
    "commune_code",
    "group",
    "module",
    *COUNTERS,
    "target_population",
    "target_percent",
    "percent_of_target",
]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("<5", "<5"),
        ("Phường Ba Đình", "Phường Ba Đình"),
        ("", ""),
    ],
)
def test_defuse_marks_only_what_would_start_a_formula(text: str, expected: str) -> None:
    assert defuse(text) == expected


def test_csv_has_the_schema_header_every_row_and_a_totals_line() -> None:
    lines = read_csv(to_csv(doc()))
    assert lines[0] == HEADER
    rows, totals = lines[1:-1], lines[-1]
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (TAN_PHU, "residents", ""),
        (TAN_PHU, "residents", "A"),
        (BA_DINH, "pupils", ""),
        (BA_DINH, "", ""),  # group not said: an empty cell
        ("", "residents", ""),  # commune not said
    ]
    by_name = [dict(zip(HEADER, row, strict=True)) for row in rows]
    assert all(by_name[0][name] == "<5" for name in COUNTERS)
    assert by_name[1]["course_completed"] == "0"
    assert by_name[2]["enrolled"] == str(LARGE["enrolled"])
    assert by_name[0]["percent_of_target"] == ""  # would give the small count back
    assert (by_name[2]["target_population"], by_name[2]["target_percent"]) == ("2000", "100.0")
    assert by_name[2]["percent_of_target"] == "60.2"
    total = dict(zip(HEADER, totals, strict=True))
    assert total["province_code"] == TOTALS_MARK
    assert (total["commune_code"], total["group"], total["module"]) == ("", "", "")
    assert total["enrolled"] == str(3 + 3 * LARGE["enrolled"])
    assert total["percent_of_target"] == "57.8"


def test_csv_of_an_empty_document_is_the_header_and_zero_totals() -> None:
    lines = read_csv(to_csv(empty_doc()))
    assert lines[0] == HEADER
    assert len(lines) == 2 and lines[1][0] == TOTALS_MARK
    assert lines[1][4:12] == ["0"] * len(COUNTERS)


def test_csv_defuses_a_hostile_module_id() -> None:
    lines = read_csv(to_csv(doc(hostile=True)))
    cells = [cell for line in lines for cell in line]
    assert "'" + HOSTILE in cells
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)


def cells_of(sheet) -> list:
    return [cell.value for row in sheet.iter_rows() for cell in row]


def test_xlsx_sheets_header_numbers_and_suppressed_text() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(doc())))
    assert book.sheetnames == ["Tổng hợp", "Thông tin", "Theo tuần"]
    sheet = book["Tổng hợp"]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == [
        "Mã tỉnh/thành phố",
        "Mã xã/phường",
        "Nhóm đối tượng",
        "Học phần",
        "Người học đã đăng ký",
    ]
    assert len(header) == len(HEADER)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "E2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(HEADER)).column_letter}6"
    assert sheet.max_row == 1 + 5 + 1
    small, module_row, large = ([cell.value for cell in sheet[row]] for row in (2, 3, 4))
    assert small[1] == TAN_PHU and small[2] == "Người dân" and small[3] == "Tất cả học phần"
    assert small[4:12] == ["<5"] * len(COUNTERS)
    assert module_row[8] == 0 and isinstance(module_row[8], int)
    assert large[4:12] == [LARGE[name] for name in COUNTERS]
    assert all(isinstance(value, int) for value in large[4:13])
    # Percentages are Excel percentages: 100 % is 1.0, 60.2 % is 0.602, shown with "%".
    assert large[13] == pytest.approx(1.0) and large[14] == pytest.approx(0.602)
    assert sheet.cell(4, 15).number_format == "0.0%"
    assert [cell.value for cell in sheet[5]][2] == "Chưa khai nhóm"
    assert [cell.value for cell in sheet[6]][1] == "Chưa khai xã/phường"
    totals = [cell.value for cell in sheet[7]]
    assert totals[0] == "Tổng cộng" and totals[4] == 3 + 3 * LARGE["enrolled"]
    assert all(cell.font.bold for cell in sheet[7])


def test_xlsx_about_and_weekly_sheets() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(doc())))
    about = dict(book["Thông tin"].iter_rows(values_only=True))
    assert about["Lược đồ tài liệu"] == "hocvuso.summary/1"
    assert (about["Từ ngày"], about["Đến ngày"]) == ("2026-01-01", "2026-03-01")
    assert about["Lọc: tỉnh/thành phố"] == "01" and about["Lọc: học phần"] == "(tất cả)"
    assert about["Phiên bản dữ liệu đơn vị hành chính"] == "2025-07-01"
    assert about["Phiên bản nội dung bài học"] == "abc123"
    assert "<5" in about["Ghi chú"] and "1 đến 4" in about["Ghi chú"]
    weekly = list(book["Theo tuần"].iter_rows(values_only=True))
    assert weekly[0][0] == "Tuần bắt đầu từ"
    assert isinstance(weekly[1][0], datetime) and weekly[1][0].date().isoformat() == "2026-02-09"
    assert weekly[1][1:] == (40, 300, "<5")  # two course completions that week: hidden


def test_xlsx_without_weekly_points_has_no_weekly_sheet_and_speaks_english() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(doc(weekly=False), locale="en")))
    assert book.sheetnames == ["Summary", "About"]
    assert book["Summary"]["A1"].value == "Province code"


def test_xlsx_never_stores_a_formula() -> None:
    data = to_xlsx(doc(hostile=True), places=lambda _p, c: f"=cmd|' /C calc'!{c}")
    book = load_workbook(io.BytesIO(data))
    values = [v for sheet in book.worksheets for v in cells_of(sheet)]
    texts = [v for v in values if isinstance(v, str)]
    assert "'" + HOSTILE in texts
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in texts  # an unknown group code, shown as it is
    assert not any(text.startswith(("=", "+", "-", "@")) for text in texts)
    assert all(
        cell.data_type != "f"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )


def test_xlsx_with_place_names_adds_a_name_column() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(doc(), places=lambda _p, c: f"Xã số {c}")))
    sheet = book["Tổng hợp"]
    assert sheet["C1"].value == "Tên xã/phường" and sheet["C2"].value == f"Xã số {TAN_PHU}"
    assert sheet.freeze_panes == "F2"


def test_table_lists_every_commune_the_totals_and_a_legend() -> None:
    text = to_table(doc())
    lines = text.splitlines()
    assert lines[0] == "Kỳ báo cáo 01/01/2026 – 01/03/2026"
    assert sum(TAN_PHU in line for line in lines) == 2
    assert sum(BA_DINH in line for line in lines) == 2
    assert any(line.startswith("Chưa khai xã/phường") for line in lines)
    totals = next(line for line in lines if line.startswith("Tổng cộng"))
    assert "3.603" in totals  # 3 + 3 × 1200 learners, Vietnamese thousands separator
    assert "ĐK = Người học đã đăng ký" in text
    assert "<5" in next(line for line in lines if TAN_PHU in line)
    assert max(len(line) for line in lines) <= 120


def test_table_names_communes_when_given_a_lookup() -> None:
    names = {TAN_PHU: "Xã Tân Phú", BA_DINH: "Phường Ba Đình có tên rất dài thật là dài"}
    text = to_table(doc(), lambda _province, commune: names[commune or ""])
    assert "Xã Tân Phú" in text and TAN_PHU not in text
    assert "Phường Ba Đình có tên r…" in text  # cut to the column's width


def test_table_of_an_empty_document_still_has_header_and_totals() -> None:
    lines = to_table(empty_doc(), locale="en").splitlines()
    assert lines[1].startswith("Commune")
    assert any(line.startswith("Total") for line in lines)


def test_table_keeps_control_characters_away_from_the_terminal() -> None:
    names = {TAN_PHU: "Xã \x1b[2J\x1b]0;pwned\x07Tân Phú"}
    text = to_table(doc(), lambda _province, commune: names.get(commune or "", "x"))
    assert "\x1b" not in text and "\x07" not in text
    assert "Xã [2J]0;pwnedTân Phú" in text
