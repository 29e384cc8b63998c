"""`hocvuso announce` and `hocvuso outbox status|retry-dead`: the operators' side of the outbox."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import ConfigurationError

# Every channel name an outbox row can carry (the `name` of each channel in bot/channels/).
CHANNEL_NAMES = ("webchat", "telegram", "zalo_oa", "zalo_bot")
EXIT_FAILED = 1

T = TypeVar("T")


def _with_storage(action: Callable[[Any], Awaitable[T]]) -> T:
    """Run `action(storage)` on the configured, migrated database."""
    from bot.settings import load_settings
    from bot.startup import check_database
    from storage import Storage

    settings = load_settings()
    check_database(settings)

    async def run() -> T:
        storage = Storage.open(settings.database_url)
        try:
            return await action(storage)
        finally:
            await storage.close()

    return asyncio.run(run())


def _announcement_text(args: argparse.Namespace) -> str:
    if (args.text is None) == (args.file is None):
        raise ConfigurationError("give the announcement with exactly one of --text or --file")
    if args.text is not None:
        return str(args.text)
    path: Path = args.file
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read {path} as UTF-8 text ({exc})") from exc


def cmd_announce(args: argparse.Namespace) -> int:
    """Queue one announcement for every consenting, reachable learner."""
    from bot.outbox import queue_announcement
    from bot.service import utc_now
    from storage import StorageError

    text = _announcement_text(args)
    try:
        queued = _with_storage(
            lambda storage: queue_announcement(storage, text, utc_now(), channel=args.channel)
        )
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
    except StorageError as exc:
        print(f"hocvuso: nothing was queued: {exc}", file=sys.stderr)
        return EXIT_FAILED
    where = f" on {args.channel}" if args.channel else ""
    print(
        f"queued {queued} announcement message(s){where}; the running bot sends them "
        "(see `hocvuso outbox status`)"
    )
    return 0


def cmd_outbox_status(_args: argparse.Namespace) -> int:
    """Print pending / sending / sent / skipped / dead counts per channel."""
    from storage import OUTBOX_STATUSES, StorageError

    try:
        counts = _with_storage(lambda storage: storage.outbox.counts())
    except StorageError as exc:
        print(f"hocvuso: cannot read the outbox: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not counts:
        print("the outbox is empty")
        return 0
    width = max(len("channel"), *(len(name) for name in counts))
    print(f"{'channel':<{width}}  " + "  ".join(f"{s:>8}" for s in OUTBOX_STATUSES))
    for channel in sorted(counts):
        row = counts[channel]
        print(f"{channel:<{width}}  " + "  ".join(f"{row[s]:>8}" for s in OUTBOX_STATUSES))
    return 0


def cmd_outbox_retry_dead(args: argparse.Namespace) -> int:
    """Queue the dead outbox rows again."""
    from bot.service import utc_now
    from storage import StorageError

    try:
        again = _with_storage(
            lambda storage: storage.outbox.retry_dead(utc_now(), channel=args.channel)
        )
    except StorageError as exc:
        print(f"hocvuso: nothing was re-queued: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"re-queued {again} dead message(s); the running bot tries them again")
    return 0


def add_outbox_commands(commands: Any) -> None:
    """`announce` and `outbox` on the `hocvuso` parser's subcommands."""
    announce = commands.add_parser(
        "announce",
        help="send a message to every learner who agreed and can be reached",
        description="Queue one message per learner (on the channel they last used); the "
        "running bot delivers them within each platform's limits.",
    )
    announce.add_argument("--text", help="the message (plain text)")
    announce.add_argument(
        "--file", type=Path, metavar="FILE", help="read the message from a UTF-8 text file"
    )
    announce.add_argument(
        "--to",
        choices=("all",),
        default="all",
        help="who receives it (only 'all' for now: every learner who agreed)",
    )
    announce.add_argument("--channel", choices=CHANNEL_NAMES, help="only learners on this channel")
    announce.set_defaults(func=cmd_announce)

    outbox = commands.add_parser("outbox", help="see and repair what the bot is sending")
    actions = outbox.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    status = actions.add_parser("status", help="messages per channel: pending, sent, dead...")
    status.set_defaults(func=cmd_outbox_status)
    retry = actions.add_parser("retry-dead", help="queue again the messages whose last try failed")
    retry.add_argument("--channel", choices=CHANNEL_NAMES, help="only this channel's")
    retry.set_defaults(func=cmd_outbox_retry_dead)


__all__ = ["CHANNEL_NAMES", "add_outbox_commands"]
