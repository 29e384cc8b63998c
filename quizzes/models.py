"""Typed models for quizzes: single-choice, multiple-choice, true/false and short typed answers."""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Text = Annotated[str, Field(min_length=1, max_length=2000)]


def _nfc(value: str | None) -> str | None:
    if value is not None and unicodedata.normalize("NFC", value) != value:
        raise ValueError("text is not in Unicode NFC form; re-save it as NFC (composed) text")
    return value


class QuestionType(StrEnum):
    """How a question is answered."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    SHORT = "short"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One answer option, with the feedback shown when a learner picks it.

    `credit` gives partial credit (0-1) to a wrong-but-not-worthless option, as GIFT's `~%50%`.
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9]{1,8}$")]
    text: Annotated[str, Field(min_length=1, max_length=300)]
    correct: bool = False
    credit: Annotated[float | None, Field(ge=0, le=1)] = None
    feedback: Text | None = None

    _check_text = field_validator("text", "feedback")(_nfc)

    @property
    def score(self) -> float:
        """The credit this option earns when picked in a single-choice question."""
        if self.correct:
            return 1.0
        return self.credit or 0.0


class Question(_Strict):
    """A quiz question. Which fields apply depends on `type`.

    - single / multiple: `options` (at least one `correct`).
    - true_false: `answer` (true or false), `feedback_true` / `feedback_false`.
    - short: `answers` (accepted typed answers), `feedback_correct` / `feedback_wrong`.

    `scenario` is a sample SMS, Zalo message or call script shown as its own bubble before the
    prompt; `drill: true` marks a "lừa đảo hay không?" scam drill.
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]
    type: QuestionType
    prompt: Text
    scenario: Text | None = None
    drill: bool = False
    options: list[Option] = []
    answer: bool | None = None
    answers: list[Annotated[str, Field(min_length=1, max_length=200)]] = []
    feedback: Text | None = None
    feedback_true: Text | None = None
    feedback_false: Text | None = None
    feedback_correct: Text | None = None
    feedback_wrong: Text | None = None

    _check_text = field_validator(
        "prompt",
        "scenario",
        "feedback",
        "feedback_true",
        "feedback_false",
        "feedback_correct",
        "feedback_wrong",
    )(_nfc)

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Question:
        if self.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            if len(self.options) < 2:
                raise ValueError(f"a {self.type} question needs at least two options")
            if not any(option.correct for option in self.options):
                raise ValueError("no option is marked correct: the answer key names no option")
            if self.type is QuestionType.SINGLE and sum(o.correct for o in self.options) > 1:
                raise ValueError("a single-choice question has exactly one correct option")
            ids = [option.id for option in self.options]
            if len(set(ids)) != len(ids):
                raise ValueError("option ids must be unique within a question")
        elif self.type is QuestionType.TRUE_FALSE:
            if self.answer is None:
                raise ValueError("a true_false question needs `answer: true` or `answer: false`")
        elif not self.answers:
            raise ValueError("a short-answer question needs at least one accepted `answers` entry")
        choice_types = (QuestionType.SINGLE, QuestionType.MULTIPLE)
        if self.type not in choice_types and self.options:
            raise ValueError(f"a {self.type} question takes no `options`")
        return self


class Quiz(_Strict):
    """The quiz that closes one lesson. `pass_mark` is the share of points needed (0-1)."""

    schema_version: int = 1
    lesson: Annotated[str, Field(pattern=r"^[A-Z][0-9]{1,2}$")]
    pass_mark: Annotated[float, Field(gt=0, le=1)]
    questions: Annotated[list[Question], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_question_ids(self) -> Quiz:
        ids = [question.id for question in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique within a quiz")
        return self
