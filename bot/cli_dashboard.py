"""`hocvuso admin login|token|tokens|untoken`: the officials' ways into the dashboard and the
pull API.

    login ID     a one-time sign-in link for the dashboard (default 24 hours)
    token ID     a bearer token for the pull API (printed once; default 365 days)
    tokens       every API token: id, official, label, dates, state (never the token itself)
    untoken ID   withdraw an API token by its id

Only hashes are stored (`storage.secrets`): a lost link or token is replaced, never shown
again.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.cli_outbox import _with_storage
from bot.errors import ConfigurationError

if TYPE_CHECKING:
    from storage import IssuedSecret, OfficialRecord, SecretRecord, Storage

LOGIN_HOURS = 24


def login_url(public_url: str, secret: str) -> str:
    """The dashboard sign-in link of a login secret."""
    return f"{public_url.rstrip('/')}/dashboard/login/{secret}"


async def _active(storage: Storage, public_id: str) -> OfficialRecord:
    official = await storage.officials.by_public_id(public_id.strip().lower())
    if official is None or official.revoked_at is not None:
        raise ConfigurationError(
            f"no active official has the id {public_id!r}; see hocvuso admin list"
        )
    return official


def _when(moment: datetime | None, zone: object) -> str:
    if moment is None:
        return "never"
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"  # type: ignore[arg-type]


def cmd_admin_login(args: argparse.Namespace) -> int:
    """Print a one-time sign-in link for an official."""
    from bot.service import utc_now
    from bot.settings import load_settings
    from storage import SecretKind

    settings = load_settings()
    if args.hours < 1:
        raise ConfigurationError("--hours must be at least 1")

    async def issue(storage: Storage) -> IssuedSecret:
        official = await _active(storage, args.public_id)
        return await storage.secrets.issue(
            official,
            SecretKind.LOGIN,
            now=utc_now(),
            valid_for=timedelta(hours=args.hours),
            label="cli",
        )

    issued = _with_storage(issue)
    print(f"dashboard sign-in link for {issued.official.public_id} (works once):")
    print(f"  {login_url(settings.public_url, issued.secret)}")
    print(f"valid until {_when(issued.expires_at, settings.zone)} ({settings.timezone})")
    return 0


def cmd_admin_token(args: argparse.Namespace) -> int:
    """Issue an API token for an official and print it once."""
    from bot.service import utc_now
    from bot.settings import load_settings
    from storage import SecretKind

    settings = load_settings()
    if args.days is not None and args.days < 1:
        raise ConfigurationError("--days must be at least 1 (or leave it out: 365 days)")

    async def issue(storage: Storage) -> IssuedSecret:
        official = await _active(storage, args.public_id)
        return await storage.secrets.issue(
            official,
            SecretKind.API,
            now=utc_now(),
            valid_for=timedelta(days=args.days or 365),
            label=args.label,
        )

    issued = _with_storage(issue)
    print(f"API token {issued.id} for {issued.official.public_id} (shown this once):")
    print(f"  {issued.secret}")
    print(f"valid until {_when(issued.expires_at, settings.zone)}; withdraw it with")
    print(f"  hocvuso admin untoken {issued.id}")
    print(
        f"use: curl -H 'Authorization: Bearer <token>' "
        f"{settings.public_url.rstrip('/')}/api/v1/summary"
    )
    return 0


def cmd_admin_tokens(args: argparse.Namespace) -> int:  # noqa: ARG001 - argparse's signature
    """List the API tokens."""
    from bot.service import utc_now
    from bot.settings import load_settings
    from storage import SecretKind

    zone = load_settings().zone

    async def listing(storage: Storage) -> list[SecretRecord]:
        return await storage.secrets.listing(SecretKind.API)

    records = _with_storage(listing)
    if not records:
        print("no API tokens yet: hocvuso admin token OFFICIAL_ID")
    now = utc_now()
    for record in records:
        state = "active"
        if record.revoked_at is not None:
            state = f"withdrawn {_when(record.revoked_at, zone)}"
        elif record.expires_at is not None and record.expires_at <= now:
            state = "expired"
        label = f"  {record.label}" if record.label else ""
        print(
            f"{record.id:>5}  {record.official_public_id}  since {_when(record.created_at, zone)}"
            f"  until {_when(record.expires_at, zone)}  {state}{label}"
        )
    return 0


def cmd_admin_untoken(args: argparse.Namespace) -> int:
    """Withdraw an API token."""
    from bot.service import utc_now
    from storage import SecretKind

    async def revoke(storage: Storage) -> bool:
        return await storage.secrets.revoke(args.token_id, now=utc_now(), kind=SecretKind.API)

    if not _with_storage(revoke):
        raise ConfigurationError(
            f"no active API token has the id {args.token_id}; see hocvuso admin tokens"
        )
    print(f"API token {args.token_id}: withdrawn")
    return 0


def add_dashboard_commands(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`hocvuso admin login|token|tokens|untoken`."""
    login = actions.add_parser("login", help="print a one-time dashboard sign-in link")
    login.add_argument("public_id", metavar="OFFICIAL_ID", help="as hocvuso admin list shows it")
    login.add_argument(
        "--hours", type=int, default=LOGIN_HOURS, help=f"validity (default {LOGIN_HOURS})"
    )
    login.set_defaults(func=cmd_admin_login)
    token = actions.add_parser("token", help="issue a pull-API token (printed once)")
    token.add_argument("public_id", metavar="OFFICIAL_ID", help="as hocvuso admin list shows it")
    token.add_argument("--label", default="", metavar="L", help="what the token is for")
    token.add_argument("--days", type=int, default=None, help="validity (default 365)")
    token.set_defaults(func=cmd_admin_token)
    actions.add_parser("tokens", help="every API token (never the token)").set_defaults(
        func=cmd_admin_tokens
    )
    untoken = actions.add_parser("untoken", help="withdraw an API token")
    untoken.add_argument("token_id", metavar="ID", type=int, help="as hocvuso admin tokens shows")
    untoken.set_defaults(func=cmd_admin_untoken)


__all__ = ["add_dashboard_commands", "login_url"]
