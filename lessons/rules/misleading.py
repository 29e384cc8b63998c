"""Misleading rules of thumb, banned from every text a learner reads.

`lessons/misleading.yaml` lists the claims an expert review found wrong ("only .gov.vn sites are
real", "deepfakes are blurry", "the police never phone" …): for each, the patterns that find
it, why it is wrong and what to teach instead, and examples the patterns must catch (`flags`)
and correct teaching they must let through (`passes`). The examples are checked with the file,
so a pattern that is too broad fails the check before it flags a lesson.

Patterns are regular expressions matched in any case, accents as written: without accents
"mờ" (blurry) and "mở" (open) would be one word. `unless_before` words standing earlier in the
same sentence cancel a match: "Đừng chỉ tin đuôi .gov.vn" is the right teaching. A wrong
option's text, or the statement of a true/false question whose answer is false, states a myth
on purpose to be rejected; it is flagged only for claims with `in_wrong_answers: true`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from lessons.models import Location
from lessons.rules.shown import Scalar
from lessons.yamlfile import YamlDocument, problem_lines

MISLEADING_FILE = "misleading.yaml"
# Where a sentence (or a clause that stands alone) ends.
_CLAUSE_END = re.compile(r"[.!?;:](?=\s)|\n")

Text = Annotated[str, Field(min_length=1)]


class Claim(BaseModel):
    """One misleading claim: how to find it, why it is wrong, what to teach instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
    claim: Text
    patterns: Annotated[list[Text], Field(min_length=1)]
    unless_before: list[Text] = []
    in_wrong_answers: bool = False
    why: Text
    instead: Text
    flags: Annotated[list[Text], Field(min_length=1)]
    passes: Annotated[list[Text], Field(min_length=1)]


class MisleadingFile(BaseModel):
    """`lessons/misleading.yaml`: the list of claims."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = 1
    claims: list[Claim]


@dataclass(frozen=True)
class CompiledClaim:
    """A claim ready to match: its patterns compiled, its `unless_before` words too."""

    claim: Claim
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]

    def find(self, text: str) -> Iterator[re.Match[str]]:
        """Every match in `text` that no `unless_before` word cancels, once per place (two
        patterns of the claim matching the same words are one match)."""
        taken: list[tuple[int, int]] = []
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(start < b and a < end for a, b in taken):
                    continue
                starts = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
                before = text[starts[-1] if starts else 0 : start]
                if not any(word.search(before) for word in self.unless):
                    taken.append((start, end))
                    yield match

    def message(self, found: str) -> str:
        """What the author reads: the claim, why it is wrong, what to write instead."""
        claim = self.claim
        return (
            f"misleading ({claim.claim}, lessons/misleading.yaml: {claim.id}): {found!r}. "
            f"{claim.why} Teach instead: {claim.instead}"
        )


def compile_claims(
    doc: YamlDocument, parsed: MisleadingFile
) -> tuple[list[CompiledClaim], list[str]]:
    """The claims ready to match, and the file's own problems: patterns that do not compile,
    examples not caught (`flags`), correct teaching caught (`passes`), ids used twice."""
    found: list[tuple[Location, str]] = []
    claims: list[CompiledClaim] = []
    ids: set[str] = set()
    for index, claim in enumerate(parsed.claims):
        if claim.id in ids:
            found.append((("claims", index, "id"), f"the id {claim.id} is used twice"))
        ids.add(claim.id)
        patterns = []
        for number, source in enumerate(claim.patterns):
            try:
                patterns.append(re.compile(source, re.IGNORECASE))
            except re.error as exc:
                found.append(
                    (("claims", index, "patterns", number), f"not a regular expression: {exc}")
                )
        unless = tuple(
            re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
            for word in claim.unless_before
        )
        claims.append(CompiledClaim(claim, tuple(patterns), unless))
    for index, compiled in enumerate(claims):
        for number, example in enumerate(compiled.claim.flags):
            if next(compiled.find(example), None) is None:
                found.append(
                    (
                        ("claims", index, "flags", number),
                        "no pattern of the claim catches this example; widen a pattern",
                    )
                )
        for number, example in enumerate(compiled.claim.passes):
            for other in claims:
                if next(other.find(example), None) is not None:
                    found.append(
                        (
                            ("claims", index, "passes", number),
                            f"this correct teaching is flagged by the claim {other.claim.id}; "
                            "make its patterns more precise or add an `unless_before` word",
                        )
                    )
    return claims, problem_lines(doc, found)


def misleading_problems(
    scalar: Scalar, claims: Sequence[CompiledClaim], wrong_answer: bool
) -> Iterator[tuple[int, str]]:
    """(offset, message) for every misleading claim in a value a learner reads.

    `wrong_answer`: the value states a myth on purpose (a wrong option, a false statement).
    """
    for compiled in claims:
        if wrong_answer and not compiled.claim.in_wrong_answers:
            continue
        for match in compiled.find(scalar.source):
            found = " ".join(scalar.source[match.start() : match.end()].split())
            yield match.start(), compiled.message(found)
