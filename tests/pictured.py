"""A copy of the fixture content whose lesson A1 shows a drawing with its first bubble."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.content import Catalog, load_catalog
from tests.dialog import FIXTURE_CONTENT

ALT = "Điện thoại có nút nguồn ở cạnh phải, khoanh đỏ."
NAME = "images/phone.svg"
DRAWING = f"""\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 480">
  <title>{ALT}</title>
  <rect x="70" y="30" width="190" height="420" rx="30" fill="#263238"/>
  <circle cx="266" cy="286" r="30" fill="none" stroke="#c62828" stroke-width="6"/>
</svg>
"""
FIRST = '  - "Bong bóng thứ nhất."\n'


def pictured_content(root: Path) -> Path:
    """Copy the fixture content into `root` and give A1's first bubble `images/phone.svg`."""
    shutil.copytree(FIXTURE_CONTENT, root, dirs_exist_ok=True)
    lesson = root / "lessons" / "A" / "A1.yaml"
    text = lesson.read_text(encoding="utf-8")
    assert FIRST in text
    pictured = f'  - text: "Bong bóng thứ nhất."\n    image: {NAME}\n'
    lesson.write_text(text.replace(FIRST, pictured), encoding="utf-8")
    (root / "lessons" / "images").mkdir()
    (root / "lessons" / NAME).write_text(DRAWING, encoding="utf-8")
    return root


def pictured_catalog(root: Path) -> Catalog:
    """The catalog of `pictured_content(root)`."""
    pictured_content(root)
    return load_catalog(root / "lessons", root / "quizzes")
