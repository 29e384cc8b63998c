"""The certificate's picture and PDF, opened and read back: size, QR code, Vietnamese text."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.certificate import render_pdf, render_png
from bot.certificate.sheet import DISCLAIMER
from bot.content import Catalog
from bot.i18n import translator
from storage import CertificateRecord
from tests.certificate.helpers import (
    CODE,
    ISSUED,
    MODULES,
    NAME,
    QR_CORNER,
    expected_matrix,
    png_matrix,
    read_matrix,
)

VERIFY = f"https://hocvuso.example.vn/verify/{CODE}"


def record(name: str = NAME, modules: tuple[str, ...] = MODULES) -> CertificateRecord:
    return CertificateRecord(CODE, name, modules, 26, "test-content", ISSUED)


@pytest.fixture(scope="module")
def titles(catalog: Catalog) -> Mapping[str, str]:
    return {module.id: module.title for module in catalog.modules}


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return reader, reader.pages[0].extract_text()


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces (the PDF wraps lines)."""
    return " ".join(text.split())


def test_the_png_is_a_landscape_picture_whose_qr_code_opens_the_verify_page(
    titles: Mapping[str, str],
) -> None:
    content = render_png(record(), VERIFY, titles=titles)
    image = Image.open(io.BytesIO(content))
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (1600, 1131))
    assert png_matrix(content, VERIFY) == expected_matrix(VERIFY)
    # The reading is exact enough to tell another address apart.
    other = f"https://hocvuso.example.vn/verify/{CODE[:-1]}Z"
    assert png_matrix(content, VERIFY) != expected_matrix(other)
    # The quiet zone around the symbol is white, as scanners need it.
    corner = image.convert("L").crop(QR_CORNER)
    light = [corner.getpixel((x, y)) for x in range(corner.width) for y in range(4)]
    assert min(light) > 200  # type: ignore[type-var]


def test_the_pdf_carries_the_vietnamese_name_exactly_and_what_it_certifies(
    titles: Mapping[str, str],
) -> None:
    reader, text = pdf_text(render_pdf(record(), VERIFY, titles=titles))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    assert NAME in text.splitlines()  # the name on a line of its own, letter for letter
    assert unicodedata.is_normalized("NFC", text)
    assert "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC" in text
    assert f"Mã xác minh: {CODE}" in text
    assert "Cấp ngày 24/11/2026" in text  # the local date in Hà Nội, not the UTC one
    assert VERIFY in text
    assert "đã hoàn thành toàn bộ 26 bài học" in text
    for module in MODULES:
        assert titles[module] in text
    assert flat(translator("vi").gettext(DISCLAIMER)) in flat(text)
    assert "binhdanhocvuso.gov.vn" in text and "VNeID" in text
    assert CODE in str(reader.metadata.title if reader.metadata else "")


def test_the_pdf_qr_code_opens_the_verify_page(titles: Mapping[str, str]) -> None:
    reader, _text = pdf_text(render_pdf(record(), VERIFY, titles=titles))
    [picture] = reader.pages[0].images
    assert picture.image is not None
    matrix = expected_matrix(VERIFY)
    assert read_matrix(picture.image, len(matrix)) == matrix


def test_a_name_typed_as_letters_and_combining_marks_is_printed_composed(
    titles: Mapping[str, str],
) -> None:
    decomposed = unicodedata.normalize("NFD", f"  {NAME}  ")
    assert decomposed.strip() != NAME
    _reader, text = pdf_text(render_pdf(record(decomposed), VERIFY, titles=titles))
    assert NAME in text.splitlines()
    assert unicodedata.normalize("NFD", NAME) not in text
    content = render_png(record(decomposed), VERIFY, titles=titles)
    assert content == render_png(record(NAME), VERIFY, titles=titles)


def test_without_a_name_a_neutral_line_stands_in_its_place(
    titles: Mapping[str, str],
) -> None:
    _reader, text = pdf_text(render_pdf(record(""), VERIFY, titles=titles))
    assert "Học viên của Học vụ số" in text.splitlines()
    assert NAME not in text and "None" not in text


def test_a_module_no_longer_in_the_content_keeps_its_id(titles: Mapping[str, str]) -> None:
    _reader, text = pdf_text(render_pdf(record(modules=("A", "Z9")), VERIFY, titles=titles))
    assert titles["A"] in text and "• Z9" in text
    assert titles["B"] not in text
