"""Moodle's GIFT format: read a GIFT file into a quiz (writing one: `quizzes/gift_export.py`).

Pure text in, text out; nothing here touches files or the bot. What maps to what:

| GIFT                                   | hocvuso                                            |
|----------------------------------------|----------------------------------------------------|
| `::q1::` title                         | question `id` (a leading "E2-" is dropped)         |
| `{=right ~wrong ~%50%half}`            | `single`; `~%50%` is `credit: 0.5`                 |
| `{~%50%a ~%50%b ~%-100%c}` (no `=`)    | `multiple`: positive weights are the right options |
| `{T}` `{TRUE}` `{F}` `{FALSE}`         | `true_false`; `{T#wrong feedback#right feedback}`  |
| `{=a =b}`, `=%0%*#…` catch-all         | `short` with `answers`; the catch-all feedback is  |
|                                        | `feedback_wrong`                                   |
| `#feedback` after an answer            | option `feedback` (or the question's feedbacks)    |
| `####general feedback`                 | question `feedback` (shown after a wrong answer)   |
| `// comment`                           | ignored, except `// hocvuso: …` settings below     |

Things GIFT cannot say ride in comment lines Moodle ignores: `// hocvuso: pass_mark=0.8` for the
file, and `// hocvuso: drill scenario` before a question (the question text then holds the
scenario, a blank line `\\n\\n`, and the prompt). Numerical `{#…}`, matching `->`, essay `{}`,
missing-word (text after the braces) and description questions are reported by line, never
dropped silently.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from lessons.models import Location
from quizzes.models import Question, Quiz

# Escapes, as Moodle reads them: `\\` first, then the reserved characters and `\n`.
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_HIDE = {ch: chr(0xE000 + i) for i, ch in enumerate("\\:#={}~n")}
_SHOW = {hidden: ("\n" if ch == "n" else ch) for ch, hidden in _HIDE.items()}
_WEIGHT = re.compile(r"^%(-?[0-9]{1,3}(?:\.[0-9]*)?)%")
_FORMATS = ("moodle", "html", "plain", "markdown")
_TRUE, _FALSE = ("T", "TRUE"), ("F", "FALSE")
_QUESTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_LESSON_PREFIX = re.compile(r"^[A-Z][0-9]{1,2}-")
SCENARIO_BREAK = "\n\n"


@dataclass(frozen=True)
class GiftProblem:
    """Something in a GIFT file that cannot become a hocvuso question, with its line."""

    line: int
    message: str


@dataclass
class GiftQuestion:
    """One question read from GIFT: plain data for `Question`, and where its parts are."""

    line: int
    data: dict[str, Any]
    option_lines: list[int] = field(default_factory=list)

    def line_of(self, location: Sequence[int | str]) -> int:
        """The GIFT line of a part of this question (an option's own line when known)."""
        if len(location) >= 2 and location[0] == "options" and isinstance(location[1], int):
            index = location[1]
            if 0 <= index < len(self.option_lines):
                return self.option_lines[index]
        return self.line


@dataclass
class GiftDocument:
    """A parsed GIFT file."""

    questions: list[GiftQuestion] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)


# -- reading -------------------------------------------------------------------------------------


def _hide_escapes(line: str) -> str:
    return _ESCAPE.sub(lambda match: _HIDE[match.group(1)], line)


def _show(text: str) -> str:
    return "".join(_SHOW.get(ch, ch) for ch in text)


def _html_to_text(text: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return "\n".join(line.strip() for line in html.unescape(text).splitlines()).strip()


def _text(raw: str, default: str = "moodle") -> tuple[str, str]:
    """A GIFT text with its `[format]` marker read, escapes restored, NFC, trimmed."""
    raw, fmt = raw.strip(), default
    match = re.match(r"^\[(\w+)\]", raw)
    if match and match.group(1) in _FORMATS:
        fmt, raw = match.group(1), raw[match.end() :]
    text = _show(raw)
    if fmt == "html":
        text = _html_to_text(text)
    return unicodedata.normalize("NFC", text.replace("\r", "").strip()), fmt


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Questions are separated by blank lines; each line keeps its 1-based number."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if line.strip():
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


class _Block:
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
                line = _hide_escapes(line)
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


def parse_gift(source: str) -> GiftDocument:
    """Read GIFT text: the questions as plain data, the problems by line, the settings."""
    document = GiftDocument()
    for lines in _blocks(source):
        block = _Block(lines)
        flags: dict[str, str] = {}
        for item in block.directives:
            key, sep, value = item.partition("=")
            if key in ("pass_mark", "lesson"):
                document.settings[key] = value
            else:
                flags[key] = value if sep else ""
        question = _parse_question(block, flags, document)
        if question is not None:
            document.questions.append(question)
    _name_questions(document)
    return document


def _parse_question(
    block: _Block, flags: dict[str, str], document: GiftDocument
) -> GiftQuestion | None:
    text = block.text
    body = text.lstrip()
    if not body.strip():
        return None  # comments only
    begin = len(text) - len(body)
    line = block.line_at(begin)
    problem = document.problems.append
    if body.startswith("$CATEGORY:"):
        return None  # a Moodle question-bank category: not a question
    title = ""
    if body.startswith("::"):
        end = body.find("::", 2)
        if end >= 0:
            title = _text(body[2:end])[0]
            begin += end + 2
            body = body[end + 2 :]
    open_at, close_at = body.find("{"), body.find("}")
    if open_at < 0 and close_at < 0:
        problem(
            GiftProblem(
                line,
                "a description (text without answers in {…}) is not a question hocvuso can "
                "ask; it was not imported",
            )
        )
        return None
    if open_at < 0 or close_at < open_at:
        problem(GiftProblem(line, "the answers need both an opening { and a closing }"))
        return None
    if body[close_at + 1 :].strip():
        problem(
            GiftProblem(
                block.line_at(begin + close_at),
                "missing-word questions (text after the {…} answers) are not supported; put "
                "the answers at the end of the question",
            )
        )
        return None
    prompt, fmt = _text(body[:open_at])
    answer_at = begin + open_at + 1
    answer = body[open_at + 1 : close_at]
    general = ""
    split = answer.rfind("####")
    if split >= 0:
        general = _text(answer[split + 4 :], fmt)[0]
        answer = answer[:split]
    data: dict[str, Any] = {"id": title, "prompt": prompt}
    if general:
        data["feedback"] = general
    if "scenario" in flags:
        scenario, sep, rest = prompt.rpartition(SCENARIO_BREAK)
        if sep:
            data["scenario"], data["prompt"] = scenario, rest.strip()
    if "drill" in flags:
        data["drill"] = True
    found = GiftQuestion(line=line, data=data)
    stripped = answer.strip()
    kind = _kind(stripped)
    if kind in ("essay", "numerical", "matching"):
        names = {
            "essay": "essay questions ({} with nothing inside)",
            "numerical": "numerical questions ({#…})",
            "matching": "matching questions (… -> …)",
        }
        problem(GiftProblem(line, f"{names[kind]} are not supported; it was not imported"))
        return None
    if kind == "true_false":
        bits = stripped.split("#", 2) + ["", ""]
        truth = bits[0].strip() in _TRUE
        wrong, right = _text(bits[1], fmt)[0], _text(bits[2], fmt)[0]
        data.update(type="true_false", answer=truth)
        feedback_true, feedback_false = (right, wrong) if truth else (wrong, right)
        if feedback_true:
            data["feedback_true"] = feedback_true
        if feedback_false:
            data["feedback_false"] = feedback_false
        return found
    pieces = _answers(answer, answer_at, kind == "choice")
    if kind == "choice":
        _read_choice(found, pieces, "=" in answer, fmt, block)
    else:
        _read_short(found, pieces, fmt, block, document)
    ids = flags.get("ids", "").split(",")
    if "options" in data and len(ids) == len(data["options"]):
        for option, option_id in zip(data["options"], ids, strict=True):
            option["id"] = option_id
    return found


def _kind(answer: str) -> str:
    """Moodle's order of tests on the text inside the braces."""
    if not answer:
        return "essay"
    if answer.startswith("#"):
        return "numerical"
    if "~" in answer:
        return "choice"
    if "=" in answer and "->" in answer:
        return "matching"
    head = answer.split("#", 1)[0].strip() if "#" in answer[1:] else answer
    if head in _TRUE + _FALSE:
        return "true_false"
    return "short"


def _answers(answer: str, offset: int, choice: bool) -> list[tuple[str, str, int]]:
    """Split the answers: (marker "=" or "~", text after it, offset of the marker).

    As in Moodle, text before the first marker is an answer too: a wrong option in a choice
    question, an accepted answer in a short one (`{nobody}`).
    """
    markers = "=~" if choice else "="
    starts = [i for i, ch in enumerate(answer) if ch in markers]
    pieces: list[tuple[str, str, int]] = []
    lead = answer[: starts[0]] if starts else answer
    if lead.strip():
        pieces.append(("~" if choice else "=", lead, offset + len(lead) - len(lead.lstrip())))
    ends = [*starts[1:], len(answer)] if starts else []
    for start, end in zip(starts, ends, strict=True):
        pieces.append((answer[start], answer[start + 1 : end], offset + start))
    return pieces


def _weight(text: str) -> tuple[float | None, str]:
    match = _WEIGHT.match(text.strip())
    if not match:
        return None, text
    return float(match.group(1)), text.strip()[match.end() :]


def option_id(index: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[index] if index < 26 else f"o{index + 1}"


def _read_choice(
    found: GiftQuestion,
    pieces: list[tuple[str, str, int]],
    single: bool,
    fmt: str,
    block: _Block,
) -> None:
    options = []
    for index, (marker, raw, offset) in enumerate(pieces):
        weight, rest = (100.0, raw) if marker == "=" else _weight(raw)
        text, _sep, feedback = rest.partition("#")
        option: dict[str, Any] = {"id": option_id(index), "text": _text(text, fmt)[0]}
        if single:
            if weight is not None and weight >= 100:
                option["correct"] = True
            elif weight is not None and weight > 0:
                option["credit"] = round(weight / 100, 5)
        elif weight is not None and weight > 0:
            option["correct"] = True
        feedback_text = _text(feedback, fmt)[0]
        if feedback_text:
            option["feedback"] = feedback_text
        options.append(option)
        found.option_lines.append(block.line_at(offset))
    found.data.update(type="single" if single else "multiple", options=options)


def _read_short(
    found: GiftQuestion,
    pieces: list[tuple[str, str, int]],
    fmt: str,
    block: _Block,
    document: GiftDocument,
) -> None:
    answers: list[str] = []
    right: list[str] = []
    for _marker, raw, offset in pieces:
        line = block.line_at(offset)
        weight, rest = _weight(raw)
        text, _sep, feedback = rest.partition("#")
        text, feedback = _text(text, fmt)[0], _text(feedback, fmt)[0]
        if text == "*" and weight is not None and weight <= 0:
            if feedback:
                found.data["feedback_wrong"] = feedback
            continue
        if weight is not None and weight < 100:
            document.problems.append(
                GiftProblem(
                    line,
                    f"partial credit ({weight:g}%) in a short answer is not supported: every "
                    "accepted answer is fully right",
                )
            )
            continue
        if "*" in text:
            document.problems.append(
                GiftProblem(line, f"the wildcard * in the short answer {text!r} is not supported")
            )
            continue
        answers.append(text)
        if feedback:
            right.append(feedback)
    if len(set(right)) > 1:
        document.problems.append(
            GiftProblem(
                found.line,
                "the right answers have different feedback; hocvuso shows one feedback for "
                "every right answer, so give them the same text",
            )
        )
    if right:
        found.data["feedback_correct"] = right[0]
    found.data.update(type="short", answers=answers)


def _name_questions(document: GiftDocument) -> None:
    """Question ids from the titles ("E2-q1" -> "q1"); `qN` where a title cannot be an id."""
    used: set[str] = set()
    for number, question in enumerate(document.questions, start=1):
        title = _LESSON_PREFIX.sub("", str(question.data.get("id", "")))
        if not _QUESTION_ID.match(title) or title in used:
            title = f"q{number}"
            while title in used:
                title += "x"
        question.data["id"] = title
        used.add(title)


def gift_to_quiz(
    source: str, lesson: str, pass_mark: float | None = None
) -> tuple[Quiz | None, list[GiftProblem]]:
    """Read GIFT text as the quiz of `lesson`, checked like any quiz file.

    The pass mark is `pass_mark`, else the file's `// hocvuso: pass_mark=…`, else 0.75.
    Returns the quiz (None when anything is wrong) and every problem, by GIFT line.
    """
    document = parse_gift(source)
    problems = list(document.problems)
    if not document.questions and not problems:
        problems.append(GiftProblem(1, "no questions found"))
    for question in document.questions:
        try:
            checked = Question.model_validate(question.data)
        except ValidationError as exc:
            for error in exc.errors():
                message = error["msg"].removeprefix("Value error, ")
                problems.append(GiftProblem(question.line_of(error["loc"]), message))
            continue
        for location, message in checked.problems():
            problems.append(GiftProblem(question.line_of(location), message))
    if pass_mark is None:
        try:
            pass_mark = float(document.settings.get("pass_mark", "0.75"))
        except ValueError:
            pass_mark = 0.75
    if problems:
        return None, sorted(problems, key=lambda problem: problem.line)
    try:
        quiz = Quiz.model_validate(
            {
                "lesson": lesson,
                "pass_mark": pass_mark,
                "questions": [question.data for question in document.questions],
            }
        )
    except ValidationError as exc:
        return None, [
            GiftProblem(1, f"{'.'.join(map(str, e['loc']))}: {e['msg']}") for e in exc.errors()
        ]
    for location, message in quiz.problems():
        problems.append(GiftProblem(_line(document, location), message))
    return (None if problems else quiz), sorted(problems, key=lambda problem: problem.line)


def _line(document: GiftDocument, location: Location) -> int:
    if len(location) >= 2 and location[0] == "questions" and isinstance(location[1], int):
        index = location[1]
        if 0 <= index < len(document.questions):
            return document.questions[index].line_of(location[2:])
    return 1


__all__ = [
    "SCENARIO_BREAK",
    "GiftDocument",
    "GiftProblem",
    "GiftQuestion",
    "gift_to_quiz",
    "option_id",
    "parse_gift",
]
