"""The learner's conversation state: everything the core needs to answer the next input."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Mode(StrEnum):
    """Where the learner is in the conversation."""

    NEW = "new"
    CONSENT = "consent"
    MENU = "menu"
    MODULES = "modules"
    MODULE = "module"
    LESSON = "lesson"
    QUIZ = "quiz"
    QUIZ_DONE = "quiz_done"
    CONFIRM_ERASE = "confirm_erase"
    LANGUAGE = "language"
    HANDBOOK = "handbook"  # "Bạn muốn hỏi gì?": the next typed text is searched
    HANDBOOK_ANSWER = "handbook_answer"  # one handbook answer shown, with the other hits


class QuizProgress(BaseModel):
    """A quiz attempt in progress."""

    model_config = ConfigDict(extra="ignore")

    attempt: int = 1
    index: int = 0
    points: float = 0.0
    selected: list[str] = Field(default_factory=list)
    candidates: list[str] = Field(default_factory=list)
    last_points: float | None = None
    last_passed: bool | None = None


class LearnerState(BaseModel):
    """Serialisable conversation state, stored as JSON with the learner.

    `turn` grows whenever new choices are shown, so a button from an older message can be told
    apart from a current one; `read` and `passed` mirror lesson progress for the pure core.
    """

    model_config = ConfigDict(extra="ignore")

    mode: Mode = Mode.NEW
    consent: bool = False
    locale: str | None = None
    turn: int = 0
    lesson_id: str | None = None
    module_id: str | None = None
    bubble: int = 0
    quiz: QuizProgress | None = None
    attempts: dict[str, int] = Field(default_factory=dict)
    read: list[str] = Field(default_factory=list)
    passed: list[str] = Field(default_factory=list)
    invite: str | None = None
    resume: Mode | None = None
    handbook_hits: list[str] = Field(default_factory=list)  # entry ids of the last search
    handbook_entry: str | None = None  # the entry on screen
    last_passed_at: datetime | None = None

    def to_json(self) -> str:
        """The JSON stored in the database."""
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def from_json(cls, raw: str | None) -> LearnerState:
        """Read stored JSON; a missing or unreadable value starts a fresh state."""
        if not raw:
            return cls()
        try:
            return cls.model_validate_json(raw)
        except ValueError:
            return cls()
