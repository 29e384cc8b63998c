"""How one reply fits a channel, decided from its `ChannelCapabilities`: every renderer starts
here and only turns the bubbles into its platform's payloads.

- Text longer than `max_text` is cut into several bubbles (`bot.channels.text.split_text`).
- With `buttons`, the choices ride on the last text bubble, at most `max_buttons` a bubble;
  the rest continue in bubbles of their own (`more`: "More choices:"). A choice id longer than
  `max_choice_id_bytes` cannot be a button: it is left out (and logged), the learner can still
  type the answer.
- Without buttons, the choices become a numbered menu under the text ("1. …"); the core reads
  a typed "2" as the second choice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.channels.text import Length, split_text, utf16_len
from bot.core import ChannelCapabilities, Choice, Reply

log = logging.getLogger(__name__)

EMPTY_TEXT = "…"  # platforms refuse empty messages; used when a reply has buttons and no text


@dataclass(frozen=True)
class Bubble:
    """One message of a reply: its text and the buttons under it."""

    text: str
    choices: tuple[Choice, ...] = ()


def menu(choices: tuple[Choice, ...]) -> str:
    """A numbered menu of `choices` ("" when there are none)."""
    return "\n".join(f"{number}. {choice.label}" for number, choice in enumerate(choices, 1))


def fitting_choices(choices: tuple[Choice, ...], caps: ChannelCapabilities) -> tuple[Choice, ...]:
    """The choices whose ids fit the platform's button payload."""
    kept = []
    for choice in choices:
        if len(choice.id.encode("utf-8")) > caps.max_choice_id_bytes:
            log.error(
                "choice id %r is longer than %d bytes; button left out",
                choice.id,
                caps.max_choice_id_bytes,
            )
            continue
        kept.append(choice)
    return tuple(kept)


def layout(
    reply: Reply,
    caps: ChannelCapabilities,
    *,
    more: str = "More choices:",
    length: Length = utf16_len,
) -> list[Bubble]:
    """The bubbles that show `reply` on a channel with `caps`, in sending order (none for a
    reply without text or choices)."""
    if not caps.buttons or caps.max_buttons < 1:
        body, numbered = reply.text.strip(), menu(reply.choices)
        full = f"{body}\n\n{numbered}" if body and numbered else body or numbered
        return [Bubble(piece) for piece in split_text(full, caps.max_text, length)]
    choices = fitting_choices(reply.choices, caps)
    pieces = split_text(reply.text, caps.max_text, length)
    if not pieces and not choices:
        return []
    pieces = pieces or [EMPTY_TEXT]
    step = caps.max_buttons
    groups = [choices[i : i + step] for i in range(0, len(choices), step)]
    bubbles = [Bubble(piece) for piece in pieces]
    if groups:
        bubbles[-1] = Bubble(pieces[-1], groups[0])
        bubbles.extend(Bubble(more, group) for group in groups[1:])
    return bubbles


__all__ = ["EMPTY_TEXT", "Bubble", "fitting_choices", "layout", "menu"]
