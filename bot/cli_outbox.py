"""`hocvuso announce` and `hocvuso outbox status|retry-dead`: the operators' side of the outbox."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bot.core.state import TargetGroup
from bot.errors import ConfigurationError

# Every channel name an outbox row can carry (the `name` of each channel in bot/channels/).
CHANNEL_NAMES = ("webchat", "telegram", "zalo_oa", "zalo_bot", "messenger")
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


@dataclass(frozen=True)
class _Scope:
    """Who an announcement is for, checked against the admin-unit data and the core's groups."""

    province: str | None = None
    commune: str | None = None
    group: TargetGroup | None = None
    where: str = "everywhere"  # for the operator: "in Phường Ba Đình, Thành phố Hà Nội (00004)"


def _target_group(given: str) -> TargetGroup:
    text = given.strip().lower().replace("-", "_")
    try:
        return TargetGroup(text)
    except ValueError:
        names = ", ".join(group.value for group in TargetGroup)
        raise ConfigurationError(
            f"there is no target group {given!r}; give one of: {names}"
        ) from None


def _scope(args: argparse.Namespace) -> _Scope:
    """The area (`--to`, repeatable: `all`, `province CODE`, `commune CODE`) and `--group`.

    Raises:
        ConfigurationError: an unknown area, commune, province or group, or a commune outside
            the province given: saying what to type instead.
    """
    from bot.cli_places import commune_label, commune_named, province_named
    from bot.places.data import load_places

    group = _target_group(args.group) if args.group is not None else None
    given: dict[str, str] = {}
    everyone = False
    for words in args.to or []:
        kind = words[0].lower()
        if kind == "all" and len(words) == 1:
            everyone = True
        elif kind in ("province", "commune") and len(words) == 2:
            if kind in given:
                raise ConfigurationError(f"give --to {kind} only once")
            given[kind] = words[1]
        else:
            raise ConfigurationError(
                f"--to {' '.join(words)}: give --to all, --to province CODE or --to commune CODE"
            )
    if everyone and given:
        raise ConfigurationError("--to all is everyone: leave it out to name an area")
    if not given:
        return _Scope(group=group)
    places = load_places()
    province = (
        province_named(places, given["province"], option="--to province")
        if "province" in given
        else None
    )
    if "commune" not in given and province is not None:
        return _Scope(province.code, None, group, f"in {province.name} ({province.code})")
    commune = commune_named(places, given["commune"], option="--to commune", within=province)
    if province is not None and commune.province_code != province.code:
        raise ConfigurationError(
            f"{commune_label(places, commune)} ({commune.code}) is not in {province.name} "
            f"({province.code}); a commune names its province: leave out --to province, or "
            "give a commune of that province"
        )
    where = f"in {commune_label(places, commune)} ({commune.code})"
    return _Scope(commune.province_code, commune.code, group, where)


def cmd_announce(args: argparse.Namespace) -> int:
    """Queue one announcement for every consenting, reachable learner of the area and group
    asked for (`--dry-run`: only count them)."""
    from bot.outbox import announcement_reach, queue_announcement
    from bot.outbox.announce import checked_text
    from bot.service import utc_now
    from storage import StorageError

    text = _announcement_text(args)
    scope = _scope(args)
    try:
        text = checked_text(text)
        if args.dry_run:
            count = _with_storage(
                lambda storage: announcement_reach(
                    storage,
                    channel=args.channel,
                    province=scope.province,
                    commune=scope.commune,
                    group=scope.group,
                )
            )
        else:
            count = _with_storage(
                lambda storage: queue_announcement(
                    storage,
                    text,
                    utc_now(),
                    channel=args.channel,
                    province=scope.province,
                    commune=scope.commune,
                    group=scope.group,
                )
            )
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
    except StorageError as exc:
        print(f"hocvuso: nothing was queued: {exc}", file=sys.stderr)
        return EXIT_FAILED
    who = scope.where
    if scope.group is not None:
        who += f" for the group {scope.group.value}"
    if args.channel:
        who += f" on {args.channel}"
    if args.dry_run:
        print(f"dry run: {count} learner(s) would receive it {who}; nothing was queued")
    else:
        print(
            f"queued {count} announcement message(s) {who}; the running bot sends them "
            "(see `hocvuso outbox status`)"
        )
    return 0


def cmd_outbox_status(_args: argparse.Namespace) -> int:
    """Print pending / sending / sent / skipped / dead counts per channel, and how many of
    the skipped ones the platform's reply window kept back."""
    from bot.channels.base import OUT_OF_WINDOW
    from bot.outbox.drainer import BLOCKED
    from storage import OUTBOX_STATUSES, StorageError

    async def read(storage: Any) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
        counts = await storage.outbox.counts()
        return counts, await storage.outbox.skipped_because(BLOCKED + OUT_OF_WINDOW)

    try:
        counts, out_of_window = _with_storage(read)
    except StorageError as exc:
        print(f"hocvuso: cannot read the outbox: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not counts:
        print("the outbox is empty")
        return 0
    width = max(len("channel"), *(len(name) for name in counts))
    columns = [*OUTBOX_STATUSES, "window"]
    print(f"{'channel':<{width}}  " + "  ".join(f"{s:>8}" for s in columns))
    for channel in sorted(counts):
        row = counts[channel] | {"window": out_of_window.get(channel, 0)}
        print(f"{channel:<{width}}  " + "  ".join(f"{row[s]:>8}" for s in columns))
    print("(window: skipped because the platform's reply window had closed)")
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
        help="send a message to the learners who agreed and can be reached (an area, a group)",
        description="Queue one message per learner (on the channel they last used), everywhere "
        "or in one province or commune and target group; the running bot delivers them within "
        "each platform's limits.",
    )
    announce.add_argument("--text", help="the message (plain text)")
    announce.add_argument(
        "--file", type=Path, metavar="FILE", help="read the message from a UTF-8 text file"
    )
    announce.add_argument(
        "--to",
        nargs="+",
        action="append",
        metavar=("AREA", "CODE"),
        help="who receives it: all (default), 'province CODE' or 'commune CODE' (a code or a "
        "name; both --to province and --to commune: the commune, checked to be in the province)",
    )
    announce.add_argument(
        "--group",
        metavar="GROUP",
        help="only this target group: " + ", ".join(group.value for group in TargetGroup),
    )
    announce.add_argument("--channel", choices=CHANNEL_NAMES, help="only learners on this channel")
    announce.add_argument(
        "--dry-run",
        action="store_true",
        help="only print how many learners would receive it; queue nothing",
    )
    announce.set_defaults(func=cmd_announce)

    outbox = commands.add_parser("outbox", help="see and repair what the bot is sending")
    actions = outbox.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    status = actions.add_parser("status", help="messages per channel: pending, sent, dead...")
    status.set_defaults(func=cmd_outbox_status)
    retry = actions.add_parser("retry-dead", help="queue again the messages whose last try failed")
    retry.add_argument("--channel", choices=CHANNEL_NAMES, help="only this channel's")
    retry.set_defaults(func=cmd_outbox_retry_dead)


__all__ = ["CHANNEL_NAMES", "add_outbox_commands"]
