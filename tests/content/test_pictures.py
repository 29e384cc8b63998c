"""Lesson drawings: every reference checked (exists, alt text, draws), rendered once to PNG.

Each broken case breaks one drawing that a lesson names and expects the lesson's `file:line`
and the drawing's own `file:line` in the problem.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from bot.content import load_catalog
from bot.errors import ContentError
from bot.pictures import (
    WIDTH,
    build_dir,
    build_pictures,
    picture_file,
    picture_problems,
    png_path,
    render_pictures,
    render_svg,
)
from lessons.models import LESSONS_DIR
from lessons.pictures import MAX_ALT, PictureProblem, read_svg, svg_files
from tests.pictured import ALT, DRAWING, pictured_content

SHIPPED = {
    "phone-buttons",
    "quick-panel",
    "touch-gestures",
    "settings-text-size",
    "app-store-install",
    "chat-voice-video",
    "two-step-switch",
    "vneid-level2",
    "bank-face-check",
    "transfer-confirm",
}


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The fixture content, lesson A1 showing `images/phone.svg` with its first bubble."""
    return pictured_content(tmp_path)


def problems_of(root: Path) -> list[str]:
    try:
        load_catalog(root / "lessons", root / "quizzes")
    except ContentError as exc:
        return exc.problems
    return []


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, start=1) if needle in text)


def test_a_referenced_drawing_loads_with_its_alt_text(content: Path) -> None:
    catalog = load_catalog(content / "lessons", content / "quizzes")
    assert catalog.alt_text("images/phone.svg") == ALT
    assert catalog.alt_text(None) is None and catalog.alt_text("images/other.png") is None


def _svg(text: str) -> Callable[[Path], None]:
    def breaks(root: Path) -> None:
        (root / "lessons" / "images" / "phone.svg").write_text(text, encoding="utf-8")

    return breaks


def _reference(name: str) -> Callable[[Path], None]:
    def breaks(root: Path) -> None:
        lesson = root / "lessons" / "A" / "A1.yaml"
        text = lesson.read_text(encoding="utf-8").replace("images/phone.svg", name)
        lesson.write_text(text, encoding="utf-8")

    return breaks


# name: (how to break it, the drawing's line (0: the reference alone), words of the message)
CASES: dict[str, tuple[Callable[[Path], None], int, str]] = {
    "missing drawing": (_reference("images/nope.svg"), 0, "broken image reference"),
    "drawing outside lessons/": (_reference("../phone.svg"), 0, "outside lessons/"),
    "no title": (
        _svg(DRAWING.replace(f"  <title>{ALT}</title>\n", "")),
        1,
        "first element inside <svg> must be <title>",
    ),
    "title not first": (
        _svg(
            DRAWING.replace(f"  <title>{ALT}</title>\n", "").replace(
                "</svg>", f"<title>{ALT}</title></svg>"
            )
        ),
        1,
        "first element inside <svg> must be <title>",
    ),
    "empty title": (_svg(DRAWING.replace(ALT, " ")), 2, "at least 10 characters"),
    "title too long": (_svg(DRAWING.replace(ALT, "Rất dài " * 40)), 2, f"more than {MAX_ALT}"),
    "no viewBox": (_svg(DRAWING.replace(' viewBox="0 0 360 480"', "")), 1, "viewBox"),
    "not well-formed": (_svg(DRAWING.replace("</svg>", "")), 6, "not well-formed"),
    "a copied picture inside": (
        _svg(DRAWING.replace("</svg>", '<image href="data:image/png;base64,AAAA"/>\n</svg>')),
        5,
        "<image> is not allowed",
    ),
    "a script": (
        _svg(DRAWING.replace("</svg>", "<script>alert(1)</script>\n</svg>")),
        5,
        "<script>",
    ),
    "a link to another file": (
        _svg(DRAWING.replace("</svg>", '<use href="other.svg#logo"/>\n</svg>')),
        5,
        "links to 'other.svg#logo'",
    ),
    "not SVG at all": (_svg("<html><title>Không phải hình vẽ</title></html>"), 1, "root must be"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_broken_drawing_is_reported_at_the_reference_and_in_the_drawing(
    content: Path, case: str
) -> None:
    breaks, svg_line, message = CASES[case]
    breaks(content)
    problems = problems_of(content)
    lesson = content / "lessons" / "A" / "A1.yaml"
    where = f"{lesson}:{line_of(lesson, 'image: ')}: bubbles.0.image: "
    assert [p for p in problems if p.startswith(where) and message in p], problems
    if svg_line:
        svg = (content / "lessons" / "images" / "phone.svg").resolve()
        assert f"({svg}:{svg_line}: " in problems[0], problems


def test_content_check_draws_every_drawing_even_one_no_lesson_names(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["content", "check", "--lessons", str(content / "lessons")]
    args += ["--quizzes", str(content / "quizzes")]
    assert main(args) == 0
    capsys.readouterr()
    spare = content / "lessons" / "images" / "spare.svg"
    spare.write_text(DRAWING.replace(ALT, "ảnh"), encoding="utf-8")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"{spare}:2: the <title> (the alt text) is 3 characters" in err
    assert "1 content problem(s) found" in err


def test_a_drawing_resvg_cannot_draw_is_a_problem(tmp_path: Path) -> None:
    bad = tmp_path / "lessons" / "images" / "bad.svg"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"\xff\xfe not text")
    with pytest.raises(PictureProblem):
        render_svg(bad)
    [problem] = picture_problems(tmp_path / "lessons")
    assert problem.startswith(f"{bad}:1: ")


def test_content_images_renders_missing_and_stale_pictures_only(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lessons = content / "lessons"
    args = ["content", "images", "--lessons", str(lessons)]
    assert main(args) == 0
    assert "1 rendered, 0 up to date" in capsys.readouterr().out
    png = png_path(lessons, "images/phone.svg")
    assert png == build_dir(lessons) / "images" / "phone.png"
    assert build_dir(lessons) == content / "build" / "pictures"
    picture = Image.open(io.BytesIO(png.read_bytes()))
    assert picture.format == "PNG" and picture.size == (WIDTH, WIDTH * 480 // 360)
    assert main(args) == 0
    assert "0 rendered, 1 up to date" in capsys.readouterr().out
    svg = lessons / "images" / "phone.svg"
    later = png.stat().st_mtime_ns + 1_000_000_000
    os.utime(svg, ns=(later, later))  # edited after it was drawn
    assert [p.name for p in build_pictures(lessons).rendered] == ["phone.svg"]
    assert main([*args, "--force"]) == 0
    assert "1 rendered" in capsys.readouterr().out


def test_a_channel_asking_for_a_drawing_gets_its_png_drawn_on_demand(content: Path) -> None:
    lessons = content / "lessons"
    png = picture_file(lessons, "images/phone.svg")
    assert png == png_path(lessons, "images/phone.svg") and png.is_file()
    assert picture_file(lessons, "images/missing.svg") is None
    assert picture_file(lessons, "../quizzes/A/A1.yaml") is None
    (lessons / "images" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert picture_file(lessons, "images/photo.png") == (lessons / "images" / "photo.png")


def test_the_shipped_drawings_all_have_alt_text_and_draw() -> None:
    drawings = svg_files(LESSONS_DIR)
    assert {path.stem for path in drawings} >= SHIPPED
    for path in drawings:
        alt = read_svg(path).alt
        assert "bạn" not in alt.casefold().split(), path
        picture = Image.open(io.BytesIO(render_svg(path)))
        assert picture.width == WIDTH and picture.height <= 2 * WIDTH, path
    assert picture_problems(LESSONS_DIR) == []


def test_start_up_renders_what_it_can_and_logs_the_rest(
    content: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lessons = content / "lessons"
    (lessons / "images" / "spare.svg").write_text("<svg", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="bot.pictures"):
        report = render_pictures(lessons)
    assert [path.name for path in report.rendered] == ["phone.svg"]
    assert png_path(lessons, "images/phone.svg").is_file()
    assert any("spare.svg:1: not well-formed" in r.getMessage() for r in caplog.records)
    assert not png_path(lessons, "images/spare.svg").exists()
