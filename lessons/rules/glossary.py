"""Jargon is explained the first time a lesson uses it.

`lessons/glossary.yaml` lists the terms (`OTP`, `CCCD`, `shipper` …) with a plain Vietnamese
explanation. Reading a lesson's steps in order (the title is not a step), the first use of a
term, in exact case and as a whole word, must be followed at once by an explanation in
brackets ("OTP (mã số ngân hàng gửi qua tin nhắn, chỉ dùng một lần)") or by " là …".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from lessons.models import MAX_BUTTON_CHARS, Location
from lessons.rules.shown import nfc_text, problem, scalar_at
from lessons.rules.steps import step_texts
from lessons.yamlfile import YamlDocument, problem_lines

if TYPE_CHECKING:
    from lessons.models import Lesson
    from lessons.yamlfile import Loaded

GLOSSARY_FILE = "glossary.yaml"
TERM_PATTERN = r"^[A-Za-z][A-Za-z0-9-]*$"
# After the term: an optional closing quote ('OTP' (…)), then "(" or " là ".
_EXPLAINED = re.compile(r"""['"’”]?(?:\s*\(|\s+là(?!\w))""")


class GlossaryFile(BaseModel):
    """`lessons/glossary.yaml`: term -> a plain Vietnamese explanation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = 1
    terms: dict[str, str]


def glossary_problems(doc: YamlDocument, glossary: GlossaryFile) -> list[str]:
    """The glossary's own rules: every explanation is plain text that fits in brackets."""
    found: list[tuple[Location, str]] = []
    if not glossary.terms:
        found.append((("terms",), "the glossary lists no term"))
    for term, explanation in glossary.terms.items():
        at: Location = ("terms", term)
        text = explanation.strip()
        if not re.match(TERM_PATTERN, term):
            found.append(
                (
                    at,
                    f"{term!r} is not one term: a word of letters and digits, as lessons write it",
                )
            )
        elif not text:
            found.append((at, f"{term}: the explanation is empty"))
        elif unicodedata.normalize("NFC", explanation) != explanation:
            found.append((at, f"{term}: the explanation is not in Unicode NFC form"))
        elif text != explanation:
            found.append((at, f"{term}: the explanation starts or ends with spaces"))
        elif len(text) > MAX_BUTTON_CHARS:
            found.append(
                (
                    at,
                    f"{term}: the explanation has {len(text)} characters; at most "
                    f"{MAX_BUTTON_CHARS}, as it goes in brackets after the term",
                )
            )
        elif term_pattern(term).search(text):
            found.append((at, f"{term}: explain the term without using it"))
    return problem_lines(doc, found)


def term_pattern(term: str) -> re.Pattern[str]:
    """The term as a whole word, in exact case."""
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")


def _first_uses(loaded: Loaded[Lesson], terms: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(term, problem) for every term whose first use in the lesson is not explained."""
    doc = loaded.doc
    text = nfc_text(doc)
    patterns = {term: term_pattern(term) for term in terms}
    pending = dict(patterns)
    for at, _value in step_texts(doc, loaded.item):
        scalar = scalar_at(doc, at, text)
        if scalar is None or not pending:
            continue
        for term, pattern in list(pending.items()):
            match = pattern.search(scalar.source)
            if match is None:
                continue
            del pending[term]
            if not _EXPLAINED.match(scalar.source, match.end()):
                yield (
                    term,
                    problem(
                        doc,
                        scalar,
                        match.start(),
                        f"{term!r} is used for the first time in this lesson without an "
                        f"explanation: write it followed by one in brackets, e.g. '{term} "
                        f"({terms[term]})', or by ' là …' (terms: lessons/glossary.yaml)",
                    ),
                )


def jargon_problems(loaded: Loaded[Lesson], terms: dict[str, str]) -> list[str]:
    """`file:line: field: message` for every term not explained at its first use."""
    return [found for _term, found in _first_uses(loaded, terms)]
