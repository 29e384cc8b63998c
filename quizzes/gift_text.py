"""GIFT's text layer: escapes, `[format]` markers, comment lines, blank-line-separated blocks.

Shared by the question reader (`quizzes/gift_parse.py`) and the numerical reader
(`quizzes/gift_numeric.py`); nothing here knows about questions.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

# Escapes, as Moodle reads them: `\\` first, then the reserved characters and `\n`. Escaped
# characters are swapped for private-use code points while the structure is read, so a `\=`
# or `\}` can never be taken for a marker, and swapped back in `show`.
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_HIDE = {ch: chr(0xE000 + i) for i, ch in enumerate("\\:#={}~n")}
_SHOW = {hidden: ("\n" if ch == "n" else ch) for ch, hidden in _HIDE.items()}
FORMATS = ("moodle", "html", "plain", "markdown")
# Markdown emphasis the chat channels would show as literal stars and underscores.
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")


@dataclass(frozen=True)
class GiftProblem:
    """A note about one line of a GIFT file: a question skipped, or imported with a change."""

    line: int
    message: str
    skipped: bool = False


def hide_escapes(line: str) -> str:
    return _ESCAPE.sub(lambda match: _HIDE[match.group(1)], line)


def show(text: str) -> str:
    return "".join(_SHOW.get(ch, ch) for ch in text)


def _html_to_text(text: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return "\n".join(line.strip() for line in html.unescape(text).splitlines()).strip()


def _markdown_to_text(text: str) -> str:
    return _MARKDOWN_EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)


def read_text(raw: str, default: str = "moodle") -> tuple[str, str]:
    """A GIFT text with its `[format]` marker read, escapes restored, NFC, trimmed.

    Returns the text and its format; answers and feedback inherit the question's format.
    """
    raw, fmt = raw.strip(), default
    match = re.match(r"^\[(\w+)\]", raw)
    if match and match.group(1) in FORMATS:
        fmt, raw = match.group(1), raw[match.end() :]
    text = show(raw)
    if fmt == "html":
        text = _html_to_text(text)
    elif fmt == "markdown":
        text = _markdown_to_text(text)
    return unicodedata.normalize("NFC", text.replace("\r", "").strip()), fmt


def blocks(text: str) -> list[list[tuple[int, str]]]:
    """Questions are separated by blank lines; each line keeps its 1-based number."""
    found: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if line.strip():
            found[-1].append((number, line))
        elif found[-1]:
            found.append([])
    return [block for block in found if block]


class Block:
    """One question's lines, joined, with a way back from a character offset to a line."""

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.first = lines[0][0]
        self.directives: list[str] = []
        self.starts: list[tuple[int, int]] = []
        parts: list[str] = []
        offset = 0
        for number, line in lines:
            stripped = line.strip()
            if stripped.startswith("//"):
                directive = re.match(r"^//\s*hocvuso\s*:(.*)$", stripped)
                if directive:
                    self.directives.extend(directive.group(1).split())
                line = ""
            else:
                line = hide_escapes(line)
            self.starts.append((offset, number))
            parts.append(line)
            offset += len(line) + 1
        self.text = "\n".join(parts)

    def line_at(self, offset: int) -> int:
        number = self.first
        for start, line in self.starts:
            if start > offset:
                break
            number = line
        return number


__all__ = ["FORMATS", "Block", "GiftProblem", "blocks", "hide_escapes", "read_text", "show"]
