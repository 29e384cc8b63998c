"""Lesson pictures drawn as SVG in `lessons/images/`: their alt text and what a picture may hold.

A picture's alt text is the SVG's `<title>` (its first child): Vietnamese, one or two short
sentences saying what the picture shows, for the web chat's `<img alt>`, for screen readers and
for channels that cannot show pictures. The files are our own drawings, so reading them needs
no hardening against hostile XML beyond refusing what a picture has no business holding
(scripts, links to other files, embedded copies of other pictures).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET  # noqa: S405 - our own files, checked in review
from dataclasses import dataclass
from pathlib import Path

SVG_NS = "{http://www.w3.org/2000/svg}"
SVG_SUFFIX = ".svg"
IMAGES_FOLDER = "images"
MIN_ALT = 10  # shorter says nothing ("ảnh")
MAX_ALT = 250  # a screen reader's sentence or two, and a Zalo Bot text line
# Elements a drawing never needs: they run code, pull in other files or hide copied pictures.
FORBIDDEN = frozenset({"script", "foreignObject", "image", "iframe"})


@dataclass(frozen=True)
class SvgPicture:
    """One drawing: where it is, its alt text, its drawn size (from the viewBox)."""

    path: Path
    alt: str
    width: float
    height: float


class PictureProblem(ValueError):
    """A drawing that cannot be used: `line` is where in the file (1 when it is the file)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return 1 if at < 0 else text.count("\n", 0, at) + 1


def _size(root: ET.Element) -> tuple[float, float]:
    box = root.get("viewBox")
    if box:
        parts = re.split(r"[\s,]+", box.strip())
        if len(parts) == 4:
            try:
                width, height = float(parts[2]), float(parts[3])
            except ValueError:
                width = height = 0.0
            if width > 0 and height > 0:
                return width, height
    raise PictureProblem('the <svg> needs a viewBox="0 0 WIDTH HEIGHT" (e.g. "0 0 360 640")')


def alt_problem(alt: str) -> str | None:
    """Why `alt` is no good as alt text, or None."""
    if len(alt) < MIN_ALT:
        return (
            f"the <title> (the alt text) is {len(alt)} characters: say in Vietnamese what the "
            f"picture shows, at least {MIN_ALT} characters"
        )
    if len(alt) > MAX_ALT:
        return (
            f"the <title> (the alt text) is {len(alt)} characters, more than {MAX_ALT}: keep "
            "it to one or two short sentences"
        )
    return None


def read_svg(path: Path) -> SvgPicture:
    """Read one drawing and check what a lesson picture must have.

    Raises:
        PictureProblem: not readable SVG, no viewBox, no or a bad `<title>`, or an element a
            drawing must not hold.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PictureProblem(f"cannot read the drawing as UTF-8 text: {exc}") from exc
    try:
        root = ET.fromstring(text)  # noqa: S314 - our own files, checked in review
    except ET.ParseError as exc:
        raise PictureProblem(f"not well-formed SVG: {exc}", exc.position[0]) from exc
    if root.tag != SVG_NS + "svg":
        raise PictureProblem('the root must be <svg xmlns="http://www.w3.org/2000/svg">')
    width, height = _size(root)
    for element in root.iter():
        name = element.tag.removeprefix(SVG_NS)
        if name in FORBIDDEN:
            raise PictureProblem(
                f"<{name}> is not allowed in a lesson picture: draw with shapes only (no "
                "scripts, no copies of other pictures or screenshots)",
                _line_of(text, f"<{name}"),
            )
        href = element.get("href") or element.get("{http://www.w3.org/1999/xlink}href")
        if href and not href.startswith("#"):
            raise PictureProblem(
                f"<{name}> links to {href!r}: a picture may only refer to its own parts (#id)",
                _line_of(text, href),
            )
    first = next(iter(root), None)
    if first is None or first.tag != SVG_NS + "title":
        raise PictureProblem(
            "the first element inside <svg> must be <title>, the picture's alt text in Vietnamese",
            _line_of(text, "<svg"),
        )
    alt = unicodedata.normalize("NFC", " ".join("".join(first.itertext()).split()))
    problem = alt_problem(alt)
    if problem is not None:
        raise PictureProblem(problem, _line_of(text, "<title"))
    return SvgPicture(path=path, alt=alt, width=width, height=height)


def svg_files(lessons_dir: Path) -> list[Path]:
    """Every drawing under `lessons_dir/images/`, sorted."""
    return sorted((lessons_dir / IMAGES_FOLDER).rglob("*" + SVG_SUFFIX))


__all__ = [
    "IMAGES_FOLDER",
    "MAX_ALT",
    "MIN_ALT",
    "SVG_SUFFIX",
    "PictureProblem",
    "SvgPicture",
    "alt_problem",
    "read_svg",
    "svg_files",
]
