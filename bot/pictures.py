"""Lesson drawings (SVG in `lessons/images/`) rendered to the PNG files the channels send.

The PNGs are build output, kept in `build/pictures/` beside `lessons/` (git-ignored): `hocvuso
content images` renders every drawing whose PNG is missing or older than its SVG, `make run`
and `hocvuso run` do it before starting, and a channel asking for a picture whose PNG is still
missing gets it rendered then. Rendering is resvg's (the `resvg-py` wheel, self-contained), at
720 px wide (twice a small phone's screen), on white, with the DejaVu fonts the certificates
already ship and no system font, so every machine draws the same picture.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import resvg_py

from lessons.pictures import SVG_SUFFIX, PictureProblem, read_svg, svg_files

log = logging.getLogger(__name__)

WIDTH = 720
BACKGROUND = "#ffffff"
FONTS_DIR = Path(__file__).resolve().parent / "certificate" / "fonts"
BUILD_FOLDER = Path("build") / "pictures"
MEDIA_PATH = "/chat/media/"  # where the web server serves lesson pictures (the web chat's route)


def build_dir(lessons_dir: Path) -> Path:
    """Where the PNGs of `lessons_dir`'s drawings go: `build/pictures/` beside it."""
    return lessons_dir.resolve().parent / BUILD_FOLDER


def png_path(lessons_dir: Path, name: str) -> Path:
    """The PNG of drawing `name` (a path under `lessons_dir`, e.g. `images/power-panel.svg`)."""
    return build_dir(lessons_dir) / Path(name).with_suffix(".png")


def media_path(image: str) -> str:
    """The URL path (on this server) of lesson picture `image`: a drawing as its PNG."""
    if image.lower().endswith(SVG_SUFFIX):
        image = image[: -len(SVG_SUFFIX)] + ".png"
    return MEDIA_PATH + image


def render_svg(path: Path) -> bytes:
    """The drawing as PNG bytes, 720 px wide.

    Raises:
        PictureProblem: resvg could not draw it.
    """
    fonts = [str(font) for font in sorted(FONTS_DIR.glob("*.ttf"))]
    try:
        return bytes(
            resvg_py.svg_to_bytes(
                svg_path=str(path),
                width=WIDTH,
                background=BACKGROUND,
                skip_system_fonts=True,
                font_files=fonts,
                font_family="DejaVu Sans",
                sans_serif_family="DejaVu Sans",
            )
        )
    except Exception as exc:  # resvg raises ValueError and friends; any failure is the same
        raise PictureProblem(f"resvg cannot draw it: {exc}") from exc


def _fresh(svg: Path, png: Path) -> bool:
    try:
        return png.stat().st_mtime_ns >= svg.stat().st_mtime_ns
    except FileNotFoundError:
        return False


def _write(png: Path, content: bytes) -> None:
    """Written whole or not at all: several workers may render the same picture at once."""
    png.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=png.parent, prefix=".", suffix=".png")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a static file server
        os.replace(temporary, png)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def render_one(lessons_dir: Path, svg: Path, *, force: bool = False) -> bool:
    """Render `svg` to its PNG if it is missing or stale (or `force`); whether it rendered.

    Raises:
        PictureProblem: the drawing is not a usable lesson picture.
        OSError: the PNG could not be written.
    """
    png = png_path(lessons_dir, svg.resolve().relative_to(lessons_dir.resolve()).as_posix())
    if not force and _fresh(svg, png):
        return False
    read_svg(svg)
    _write(png, render_svg(svg))
    return True


@dataclass
class BuildReport:
    """What `build_pictures` did."""

    rendered: list[Path] = field(default_factory=list)
    fresh: int = 0
    problems: list[str] = field(default_factory=list)


def build_pictures(lessons_dir: Path, *, force: bool = False) -> BuildReport:
    """Render every drawing under `lessons_dir/images/` whose PNG is missing or stale."""
    report = BuildReport()
    for svg in svg_files(lessons_dir):
        try:
            if render_one(lessons_dir, svg, force=force):
                report.rendered.append(svg)
            else:
                report.fresh += 1
        except PictureProblem as exc:
            report.problems.append(f"{svg}:{exc.line}: {exc}")
        except OSError as exc:
            report.problems.append(f"{svg}:1: the PNG could not be written: {exc}")
    return report


def render_pictures(lessons_dir: Path) -> BuildReport:
    """`build_pictures` at start-up: logged, never fatal (a drawing that cannot be rendered is
    left out and its bubble goes as text; `hocvuso content check` names the problem)."""
    report = build_pictures(lessons_dir)
    for problem in report.problems:
        log.error("lesson picture: %s", problem)
    if report.rendered:
        log.info(
            "lesson pictures: %d rendered in %s", len(report.rendered), build_dir(lessons_dir)
        )
    return report


def picture_problems(lessons_dir: Path) -> list[str]:
    """Every drawing checked and drawn in memory (nothing written), as `file:line: message`."""
    problems: list[str] = []
    for svg in svg_files(lessons_dir):
        try:
            read_svg(svg)
            render_svg(svg)
        except PictureProblem as exc:
            problems.append(f"{svg}:{exc.line}: {exc}")
    return problems


def file_version(path: Path) -> tuple[Path, int, int]:
    """What an upload of `path` is remembered by: its path, size and modification time (a
    picture drawn again is a new version, uploaded again)."""
    stat = path.stat()
    return path, stat.st_size, stat.st_mtime_ns


def picture_file(lessons_dir: Path, name: str) -> Path | None:
    """The file to send for a reply's picture `name` (a path under `lessons_dir`): a
    drawing's PNG, rendered now if it is missing or stale, any other picture as it is. None
    (logged) when it does not exist, lies outside `lessons_dir` or cannot be drawn."""
    base = lessons_dir.resolve()
    source = (base / name).resolve()
    if not source.is_relative_to(base) or not source.is_file():
        log.warning("lesson picture %s not found under %s; sending the text only", name, base)
        return None
    if source.suffix.lower() != SVG_SUFFIX:
        return source
    try:
        render_one(base, source)
    except (PictureProblem, OSError) as exc:
        log.error("lesson picture %s cannot be drawn (%s); sending the text only", name, exc)
        return None
    return png_path(base, source.relative_to(base).as_posix())


__all__ = [
    "MEDIA_PATH",
    "BuildReport",
    "build_dir",
    "build_pictures",
    "file_version",
    "media_path",
    "picture_file",
    "picture_problems",
    "png_path",
    "render_one",
    "render_pictures",
    "render_svg",
]
