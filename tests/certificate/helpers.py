"""Issuing certificates the way the bot does, and reading QR codes back out of pictures."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import segno
from PIL import Image

from bot.core.events import CertificateIssued
from storage import SavedTurn, Storage, TurnKey

NAME = "Nguyễn Thị Ánh Tuyết"  # NFC, as the tests expect to read it back
CODE = "ABCD2345XY"
MODULES = ("A", "B", "C", "D", "E", "F")
# 18:30 UTC is already the next day in Hà Nội: the certificate says 24/11/2026.
ISSUED = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)


async def issue(
    storage: Storage,
    *,
    code: str = CODE,
    name: str = NAME,
    modules: tuple[str, ...] = MODULES,
    lessons: int = 26,
    user: str = "lan",
    now: datetime = ISSUED,
) -> None:
    """Write a certificate as a finished course does: a turn whose events include
    `CertificateIssued`, saved through `storage.turns`."""
    async with storage.unit_of_work(now) as uow:
        [turn] = await storage.turns.load(uow, [TurnKey("test", user)])
        assert turn.learner is not None
        event = CertificateIssued(code, name, modules, lessons)
        await storage.turns.save(
            uow,
            # Only a learner who agreed has a certificate: storage writes none for others.
            [
                SavedTurn(
                    turn, turn.learner.state.model_copy(update={"consent": True}), (event,), None
                )
            ],
            content_version="test-content",
            module_of={},
        )


def expected_matrix(url: str) -> list[list[bool]]:
    """The modules of the QR code a phone needs to see for `url` (segno, as issued)."""
    return [[bool(dark) for dark in row] for row in segno.make_qr(url, error="m").matrix]


def read_matrix(
    image: Image.Image, modules: int, region: tuple[int, int, int, int] | None = None
) -> list[list[bool]]:
    """The QR code's modules as they appear in `image` (or in its `region`), found without
    knowing how it was drawn: the dark pixels' bounding box, cut into `modules` squares."""
    crop = image.convert("L")
    if region is not None:
        crop = crop.crop(region)
    dark = [
        (x, y)
        for y in range(crop.height)
        for x in range(crop.width)
        if crop.getpixel((x, y)) < 128  # type: ignore[operator]
    ]
    assert dark, "no QR code in the picture"
    left, top = min(x for x, _ in dark), min(y for _, y in dark)
    right, bottom = max(x for x, _ in dark), max(y for _, y in dark)
    assert right - left == bottom - top, "the QR code is not square"
    step = (right - left + 1) / modules
    return [
        [
            crop.getpixel((int(left + (col + 0.5) * step), int(top + (row + 0.5) * step))) < 128  # type: ignore[operator]
            for col in range(modules)
        ]
        for row in range(modules)
    ]


# The bottom-right corner of a PNG certificate, inside its frame and clear of the text, where the
# QR code must be.
QR_CORNER = (1200, 711, 1540, 1071)


def png_matrix(content: bytes, url: str) -> list[list[bool]]:
    """The modules read from a PNG certificate, sized like the QR code for `url`."""
    image = Image.open(io.BytesIO(content))
    return read_matrix(image, len(expected_matrix(url)), QR_CORNER)


__all__ = [
    "CODE",
    "ISSUED",
    "MODULES",
    "NAME",
    "QR_CORNER",
    "expected_matrix",
    "issue",
    "png_matrix",
    "read_matrix",
]
