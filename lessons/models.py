"""Typed models for modules and lessons, validated when the YAML files are loaded."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from pathlib import Path
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
# The content folder: lesson pictures are paths relative to it. Defined here, not in the loader,
# so the conversation core can know it without importing PyYAML.
LESSONS_DIR = Path(__file__).resolve().parent

Location = tuple[int | str, ...]
"""Where a value sits in a document, as pydantic reports it: ("questions", 2, "options", 0)."""

# The hard text limit of one message on each channel the bot can run on. Content is shared by
# every channel, so it must fit the smallest one.
CHANNEL_TEXT_LIMITS = {"Zalo": 2000, "Telegram": 4096}
SMALLEST_CHANNEL = min(CHANNEL_TEXT_LIMITS, key=CHANNEL_TEXT_LIMITS.__getitem__)
MAX_MESSAGE_CHARS = CHANNEL_TEXT_LIMITS[SMALLEST_CHANNEL]
# House rules, far below the channel limits: one bubble is read on a small phone screen.
BUBBLE_LIMIT = 600  # every bubble (lesson text, prompt, scenario, feedback) is under this
MAX_BUTTON_CHARS = 100  # titles and option texts become buttons
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp")


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


def trimmed(value: str | None) -> str | None:
    """`value` without the blank lines and spaces around it.

    A YAML block (`scenario: |`) keeps its last line break, which a chat shows as an empty line
    at the end of the bubble; no channel wants space around a bubble or a button.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise ValueError("the text is empty (only spaces or blank lines)")
    return value


def check_bubble(value: str | None) -> str | None:
    """A text shown as one chat bubble: trimmed, NFC and under the house limit."""
    value = trimmed(_nfc(value))
    if value is not None and len(value) >= BUBBLE_LIMIT:
        raise ValueError(
            f"too long for one chat bubble: {len(value)} characters, the house rule is under "
            f"{BUBBLE_LIMIT} (the hard channel limits are "
            + ", ".join(f"{name} {limit}" for name, limit in CHANNEL_TEXT_LIMITS.items())
            + "); split it or say it shorter"
        )
    return value


def check_button(value: str | None) -> str | None:
    """A text that becomes a button label: trimmed, NFC and at most MAX_BUTTON_CHARS."""
    value = trimmed(_nfc(value))
    if value is not None and len(value) > MAX_BUTTON_CHARS:
        raise ValueError(
            f"too long for a button: {len(value)} characters, at most {MAX_BUTTON_CHARS}"
        )
    return value


NfcText = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A public page a lesson's facts come from."""

    title: NfcText
    url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")]

    _check_title = field_validator("title")(_nfc)


class CheckOption(_Strict):
    """One answer button of an inline question, with what the bot says when it is tapped."""

    text: NfcText
    correct: bool = False
    feedback: NfcText

    _check_text = field_validator("text")(check_button)
    _check_feedback = field_validator("feedback")(check_bubble)


class Check(_Strict):
    """A quick question inside a lesson: it keeps the learner doing, not only reading.

    Nothing is scored or recorded: whatever the learner taps, the bot says the option's feedback
    and goes on to the next bubble.
    """

    prompt: NfcText
    options: Annotated[list[CheckOption], Field(min_length=2, max_length=4)]

    _check_prompt = field_validator("prompt")(check_bubble)

    @model_validator(mode="after")
    def _one_right_answer(self) -> Check:
        if sum(option.correct for option in self.options) != 1:
            raise ValueError("an inline question has exactly one option with `correct: true`")
        texts = [" ".join(option.text.casefold().split()) for option in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("two options of the inline question have the same text")
        return self


class Bubble(_Strict):
    """One step of a lesson, of one of three kinds.

    - `text` (optionally with a picture): a chat bubble the learner reads, then taps "Continue";
    - `check`: a quick question with buttons (see `Check`);
    - `try`: a task to do on the learner's own phone now, then tap "I did it".
    """

    text: NfcText | None = None
    image: str | None = None
    check: Check | None = None
    try_: NfcText | None = Field(default=None, alias="try")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    _check_text = field_validator("text", "try_")(check_bubble)

    @model_validator(mode="after")
    def _one_kind(self) -> Bubble:
        kinds = [name for name in ("text", "check", "try_") if getattr(self, name) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "a bubble is exactly one of `text` (a plain string is a text), `check` (an "
                "inline question) or `try` (a task to do on the phone)"
            )
        if self.image is not None and self.text is None:
            raise ValueError("only a `text` bubble can carry an `image`")
        return self

    @property
    def kind(self) -> str:
        """ "text", "check" or "try"."""
        if self.check is not None:
            return "check"
        return "try" if self.try_ is not None else "text"


class Module(_Strict):
    """A group of lessons on one theme, e.g. A "Làm quen điện thoại thông minh".

    `required: false` makes it an elective: learners may take it, but the course (and its
    certificate) is complete without it.
    """

    id: Annotated[str, Field(pattern=r"^[A-Z]$")]
    title: NfcText
    order: Annotated[int, Field(ge=1)]
    required: bool = True

    _check_title = field_validator("title")(check_button)


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
    try_it: NfcText | None = None
    sources: list[Source]

    _check_title = field_validator("title")(check_button)
    _check_try_it = field_validator("try_it")(check_bubble)

    @field_validator("sources")
    @classmethod
    def _some_sources(cls, value: list[Source]) -> list[Source]:
        if not value:
            raise ValueError(
                "the source list is empty: list at least one public page the facts come from "
                "(title and url)"
            )
        return value

    @field_validator("bubbles", mode="before")
    @classmethod
    def _plain_strings_are_bubbles(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"text": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("competences", mode="before")
    @classmethod
    def _codes_are_quoted(cls, value: Any) -> Any:
        if isinstance(value, list) and any(isinstance(code, int | float) for code in value):
            raise ValueError(
                'write competence codes in quotes, e.g. ["4.2", "1.2"]: without quotes YAML '
                "reads a number"
            )
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
        if len(set(value)) != len(value):
            raise ValueError("a competence code is listed twice")
        return value

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}")
        return value

    @model_validator(mode="after")
    def _ends_on_a_reading_step(self) -> Lesson:
        # The quiz button sits under the last step; a question's buttons would take its place.
        if self.bubbles[-1].check is not None and not self.try_it:
            raise ValueError(
                "a lesson cannot end on a `check`: add a text bubble, a `try` or `try_it` "
                "after it, so the quiz button has a step to sit under"
            )
        return self

    @model_validator(mode="after")
    def _id_matches_module(self) -> Lesson:
        if not re.match(rf"^{self.module}\d", self.id):
            raise ValueError(
                f"lesson id {self.id} must start with its module letter {self.module}"
            )
        return self


class HandbookEntry(BaseModel):
    """One handbook ("Sổ tay") question and its answer, from `lessons/handbook.yaml`.

    Attributes:
        id: short stable name in lower case with dashes, e.g. `chuyen-tien-qr`.
        question: the question as a learner would ask it; shown as a button, so short.
        answer: the answer in plain, kind words; one chat bubble (under 600 characters).
        keywords: other words people type for this ("ck", "quét mã", "vietqr").
        lesson: the id of the lesson that teaches it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
    question: Annotated[str, Field(min_length=5)]
    answer: Annotated[str, Field(min_length=20)]
    keywords: list[Annotated[str, Field(min_length=1, max_length=60)]]
    lesson: Annotated[str, Field(pattern=ID_PATTERN)]

    _check_question = field_validator("question")(check_button)
    _check_answer = field_validator("answer")(check_bubble)

    @field_validator("question")
    @classmethod
    def _is_a_question(cls, value: str) -> str:
        if not value.rstrip().endswith("?"):
            raise ValueError("write the question as a learner asks it, ending with '?'")
        return value

    @field_validator("keywords")
    @classmethod
    def _some_keywords(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError(
                "list a few other words people type for this question (e.g. 'ck', 'quét mã')"
            )
        return value


class SelfCheckOption(_Strict):
    """One answer button of a self-check question."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9]{1,8}$")]
    text: NfcText
    correct: bool = False

    _check_text = field_validator("text")(check_button)


class SelfCheckQuestion(_Strict):
    """A situation from daily life that shows whether the learner knows one module's skill.

    A wrong answer (or "Chưa biết / chưa làm bao giờ") suggests starting at `module`.
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]
    module: Annotated[str, Field(pattern=r"^[A-Z]$")]
    prompt: NfcText
    options: Annotated[list[SelfCheckOption], Field(min_length=2, max_length=5)]

    _check_prompt = field_validator("prompt")(check_bubble)

    @model_validator(mode="after")
    def _one_right_answer(self) -> SelfCheckQuestion:
        right = sum(option.correct for option in self.options)
        if right != 1:
            raise ValueError(
                f"a self-check question has exactly one option with `correct: true` "
                f"(this one has {right})"
            )
        ids = [option.id for option in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError("two options of the question have the same id")
        texts = [" ".join(option.text.casefold().split()) for option in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("two options of the question have the same text")
        return self


class SelfCheck(_Strict):
    """The self-check (`lessons/selfcheck.yaml`): a few questions at the start that suggest
    where to begin (TT 02/2025 competence 5.4, knowing one's own gaps). Nothing is scored."""

    schema_version: int = 1
    questions: Annotated[list[SelfCheckQuestion], Field(min_length=3, max_length=7)]
