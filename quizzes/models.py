"""Typed models for quizzes: single-choice, multiple-choice, true/false and short typed answers.

Two layers of checks: the models reject what cannot be read at all (schema errors, an answer key
that names no option); `Quiz.problems()` lists the house rules (feedback everywhere, drills with
a scenario, messages that fit every channel) with the exact place of each problem.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lessons.models import (
    CHANNEL_TEXT_LIMITS,
    ID_PATTERN,
    MAX_MESSAGE_CHARS,
    SMALLEST_CHANNEL,
    Location,
    check_bubble,
    check_button,
)

Text = Annotated[str, Field(min_length=1)]
# Room for the verdict and "the right answer:" lines the bot adds around a feedback.
FEEDBACK_FRAME_CHARS = 80


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


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One answer option, with the feedback shown when a learner picks it.

    `credit` gives partial credit (0-1) to a wrong-but-not-worthless option, as GIFT's `~%50%`.
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9]{1,8}$")]
    text: Text
    correct: bool = False
    credit: Annotated[float | None, Field(ge=0, le=1)] = None
    feedback: Text | None = None

    _check_text = field_validator("text")(check_button)
    _check_feedback = field_validator("feedback")(check_bubble)

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
    prompt; `drill: true` marks a "lừa đảo hay không?" scam drill. `feedback` is shown after a
    wrong answer, whatever it was.
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]
    type: QuestionType
    prompt: Text
    scenario: Text | None = None
    drill: bool = False
    options: list[Option] = []
    answer: bool | None = None
    answers: list[Annotated[str, Field(min_length=1, max_length=100)]] = []
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
    )(check_bubble)

    @field_validator("answers")
    @classmethod
    def _nfc_answers(cls, value: list[str]) -> list[str]:
        for item in value:
            _nfc(item)
        return value

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Question:
        if self.type in CHOICE_TYPES:
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
        return self

    @property
    def asks_what_to_do(self) -> bool:
        """A "Bác làm gì?" drill: the learner picks the move to make, not a "scam or not?"
        verdict (which a scenario too easily gives away, and which is not what people need
        when the phone rings)."""
        return (
            self.drill and self.type is QuestionType.SINGLE and "làm gì" in self.prompt.casefold()
        )

    def problems(self) -> list[tuple[Location, str]]:
        """House rules broken by this question, as (location inside the question, message)."""
        found: list[tuple[Location, str]] = []
        allowed = {
            "options": CHOICE_TYPES,
            "answer": (QuestionType.TRUE_FALSE,),
            "answers": (QuestionType.SHORT,),
            "feedback_true": (QuestionType.TRUE_FALSE,),
            "feedback_false": (QuestionType.TRUE_FALSE,),
            "feedback_correct": (QuestionType.SHORT,),
            "feedback_wrong": (QuestionType.SHORT,),
        }
        for name, types in allowed.items():
            if getattr(self, name) not in (None, []) and self.type not in types:
                found.append(((name,), f"a {self.type} question takes no `{name}`"))
        if self.drill and not self.scenario:
            found.append(
                (
                    ("drill",),
                    "a scam drill needs a `scenario`: the sample SMS, Zalo message or call "
                    "script the learner judges",
                )
            )
        if self.type in CHOICE_TYPES:
            found.extend(self._option_problems())
        elif self.type is QuestionType.TRUE_FALSE:
            for name in ("feedback_true", "feedback_false"):
                if not getattr(self, name):
                    found.append(((), f"`{name}` is missing: every answer gets feedback"))
        else:
            for name in ("feedback_correct", "feedback_wrong"):
                if not getattr(self, name):
                    found.append(((), f"`{name}` is missing: every answer gets feedback"))
        longest = self.longest_feedback()
        if longest > MAX_MESSAGE_CHARS:
            found.append(
                (
                    (),
                    f"the feedback message can reach {longest} characters, more than "
                    f"{SMALLEST_CHANNEL}'s limit of {CHANNEL_TEXT_LIMITS[SMALLEST_CHANNEL]}; "
                    "shorten the feedback texts",
                )
            )
        return found

    def _option_problems(self) -> list[tuple[Location, str]]:
        found: list[tuple[Location, str]] = []
        texts: dict[str, int] = {}
        for index, option in enumerate(self.options):
            if not option.feedback:
                found.append(
                    (
                        ("options", index),
                        f"option {option.id} has no `feedback`: every option gets feedback "
                        "that says why it is right or wrong",
                    )
                )
            if option.credit is not None and (
                option.correct or self.type is not QuestionType.SINGLE
            ):
                why = (
                    "a correct option always earns 1 point"
                    if option.correct
                    else "partial credit only works in single-choice questions"
                )
                found.append((("options", index, "credit"), f"`credit` has no effect: {why}"))
            key = " ".join(option.text.casefold().split())
            if key in texts:
                found.append(
                    (
                        ("options", index, "text"),
                        f"option {option.id} has the same text as option "
                        f"{self.options[texts[key]].id}",
                    )
                )
            texts.setdefault(key, index)
        return found

    def longest_feedback(self) -> int:
        """The longest feedback message the bot can send for this question, in characters."""
        general = len(self.feedback or "")
        if self.type is QuestionType.TRUE_FALSE:
            body = max(len(self.feedback_true or ""), len(self.feedback_false or ""))
            key = 0
        elif self.type is QuestionType.SHORT:
            body = max(len(self.feedback_correct or ""), len(self.feedback_wrong or ""))
            key = max(len(a) for a in self.answers)
        elif self.type is QuestionType.SINGLE:
            body = max(len(o.feedback or "") for o in self.options)
            key = max(len(o.text) for o in self.options if o.correct)
        else:  # every option ticked: one "• text: feedback" line each
            body = sum(len(f"• {o.text}: {o.feedback or ''}\n") for o in self.options)
            key = sum(len(o.text) + 2 for o in self.options if o.correct)
        return FEEDBACK_FRAME_CHARS + body + general + key


class Quiz(_Strict):
    """The quiz that closes one lesson. `pass_mark` is the share of points needed (0-1)."""

    schema_version: int = 1
    lesson: Annotated[str, Field(pattern=ID_PATTERN)]
    pass_mark: Annotated[float, Field(gt=0, le=1)]
    questions: Annotated[list[Question], Field(min_length=1)]

    def problems(self) -> list[tuple[Location, str]]:
        """House rules broken anywhere in the quiz, as (location, message)."""
        found: list[tuple[Location, str]] = []
        seen: dict[str, int] = {}
        for index, question in enumerate(self.questions):
            if question.id in seen:
                found.append(
                    (
                        ("questions", index, "id"),
                        f"duplicate question id {question.id} (also question "
                        f"{seen[question.id] + 1}); ids must be unique within a quiz",
                    )
                )
            seen.setdefault(question.id, index)
            found.extend((("questions", index, *loc), msg) for loc, msg in question.problems())
        return found
