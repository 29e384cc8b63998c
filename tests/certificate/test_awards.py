"""The contest participation and Gia đình số certificates, drawn like the course certificate:
an A4 landscape picture and PDF with their own title and lines, no name, the QR code to their
verification page, the address printed and the disclaimer."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from bot.certificate.awards import family_sheet, participation_sheet
from bot.certificate.pdf import sheet_pdf
from bot.certificate.png import sheet_png
from bot.certificate.sheet import Sheet
from tests.certificate.helpers import ISSUED, expected_matrix, png_matrix

PARTICIPATION_CODE, FAMILY_CODE = "K7MNPQ2345", "GDSABC2345"
PARTICIPATION_URL = f"https://hocvuso.example.vn/verify/{PARTICIPATION_CODE}"
FAMILY_URL = f"https://hocvuso.example.vn/verify/{FAMILY_CODE}"
NOT_OFFICIAL = "Đây không phải là chứng nhận chính thức của nền tảng Bình dân học vụ số"


def participation() -> Sheet:
    return participation_sheet(
        title="Rung chuông vàng số",
        questions=3,
        finished_at=ISSUED,
        code=PARTICIPATION_CODE,
        verify_url=PARTICIPATION_URL,
    )


def family() -> Sheet:
    return family_sheet(members=4, issued_at=ISSUED, code=FAMILY_CODE, verify_url=FAMILY_URL)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    return " ".join(page.extract_text().split())


def test_the_participation_certificate_has_its_title_contest_questions_and_date() -> None:
    text = pdf_text(sheet_pdf(participation(), ISSUED, PARTICIPATION_CODE))
    assert "GIẤY CHỨNG NHẬN THAM GIA" in text
    assert "Cuộc thi: Rung chuông vàng số" in text
    assert "đã trả lời đủ 3 câu hỏi của cuộc thi" in text
    assert "Hoàn thành ngày 24/11/2026" in text  # the day in Hà Nội
    assert f"Mã xác minh: {PARTICIPATION_CODE}" in text and PARTICIPATION_URL in text
    assert NOT_OFFICIAL in text
    assert "Học viên của Học vụ số" in text  # never a name


def test_the_family_certificate_has_its_title_members_and_date() -> None:
    text = pdf_text(sheet_pdf(family(), ISSUED, FAMILY_CODE))
    assert "GIA ĐÌNH SỐ" in text
    assert "4 thành viên đã hoàn thành khóa học" in text
    assert "Cấp ngày 24/11/2026" in text
    assert f"Mã xác minh: {FAMILY_CODE}" in text and FAMILY_URL in text
    assert NOT_OFFICIAL in text


def test_both_pictures_are_a4_landscape_with_the_qr_code_of_their_verify_page() -> None:
    for sheet, url in ((participation(), PARTICIPATION_URL), (family(), FAMILY_URL)):
        content = sheet_png(sheet)
        image = Image.open(io.BytesIO(content))
        assert (image.format, image.mode, image.size) == ("PNG", "RGB", (1600, 1131))
        assert png_matrix(content, url) == expected_matrix(url)


def test_the_same_certificate_is_the_same_file() -> None:
    assert sheet_pdf(family(), ISSUED, FAMILY_CODE) == sheet_pdf(family(), ISSUED, FAMILY_CODE)
    assert sheet_png(participation()) == sheet_png(participation())
