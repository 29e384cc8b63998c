"""The engine's result type: what storage applies and what the channels send."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.events import DomainEvent
from bot.core.messages import Reply
from bot.core.state import LearnerState


@dataclass(frozen=True)
class Outcome:
    """The engine's answer: the new state, the replies to send, the facts to record."""

    state: LearnerState
    replies: tuple[Reply, ...]
    events: tuple[DomainEvent, ...]
