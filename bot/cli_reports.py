"""`hocvuso report push|outbox|replay`: the operators' side of the push of the officials'
summary to the provincial tracking system (docs/reporting-api.md).

`add_push_actions` adds them to the `hocvuso report` parser that `bot/cli_summary.py` makes
(with `summary` and `reconcile`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli_outbox import EXIT_FAILED, _with_storage
from bot.errors import ConfigurationError

HOW_TO_TURN_ON = (
    "HOCVUSO_REPORT_URL is not set, so snapshots are not pushed: set it to the provincial "
    "system's address, with HOCVUSO_REPORT_AUTH and its variables (docs/reporting-api.md), "
    "and restart the bot"
)
ERROR_WIDTH = 60  # characters of a row's last error in the listing


def cmd_report_push(_args: argparse.Namespace) -> int:
    """Queue a snapshot of the summary now; the running bot delivers it."""
    from bot.reports.push import SnapshotUnavailable, queue_snapshot
    from bot.reports.source import province_snapshot
    from bot.service import utc_now
    from bot.settings import load_settings
    from storage import StorageError

    settings = load_settings()
    if settings.report_push is None:
        raise ConfigurationError(HOW_TO_TURN_ON)

    async def push(storage: Any) -> Any:
        now = utc_now()
        document = await province_snapshot(storage, settings)(now)
        return await queue_snapshot(storage, document, now)

    try:
        queued = _with_storage(push)
    except (SnapshotUnavailable, StorageError) as exc:
        print(f"hocvuso: no snapshot was queued: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if queued.id is None:
        print(
            f"this very snapshot (key {queued.key}) is queued already; see `hocvuso report outbox`"
        )
        return 0
    print(
        f"queued snapshot {queued.id} with key {queued.key}; the running bot delivers it "
        "(see `hocvuso report outbox`)"
    )
    return 0


def _when(value: Any) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%SZ")


def cmd_report_outbox(args: argparse.Namespace) -> int:
    """List the latest snapshots in the outbox and what became of them."""
    from bot.reports.push import REPORT_CHANNEL
    from storage import StorageError

    try:
        entries = _with_storage(
            lambda storage: storage.outbox.entries(REPORT_CHANNEL, limit=args.limit)
        )
    except StorageError as exc:
        print(f"hocvuso: cannot read the outbox: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not entries:
        print("no snapshot was queued yet (`hocvuso report push` queues one)")
        return 0
    keys = [str(entry.payload.get("key", "?")) for entry in entries]
    width = max(len("key"), *(len(key) for key in keys))
    print(
        f"{'id':>6}  {'key':<{width}}  {'status':<8}  {'tries':>5}  "
        f"{'next try / sent (UTC)':<21}  last error"
    )
    for entry, key in zip(entries, keys, strict=True):
        when = entry.sent_at if entry.status == "sent" else None
        if entry.status in ("pending", "sending"):
            when = entry.not_before
        error = " ".join((entry.last_error or "").split())
        if len(error) > ERROR_WIDTH:
            error = error[: ERROR_WIDTH - 1] + "…"
        print(
            f"{entry.id:>6}  {key:<{width}}  {entry.status:<8}  {entry.attempts:>5}  "
            f"{_when(when):<21}  {error}"
        )
    return 0


def cmd_report_replay(args: argparse.Namespace) -> int:
    """Send a delivered or dead snapshot again, with its own idempotency key."""
    from bot.reports.push import REPORT_CHANNEL
    from bot.service import utc_now
    from storage import StorageError

    async def replay(storage: Any) -> tuple[Any, bool]:
        entry = await storage.outbox.entry(args.id)
        if entry is None or entry.channel != REPORT_CHANNEL:
            return None, False
        return entry, await storage.outbox.requeue(args.id, utc_now(), channel=REPORT_CHANNEL)

    try:
        entry, again = _with_storage(replay)
    except StorageError as exc:
        print(f"hocvuso: nothing was re-queued: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if entry is None:
        print(
            f"hocvuso: there is no snapshot {args.id}; `hocvuso report outbox` lists them",
            file=sys.stderr,
        )
        return EXIT_FAILED
    key = entry.payload.get("key", "?")
    if not again:
        print(f"snapshot {args.id} (key {key}) is {entry.status}: it goes out anyway")
        return 0
    print(
        f"snapshot {args.id} queued again with its key {key}; a receiver that has it already "
        "answers 409, which counts as delivered"
    )
    return 0


def _row_id(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a snapshot id (the number in the list)"
        )
    return int(value)


def _count(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give a number of snapshots, e.g. 30")
    return int(value)


def add_push_actions(actions: Any) -> None:
    """`push`, `outbox` and `replay` on the `hocvuso report` parser's actions."""
    push = actions.add_parser(
        "push", help="queue a snapshot now (the daily schedule does the same)"
    )
    push.set_defaults(func=cmd_report_push)
    outbox = actions.add_parser(
        "outbox", help="list the latest snapshots: key, status, tries, next try, last error"
    )
    outbox.add_argument(
        "--limit", type=_count, default=30, metavar="N", help="how many (default 30)"
    )
    outbox.set_defaults(func=cmd_report_outbox)
    replay = actions.add_parser(
        "replay", help="send a delivered or dead snapshot again, with the same key"
    )
    replay.add_argument("id", type=_row_id, metavar="ID", help="the snapshot's id in the list")
    replay.set_defaults(func=cmd_report_replay)


__all__ = ["add_push_actions"]
