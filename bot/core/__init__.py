"""The pure core: neutral message types, learner state, domain events and the engine."""

from bot.core.engine import CONSENT_VERSION, Context, Outcome, handle
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
from bot.core.state import LearnerState, Mode, QuizProgress

__all__ = [
    "CONSENT_VERSION",
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
