"""Reading GIFT questions into plain data for `quizzes.models.Question` (the mapping table and
the import itself are in `quizzes/gift.py`).

Every Moodle question form is read; what hocvuso cannot ask (matching, essay, description) is
a `GiftProblem` naming its line and the question is skipped, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizzes.gift_numeric import read_numerical
from quizzes.gift_text import Block, GiftProblem, blocks, read_text

_WEIGHT = re.compile(r"^%(-?[0-9]{1,3}(?:\.[0-9]*)?)%")
_TRUE, _FALSE = ("T", "TRUE"), ("F", "FALSE")
_QUESTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_LESSON_PREFIX = re.compile(r"^[A-Z][0-9]{1,2}-")
SCENARIO_BREAK = "\n\n"
# What a missing-word question's gap becomes in the prompt.
BLANK = "___"
_SKIPPED = {
    "essay": "essay question skipped: hocvuso cannot mark free writing; ask it another way "
    "(e.g. a multiple-choice question) or leave it in Moodle",
    "matching": "matching question skipped: hocvuso has no matching questions; split it into "
    "one multiple-choice question per pair, or leave it in Moodle",
}


@dataclass
class GiftQuestion:
    """One question read from GIFT: plain data for `Question`, and where its parts are.

    `key` says the right answer where the data alone cannot (a numerical range); `notes` are
    changes made while reading (answers left out, a gap turned into a blank).
    """

    line: int
    data: dict[str, Any]
    option_lines: list[int] = field(default_factory=list)
    key: str = ""
    notes: list[GiftProblem] = field(default_factory=list)

    def line_of(self, location: Sequence[int | str]) -> int:
        """The GIFT line of a part of this question (an option's own line when known)."""
        if len(location) >= 2 and location[0] == "options" and isinstance(location[1], int):
            index = location[1]
            if 0 <= index < len(self.option_lines):
                return self.option_lines[index]
        return self.line


@dataclass
class GiftDocument:
    """A parsed GIFT file: questions, questions skipped (by line) and `// hocvuso:` settings."""

    questions: list[GiftQuestion] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)


def parse_gift(source: str) -> GiftDocument:
    """Read GIFT text: the questions as plain data, the skipped ones by line, the settings."""
    document = GiftDocument()
    for lines in blocks(source):
        block = Block(lines)
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
    block: Block, flags: dict[str, str], document: GiftDocument
) -> GiftQuestion | None:
    text = block.text
    body = text.lstrip()
    if not body.strip():
        return None  # comments only
    begin = len(text) - len(body)
    line = block.line_at(begin)
    skip = document.problems.append
    if body.startswith("$CATEGORY:"):
        return None  # a Moodle question-bank category: hocvuso has one quiz per lesson
    title = ""
    if body.startswith("::"):
        end = body.find("::", 2)
        if end >= 0:
            title = read_text(body[2:end])[0]
            begin += end + 2
            body = body[end + 2 :]
    open_at, close_at = body.find("{"), body.find("}")
    if open_at < 0 and close_at < 0:
        skip(
            GiftProblem(
                line,
                "description skipped: text without answers in {…} is not a question; put "
                "it in the lesson instead",
                skipped=True,
            )
        )
        return None
    if open_at < 0 or close_at < open_at:
        skip(
            GiftProblem(
                line,
                "question skipped: the answers need both an opening { and a closing }",
                skipped=True,
            )
        )
        return None
    after = body[close_at + 1 :]
    # Moodle's missing-word form: the gap stands where the answers are.
    blank = bool(after.strip())
    prompt, fmt = read_text(body[:open_at] + (BLANK + after if blank else ""))
    answer_at = begin + open_at + 1
    answer = body[open_at + 1 : close_at]
    general = ""
    split = answer.rfind("####")
    if split >= 0:
        general = read_text(answer[split + 4 :], fmt)[0]
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
    if kind in _SKIPPED:
        skip(GiftProblem(line, _SKIPPED[kind], skipped=True))
        return None
    if kind == "numerical":
        return _read_numerical(found, stripped[1:], fmt, skip)
    if kind == "true_false":
        bits = stripped.split("#", 2) + ["", ""]
        truth = bits[0].strip() in _TRUE
        wrong, right = read_text(bits[1], fmt)[0], read_text(bits[2], fmt)[0]
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
        _read_short(found, pieces, fmt, block)
        if not found.data["answers"]:
            skip(
                GiftProblem(
                    line, "short-answer question skipped: no answer is fully right", skipped=True
                )
            )
            return None
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


def _read_numerical(
    found: GiftQuestion, body: str, fmt: str, skip: Callable[[GiftProblem], None]
) -> GiftQuestion | None:
    numerical = read_numerical(body, fmt)
    if numerical.error:
        skip(
            GiftProblem(found.line, f"numerical question skipped: {numerical.error}", skipped=True)
        )
        return None
    found.data.update(type="short", answers=numerical.answers)
    if numerical.feedback_correct:
        found.data["feedback_correct"] = numerical.feedback_correct
    if numerical.feedback_wrong:
        found.data["feedback_wrong"] = numerical.feedback_wrong
    found.key = numerical.key
    found.notes.extend(GiftProblem(found.line, warning) for warning in numerical.warnings)
    return found


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
    block: Block,
) -> None:
    options = []
    positive: set[float] = set()
    for index, (marker, raw, offset) in enumerate(pieces):
        weight, rest = (100.0, raw) if marker == "=" else _weight(raw)
        text, _sep, feedback = rest.partition("#")
        option: dict[str, Any] = {"id": option_id(index), "text": read_text(text, fmt)[0]}
        if single:
            if weight is not None and weight >= 100:
                option["correct"] = True
            elif weight is not None and weight > 0:
                option["credit"] = round(weight / 100, 5)
        elif weight is not None and weight > 0:
            option["correct"] = True
            positive.add(weight)
        feedback_text = read_text(feedback, fmt)[0]
        if feedback_text:
            option["feedback"] = feedback_text
        options.append(option)
        found.option_lines.append(block.line_at(offset))
    if len(positive) > 1:
        weights = "/".join(f"{weight:g}%" for weight in sorted(positive, reverse=True))
        found.notes.append(
            GiftProblem(
                found.line,
                f"the right options weigh {weights} in Moodle; hocvuso gives every right "
                "option an equal share of the point",
            )
        )
    found.data.update(type="single" if single else "multiple", options=options)


def _read_short(
    found: GiftQuestion, pieces: list[tuple[str, str, int]], fmt: str, block: Block
) -> None:
    answers: list[str] = []
    right: list[str] = []
    for _marker, raw, offset in pieces:
        line = block.line_at(offset)
        weight, rest = _weight(raw)
        text, _sep, feedback = rest.partition("#")
        text, feedback = read_text(text, fmt)[0], read_text(feedback, fmt)[0]
        if text == "*" and weight is not None and weight <= 0:
            if feedback:
                found.data["feedback_wrong"] = feedback
            continue
        if weight is not None and weight < 100:
            found.notes.append(
                GiftProblem(
                    line,
                    f"the answer {text!r} earns partial credit ({weight:g}%) in Moodle; "
                    "hocvuso has no partial credit for typed answers, so it was left out",
                )
            )
            continue
        if "*" in text:
            found.notes.append(
                GiftProblem(
                    line,
                    f"the wildcard * in the short answer {text!r} is not supported; the answer "
                    "was left out: list the spellings it stood for",
                )
            )
            continue
        answers.append(text)
        if feedback:
            right.append(feedback)
    if len(set(right)) > 1:
        found.notes.append(
            GiftProblem(
                found.line,
                "the right answers have different feedback; hocvuso shows one feedback for "
                "every right answer and kept the first",
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


__all__ = [
    "BLANK",
    "SCENARIO_BREAK",
    "GiftDocument",
    "GiftQuestion",
    "option_id",
    "parse_gift",
]
