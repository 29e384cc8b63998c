"""Read YAML files while remembering where each value came from, for `file:line:` messages."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from lessons.addresses import address_problems
from lessons.models import Location

M = TypeVar("M", bound=BaseModel)
# libyaml's loader when PyYAML was built with it (much faster), else the pure-Python one.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
T = TypeVar("T")

# Old-style tone placement ("hoà", "thuỷ", "khoá"); the house style is the new one used in
# official names ("hòa", "thủy", "khóa"). "quý", "quà" are right in both styles: "qu" is one
# consonant, so the tone sits on the next vowel.
_OLD_TONE = re.compile(
    r"(?<![qQ])(?:o[àáảãạèéẻẽẹ]|u[ỳýỷỹỵ])(?![a-zà-ỹđ])", re.IGNORECASE | re.UNICODE
)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file with its node tree kept for line look-ups.

    `data` and `root` come from the NFC-normalised text, so a file with decomposed accents is
    still checked for everything else; `text_problems()` reports the lines that were not NFC.
    """

    path: Path
    data: Any
    root: yaml.Node | None
    text: str = ""

    def line_of(self, location: Sequence[int | str]) -> int:
        """The 1-based line of the value at a pydantic error location (nearest known parent)."""
        node = self.root
        line = 1 if node is None else node.start_mark.line + 1
        for key in location:
            # A field's line is its key's line ("bubbles:"), an item's line its "- " line.
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == key), None)
                if pair is None:
                    break
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if not 0 <= key < len(node.value):
                    break
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def where(self, location: Sequence[int | str] = ()) -> str:
        """`file:line` of a value, the prefix of every problem message."""
        return f"{self.path}:{self.line_of(location)}"


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """A validated item with the document it came from, for cross-file `file:line` messages.

    `at` is where the item sits in the document: () for a whole file, ("entries", 3) for one
    entry of a list.
    """

    item: T
    doc: YamlDocument
    at: Location = ()

    @property
    def path(self) -> Path:
        return self.doc.path

    def where(self, *location: int | str) -> str:
        """`file:line` of a value inside this item."""
        return self.doc.where((*self.at, *location))


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file.

    Raises:
        ValueError: with a `file:line: message` text when the file cannot be read as YAML.
    """
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"{path}:{line}: the file is not UTF-8 text; save it as UTF-8 (Unicode)"
        ) from exc
    text = unicodedata.normalize("NFC", raw)
    loader = _LOADER(text)
    try:
        # One parse gives both the node tree (for lines) and the data built from it.
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 1
        raise ValueError(f"{path}:{line}: broken YAML: {exc.problem}") from exc
    finally:
        loader.dispose()
    return YamlDocument(path=path, data=data, root=root, text=raw)


def text_problems(doc: YamlDocument) -> list[str]:
    """Text rules: Unicode NFC, new-style tone marks, no key written twice, no tappable address.

    Addresses and handles are checked in the values a learner reads (`lessons/addresses.py`).
    """
    return file_problems(doc) + address_problems(doc)


def file_problems(doc: YamlDocument) -> list[str]:
    """The rules of every file, also those no learner reads: Unicode NFC, new-style tone marks,
    no key written twice."""
    problems = []
    for number, line in enumerate(doc.text.splitlines(), start=1):
        if unicodedata.normalize("NFC", line) != line:
            word = next(
                (
                    w
                    for w in re.findall(r"[\w\u0300-\u036f]+", line)
                    if unicodedata.normalize("NFC", w) != w
                ),
                line.strip(),
            )
            problems.append(
                f"{doc.path}:{number}: text is not in Unicode NFC form (decomposed accents, "
                f"e.g. in {unicodedata.normalize('NFC', word)!r}); set the keyboard to "
                "'Unicode dựng sẵn' and retype it, or re-save the file as NFC"
            )
            line = unicodedata.normalize("NFC", line)
        if line.lstrip().startswith("#"):
            continue  # an author's comment
        for match in _OLD_TONE.finditer(line):
            problems.append(
                f"{doc.path}:{number}: old-style tone mark in {_word_at(line, match.start())!r}; "
                "write the new style used in official names (hòa, thủy, khóa)"
            )
    problems.extend(_duplicate_keys(doc))
    return problems


def _word_at(line: str, index: int) -> str:
    start = index
    while start > 0 and line[start - 1].isalpha():
        start -= 1
    end = index
    while end < len(line) and line[end].isalpha():
        end += 1
    return line[start:end]


def _duplicate_keys(doc: YamlDocument) -> list[str]:
    """YAML keeps only the last of two equal keys; an author's second `bubbles:` is lost."""
    problems: list[str] = []
    stack: list[yaml.Node] = [doc.root] if doc.root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                name, line = str(key.value), key.start_mark.line + 1
                if name in first:
                    problems.append(
                        f"{doc.path}:{line}: {name}: this field is written twice (first on "
                        f"line {first[name]}); only one is kept, so merge them"
                    )
                else:
                    first[name] = line
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(problems, key=_line_number)


def _line_number(problem: str) -> int:
    match = re.search(r":(\d+): ", problem)
    return int(match.group(1)) if match else 0


def problem_lines(doc: YamlDocument, errors: Sequence[tuple[Location, str]]) -> list[str]:
    """Turn (location, message) rule results into `file:line: field: message` strings."""
    problems = []
    for location, message in errors:
        field = ".".join(str(part) for part in location) or "(file)"
        problems.append(f"{doc.where(location)}: {field}: {message}")
    return problems


def validation_problems(doc: YamlDocument, error: ValidationError) -> list[str]:
    """Turn a pydantic error into `file:line: field: message` strings."""
    errors: list[tuple[Location, str]] = []
    for item in error.errors():
        location = tuple(
            part for part in item["loc"] if not isinstance(part, str) or part[:1] != "_"
        )
        message = item["msg"].removeprefix("Value error, ")
        errors.append((location, message))
    return problem_lines(doc, errors)


def parse_model(doc: YamlDocument, model: type[M]) -> M:
    """Validate a document into a model.

    Raises:
        ValueError: carrying the problems, one per line.
    """
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise ValueError("\n".join(validation_problems(doc, exc))) from exc
