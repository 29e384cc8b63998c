"""`hocvuso ambassador code`: the operator issues a code that makes its holder a digital
ambassador of one commune (`/daisu CODE` in the chat).

The code is printed once: only its hash is stored, so a lost code cannot be shown again (issue
a new one).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.cli_outbox import EXIT_FAILED, _with_storage
from bot.cli_places import commune_label, commune_named

if TYPE_CHECKING:
    from storage import IssuedCode, Storage

MAX_USES = 1000
MAX_DAYS = 365


def _bounded(name: str, low: int, high: int) -> argparse._ActionType:  # noqa: SLF001
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{name}: give a whole number from {low} to {high}")
        return number

    return parse


def add_code_limits(parser: argparse.ArgumentParser, *, days: int) -> None:
    """`--uses N` and `--days D` of a command that issues a code."""
    parser.add_argument(
        "--uses",
        type=_bounded("--uses", 1, MAX_USES),
        default=1,
        metavar="N",
        help="how many people may use the code (default: 1)",
    )
    parser.add_argument(
        "--days",
        type=_bounded("--days", 1, MAX_DAYS),
        default=days,
        metavar="D",
        help=f"how many days the code works (default: {days})",
    )


def print_issued_code(
    title: str, area: str, expires_at: datetime, max_uses: int, typed: str
) -> None:
    """What the operator needs of a code just issued (ambassador or official): it is shown
    only this once, since only its hash is stored."""
    from bot.settings import load_settings

    expires = expires_at.astimezone(load_settings().zone)
    uses = "once" if max_uses == 1 else f"{max_uses} times"
    print(title)
    print(area)
    print(f"valid until: {expires:%Y-%m-%d %H:%M} ({expires.tzname()}); usable {uses}")
    print(f"in the chat: {typed}")
    print("the code is shown only now: only its hash is stored")


def cmd_ambassador_code(args: argparse.Namespace) -> int:
    """Issue an ambassador code for one commune and print it."""
    from bot.places.data import load_places
    from bot.service import utc_now
    from storage import StorageError, format_code

    places = load_places()
    commune = commune_named(places, args.commune)
    now = utc_now()

    async def issue(storage: Storage) -> IssuedCode:
        return await storage.ambassadors.issue(
            province=commune.province_code,
            commune=commune.code,
            now=now,
            valid_for=timedelta(days=args.days),
            max_uses=args.uses,
            issued_by="cli",
            admin_version=places.version,
        )

    try:
        issued = _with_storage(issue)
    except StorageError as exc:
        print(f"hocvuso: no code was issued: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print_issued_code(
        f"ambassador code: {format_code(issued.code)}",
        f"commune: {commune_label(places, commune)} ({commune.code})",
        issued.expires_at,
        issued.max_uses,
        f"/daisu {format_code(issued.code)}",
    )
    return 0


def add_ambassador_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`hocvuso ambassador code`."""
    ambassador = commands.add_parser("ambassador", help="digital ambassadors (Đại sứ số)")
    actions = ambassador.add_subparsers(dest="ambassador_command", required=True, metavar="ACTION")
    code = actions.add_parser(
        "code",
        help="issue a code that makes its holder an ambassador of one commune (/daisu CODE)",
    )
    code.add_argument(
        "--commune",
        required=True,
        metavar="CODE",
        help="the commune's 5-digit code (or its name, when only one commune has it)",
    )
    add_code_limits(code, days=14)
    code.set_defaults(func=cmd_ambassador_code)


__all__ = ["add_ambassador_commands", "cmd_ambassador_code"]
