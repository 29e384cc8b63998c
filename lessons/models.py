"""Typed models for modules and lessons, validated when the YAML files are loaded."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Thông tư 02/2025/TT-BGDĐT competences (1.1-6.3) and the device-skill group 0.x of CV 3139.
COMPETENCE_CODES = frozenset(
    ["0.1", "0.2"]
    + [f"1.{i}" for i in range(1, 4)]
    + [f"2.{i}" for i in range(1, 7)]
    + [f"3.{i}" for i in range(1, 5)]
    + [f"4.{i}" for i in range(1, 5)]
    + [f"5.{i}" for i in range(1, 5)]
    + [f"6.{i}" for i in range(1, 4)]
)
LEVELS = ("CB1", "CB2", "TC1", "TC2", "NC1", "NC2", "CS1", "CS2")
ID_PATTERN = r"^[A-Z][0-9]{1,2}$"
MAX_BUBBLE_CHARS = 2000  # the smallest text limit of any channel (Zalo); issue 5 tightens to 600


class TargetGroup(StrEnum):
    """The four official target groups of Decision 757 (the reporting enum)."""

    PUPILS = "pupils"
    RESIDENTS = "residents"
    PUBLIC_SERVANTS = "public_servants"
    ENTERPRISE_WORKERS = "enterprise_workers"


def _nfc(value: str | None) -> str | None:
    if value is not None and unicodedata.normalize("NFC", value) != value:
        raise ValueError("text is not in Unicode NFC form; re-save it as NFC (composed) text")
    return value


NfcText = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A public page a lesson's facts come from."""

    title: NfcText
    url: Annotated[str, Field(pattern=r"^https?://")]


class Bubble(_Strict):
    """One chat bubble of a lesson: a short text, optionally with a picture."""

    text: Annotated[str, Field(min_length=1, max_length=MAX_BUBBLE_CHARS)]
    image: str | None = None

    _check_text = field_validator("text")(_nfc)


class Module(_Strict):
    """A group of lessons on one theme, e.g. A "Làm quen điện thoại thông minh"."""

    id: Annotated[str, Field(pattern=r"^[A-Z]$")]
    title: NfcText
    order: Annotated[int, Field(ge=1)]

    _check_title = field_validator("title")(_nfc)


class Lesson(_Strict):
    """A micro-lesson: a few chat bubbles, tagged for reporting and competence mapping."""

    schema_version: int = 1
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    module: Annotated[str, Field(pattern=r"^[A-Z]$")]
    order: Annotated[int, Field(ge=1)]
    title: NfcText
    competences: Annotated[list[str], Field(min_length=1)]
    level: str
    target_groups: Annotated[list[TargetGroup], Field(min_length=1)]
    estimated_minutes: Annotated[int, Field(ge=1, le=60)]
    image: str | None = None
    bubbles: Annotated[list[Bubble], Field(min_length=1)]
    try_it: Annotated[str, Field(min_length=1, max_length=MAX_BUBBLE_CHARS)] | None = None
    sources: Annotated[list[Source], Field(min_length=1)]

    _check_title = field_validator("title", "try_it")(_nfc)

    @field_validator("bubbles", mode="before")
    @classmethod
    def _plain_strings_are_bubbles(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"text": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("competences")
    @classmethod
    def _known_competences(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in COMPETENCE_CODES]
        if unknown:
            raise ValueError(
                f"unknown competence code(s) {', '.join(unknown)}; use the TT 02/2025 codes "
                "1.1-6.3 or the device codes 0.1/0.2"
            )
        return value

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}")
        return value

    @model_validator(mode="after")
    def _id_matches_module(self) -> Lesson:
        if not re.match(rf"^{self.module}\d", self.id):
            raise ValueError(
                f"lesson id {self.id} must start with its module letter {self.module}"
            )
        return self
