"""The pure core: neutral message types, learner state, domain events and the engine.

The core imports only types and content models (`lessons.models`, `quizzes.models`) and the
pure helpers `bot.text`, `bot.i18n` and `bot.handbook`: no settings, clock, storage, network
or YAML loader (the import-linter contracts in pyproject.toml and
tests/core/test_imports.py check it).
"""

from bot.core.catalog import Catalog
from bot.core.commands import COMMANDS
from bot.core.context import CONSENT_VERSION, Context
from bot.core.engine import handle
from bot.core.events import (
    ConsentChanged,
    DataErased,
    DomainEvent,
    LessonCompleted,
    LessonStarted,
    LocaleChanged,
    QuestionAnswered,
    QuizFinished,
)
from bot.core.messages import (
    ChannelCapabilities,
    Choice,
    InboundMessage,
    InputKind,
    Reply,
    ReplyKind,
)
from bot.core.outcome import Outcome
from bot.core.state import LearnerState, Mode, QuizProgress

__all__ = [
    "COMMANDS",
    "CONSENT_VERSION",
    "Catalog",
    "ChannelCapabilities",
    "Choice",
    "ConsentChanged",
    "Context",
    "DataErased",
    "DomainEvent",
    "InboundMessage",
    "InputKind",
    "LearnerState",
    "LessonCompleted",
    "LessonStarted",
    "LocaleChanged",
    "Mode",
    "Outcome",
    "QuestionAnswered",
    "QuizFinished",
    "QuizProgress",
    "Reply",
    "ReplyKind",
    "handle",
]
