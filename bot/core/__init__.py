"""The pure core: neutral message types, learner state, domain events and the engine.

The core imports only types and content models (`lessons.models`, `quizzes.models`) and the
pure helpers `bot.text`, `bot.i18n` and `bot.handbook`: no settings, clock, storage, network
or YAML loader (the import-linter contracts in pyproject.toml and
tests/core/test_imports.py check it).
"""

from typing import TYPE_CHECKING, Any

from bot.core.catalog import Catalog
from bot.core.context import CONSENT_VERSION, Context
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

if TYPE_CHECKING:
    from bot.core.commands import COMMANDS
    from bot.core.engine import handle

# The behaviour (the engine and its commands) loads on first use, so that importing the core's
# types (storage does, for the state and the events) does not load the engine.
_LAZY = {"COMMANDS": "bot.core.commands", "handle": "bot.core.engine"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


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
