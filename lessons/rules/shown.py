"""The text a learner reads in a content file, value by value, with the line of every offset.

Every rule about words (legal numbers, house words, misleading claims, jargon, drills) scans the
value as it is written in the file, so a problem names the line it is on, also inside a
multi-line (`|`) text. Values no learner reads are skipped: the `sources` an author cites,
`image` paths, the handbook's search `keywords` and the extra spellings of a short answer
(`answers` after the first, which the bot never shows).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from lessons.models import Location
from lessons.yamlfile import YamlDocument

# Values no learner reads (ids name lessons, questions, options and handbook entries).
NOT_SHOWN = frozenset({"sources", "image", "keywords", "id"})


@dataclass(frozen=True)
class Scalar:
    """One value of a document: where it sits, its text as written and its first line."""

    at: Location
    source: str
    line: int

    @property
    def field(self) -> str:
        """The dotted place of the value, as problems name it: `bubbles.2.check.prompt`."""
        return ".".join(map(str, self.at)) or "(file)"

    def line_of(self, offset: int) -> int:
        """The 1-based file line of a character of `source`."""
        return self.line + self.source.count("\n", 0, offset)


def nfc_text(doc: YamlDocument) -> str:
    """The text the parser read (the node marks count its characters): NFC, no BOM."""
    return unicodedata.normalize("NFC", doc.text.removeprefix("\ufeff"))


def _scalar(node: yaml.ScalarNode, at: Location, text: str) -> Scalar:
    source = text[node.start_mark.index : node.end_mark.index]
    return Scalar(at, source, node.start_mark.line + 1)


def scalar_at(doc: YamlDocument, at: Sequence[int | str], text: str) -> Scalar | None:
    """The value at a location, or None when there is none (or it is not a single value)."""
    node = doc.root
    for key in at:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            node = node.value[key] if 0 <= key < len(node.value) else None
        else:
            return None
    return _scalar(node, tuple(at), text) if isinstance(node, yaml.ScalarNode) else None


def shown_scalars(doc: YamlDocument) -> Iterator[Scalar]:
    """Every value a learner reads, in file order."""
    text = nfc_text(doc)

    def walk(node: yaml.Node | None, at: Location) -> Iterator[Scalar]:
        if isinstance(node, yaml.ScalarNode):
            yield _scalar(node, at, text)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if at[-1:] == ("answers",) and index > 0:
                    break  # other accepted spellings: typed by learners, never shown
                yield from walk(item, (*at, index))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) not in NOT_SHOWN:
                    yield from walk(value, (*at, str(key.value)))

    yield from walk(doc.root, ())


def problem(doc: YamlDocument, scalar: Scalar, offset: int, message: str) -> str:
    """`file:line: field: message` for a problem at an offset of a value."""
    return f"{doc.path}:{scalar.line_of(offset)}: {scalar.field}: {message}"


def value_at(data: Any, at: Sequence[int | str]) -> Any:
    """The parsed value at a location, or None."""
    for key in at:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def is_wrong_answer(data: Any, at: Location) -> bool:
    """Whether a value is a wrong answer on purpose: a wrong option's text, or the statement
    of a true/false question whose answer is "false". A plausible mistake states a myth so the
    learner can reject it; its feedback corrects it."""
    if len(at) >= 3 and at[-1] == "text" and at[-3] == "options":
        option = value_at(data, at[:-1])
        return isinstance(option, dict) and option.get("correct") is not True
    if at[-1:] == ("prompt",):
        question = value_at(data, at[:-1])
        return (
            isinstance(question, dict)
            and question.get("type") == "true_false"
            and question.get("answer") is False
        )
    return False


def fold(text: str) -> str:
    """`text` without accents (đ → d), one character for one, so offsets stay valid."""
    out = []
    for char in text:
        base = "d" if char == "đ" else "D" if char == "Đ" else unicodedata.normalize("NFD", char)
        out.append(base[0])
    return "".join(out)


def lower(text: str) -> str:
    """`text` in lower case, one character for one, so offsets stay valid."""
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def words_key(text: str) -> str:
    """A text compared loosely: no case, accents, punctuation or extra spaces."""
    return " ".join(re.findall(r"[^\W_]+", lower(fold(text))))
