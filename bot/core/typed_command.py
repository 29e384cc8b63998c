"""A command in an input, however it came: a platform command or text typed with "/"."""

from __future__ import annotations

from bot.core.messages import InboundMessage, InputKind
from bot.text import clean

# Longer text is no command with a code (and is not cleaned here just to find out).
MAX_COMMAND_CHARS = 80


def typed_command(message: InboundMessage) -> tuple[str, str] | None:
    """(name, arguments) of "/name arguments" (the name as typed, without "/"), or None when
    the input is no command."""
    if message.kind is InputKind.COMMAND:
        return message.command or "", " ".join(message.args)
    if message.kind is not InputKind.TEXT or len(message.text) > MAX_COMMAND_CHARS:
        return None
    text = clean(message.text)
    if not text.startswith("/"):
        return None
    name, _, args = text[1:].partition(" ")
    return name, args.strip()
