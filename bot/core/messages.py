"""Neutral message types shared by the core and every channel adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class InputKind(StrEnum):
    """What the learner did: typed text, tapped a button, sent a command, or something else."""

    TEXT = "text"
    CHOICE = "choice"
    COMMAND = "command"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class InboundMessage:
    """One learner input, already stripped of every platform detail.

    Attributes:
        channel: adapter name, e.g. "webchat", "telegram".
        user_ref: the learner's id on that channel (always text).
        message_id: the platform's id for de-duplication, when it has one.
        kind: what kind of input this is.
        text: typed text (TEXT) or the raw text of an UNSUPPORTED message's description.
        choice_id: the id of the tapped choice (CHOICE).
        command: the command name without "/" (COMMAND), lower-case.
        args: the command's arguments, e.g. a deep-link payload.
        locale: the platform's language hint ("vi", "en"), if any.
        received_at: when the platform says it arrived (timezone-aware UTC).
    """

    channel: str
    user_ref: str
    kind: InputKind
    received_at: datetime
    message_id: str | None = None
    text: str = ""
    choice_id: str | None = None
    command: str | None = None
    args: tuple[str, ...] = ()
    locale: str | None = None


@dataclass(frozen=True)
class Choice:
    """A tappable answer. `id` is short and opaque (≤ 64 bytes); `label` is what people see."""

    id: str
    label: str


class ReplyKind(StrEnum):
    """Why a reply is sent; channels and schedulers treat proactive kinds differently."""

    NORMAL = "normal"
    REMINDER = "reminder"
    REPORT = "report"
    ANNOUNCEMENT = "announcement"


@dataclass(frozen=True)
class Reply:
    """One chat bubble from the bot, with optional choices and picture (a path under lessons/,
    and for a drawing its alt text: what it shows, in words)."""

    text: str
    choices: tuple[Choice, ...] = ()
    image: str | None = None
    kind: ReplyKind = ReplyKind.NORMAL
    alt: str | None = None

    def to_json(self) -> dict[str, object]:
        """The web chat API shape: `{"text", "choices": [{"id", "label"}], "image"?, "alt"?}`
        (and `"kind"` when it is not a normal reply). Stored replies and outbox rows use it
        too."""
        data: dict[str, object] = {
            "text": self.text,
            "choices": [{"id": c.id, "label": c.label} for c in self.choices],
        }
        if self.image:
            data["image"] = self.image
            if self.alt:
                data["alt"] = self.alt
        if self.kind is not ReplyKind.NORMAL:
            data["kind"] = self.kind.value
        return data

    @classmethod
    def from_json(cls, data: object) -> Reply | None:
        """The reply a `to_json()` object describes; None when it is not one (no text).
        Malformed choices are skipped, an unknown kind is a normal reply."""
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return None
        choices = data.get("choices")
        image, kind, alt = data.get("image"), data.get("kind"), data.get("alt")
        return cls(
            data["text"],
            tuple(
                Choice(str(c["id"]), str(c["label"]))
                for c in (choices if isinstance(choices, list) else [])
                if isinstance(c, dict) and "id" in c and "label" in c
            ),
            image if isinstance(image, str) and image else None,
            ReplyKind(kind) if kind in set(ReplyKind) else ReplyKind.NORMAL,
            alt if isinstance(alt, str) and alt and isinstance(image, str) and image else None,
        )


def certificate_image(code: str) -> str:
    """The image name channels resolve to a certificate's picture (and its PDF): the course's,
    a contest's participation or a family's, all served under /certificate/<code>."""
    return f"certificate/{code}.png"


def replies_from_json(data: object) -> tuple[Reply, ...]:
    """The replies in decoded JSON: a list of `Reply.to_json()` objects, `{"replies": [...]}`
    of them, or one of them. Entries that are not replies are skipped."""
    if isinstance(data, dict):
        data = data.get("replies", [data])
    if not isinstance(data, list):
        return ()
    return tuple(reply for item in data if (reply := Reply.from_json(item)) is not None)


@dataclass(frozen=True)
class ChannelCapabilities:
    """What a channel can show; adapters render replies to fit.

    Attributes:
        buttons: tappable choices exist (otherwise a numbered text menu is shown).
        max_buttons: most choices one message can carry as buttons.
        polls: native quiz polls exist.
        max_text: longest text one message may carry.
        max_choice_id_bytes: longest choice id (Telegram callback_data: 64 bytes).
        proactive_window: how long after the learner's last message the bot may write first.
    """

    buttons: bool
    max_buttons: int
    polls: bool
    max_text: int
    max_choice_id_bytes: int = 64
    proactive_window: timedelta | None = None
    extra: dict[str, object] = field(default_factory=dict)
