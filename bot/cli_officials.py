"""`hocvuso admin`: officials (cán bộ) and who may see which area.

    grant    an official of a commune, a province, or an administrator (prints the public id)
    code     a code that makes its typist such an official in the chat (`/canbo CODE`)
    list     every official, revoked ones too
    revoke   end an official's role
    login, token, tokens, untoken   the dashboard's sign-in links and the API's tokens
                                    (`bot.cli_dashboard`)

Communes and provinces are checked against the admin-unit data (bot/places), by code or name.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.cli_ambassador import add_code_limits, print_issued_code
from bot.cli_dashboard import add_dashboard_commands
from bot.cli_outbox import EXIT_FAILED, _with_storage
from bot.cli_places import commune_label, commune_named, province_named
from bot.core.state import OfficialKind
from bot.errors import ConfigurationError

if TYPE_CHECKING:
    from bot.places import Places
    from storage import IssuedOfficialCode, OfficialRecord, Storage


def _area(places: Places, args: argparse.Namespace) -> tuple[str | None, str | None, str]:
    """(province code, commune code, description) for the role asked for.

    Raises:
        ConfigurationError: an area missing, or given where the role has none.
    """
    kind = OfficialKind(args.role)
    if kind is OfficialKind.COMMUNE:
        if args.commune is None or args.province is not None:
            raise ConfigurationError("--role commune needs --commune (and no --province)")
        commune = commune_named(places, args.commune)
        where = f"{commune_label(places, commune)} ({commune.code})"
        return commune.province_code, commune.code, where
    if kind is OfficialKind.PROVINCE:
        if args.province is None or args.commune is not None:
            raise ConfigurationError("--role province needs --province (and no --commune)")
        province = province_named(places, args.province)
        return province.code, None, f"{province.name} ({province.code})"
    if args.province is not None or args.commune is not None:
        raise ConfigurationError("--role admin has no area: leave out --commune and --province")
    return None, None, "everywhere"


def _describe(places: Places, official: OfficialRecord) -> str:
    if official.commune is not None:
        commune = places.commune(official.commune)
        return commune_label(places, commune) if commune else official.commune
    if official.province is not None:
        province = places.province(official.province)
        return province.name if province else official.province
    return "everywhere"


def cmd_admin_grant(args: argparse.Namespace) -> int:
    """Grant a role; print the official's public id."""
    from bot.places.data import load_places
    from bot.service import utc_now
    from storage import StorageError

    places = load_places()
    province, commune, where = _area(places, args)

    async def grant(storage: Storage) -> OfficialRecord:
        return await storage.officials.grant(
            kind=OfficialKind(args.role),
            province=province,
            commune=commune,
            label=args.label,
            now=utc_now(),
        )

    try:
        official = _with_storage(grant)
    except StorageError as exc:
        print(f"hocvuso: no role was granted: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"official: {official.public_id}")
    print(f"role: {official.kind.value}; area: {where}")
    return 0


def cmd_admin_code(args: argparse.Namespace) -> int:
    """Issue a `/canbo` code and print it."""
    from bot.places.data import load_places
    from bot.service import utc_now
    from storage import StorageError, format_code

    places = load_places()
    province, commune, where = _area(places, args)

    async def issue(storage: Storage) -> IssuedOfficialCode:
        return await storage.officials.issue(
            kind=OfficialKind(args.role),
            province=province,
            commune=commune,
            now=utc_now(),
            valid_for=timedelta(days=args.days),
            max_uses=args.uses,
        )

    try:
        issued = _with_storage(issue)
    except StorageError as exc:
        print(f"hocvuso: no code was issued: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print_issued_code(
        f"official code: {format_code(issued.code)}",
        f"role: {issued.kind.value}; area: {where}",
        issued.expires_at,
        issued.max_uses,
        f"/canbo {format_code(issued.code)}",
    )
    return 0


def cmd_admin_list(args: argparse.Namespace) -> int:  # noqa: ARG001 - argparse's signature
    """Print every official, one a line."""
    from bot.places.data import load_places
    from bot.settings import load_settings

    places = load_places()
    zone = load_settings().zone

    async def everyone(storage: Storage) -> list[OfficialRecord]:
        return await storage.officials.all()

    officials = _with_storage(everyone)
    if not officials:
        print("no officials yet: hocvuso admin grant or hocvuso admin code")
    for official in officials:
        since = official.created_at.astimezone(zone)
        state = "active"
        if official.revoked_at is not None:
            state = f"revoked {official.revoked_at.astimezone(zone):%Y-%m-%d}"
        chat = "chat" if official.learner_id is not None else "no chat"
        label = f"  {official.label}" if official.label else ""
        print(
            f"{official.public_id}  {official.kind.value:<8}  {_describe(places, official)}  "
            f"since {since:%Y-%m-%d}  {state}  {chat}{label}"
        )
    return 0


def cmd_admin_revoke(args: argparse.Namespace) -> int:
    """End an official's role."""
    from bot.service import utc_now

    public_id = args.public_id.strip().lower()

    async def revoke(storage: Storage) -> bool:
        return await storage.officials.revoke(public_id, now=utc_now())

    if not _with_storage(revoke):
        raise ConfigurationError(
            f"no active official has the id {public_id!r}; see hocvuso admin list"
        )
    print(f"official {public_id}: role revoked")
    return 0


def _area_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--role", required=True, choices=[kind.value for kind in OfficialKind], help="the role"
    )
    parser.add_argument(
        "--commune", metavar="CODE", help="a commune official's commune: 5-digit code or name"
    )
    parser.add_argument(
        "--province", metavar="CODE", help="a province official's province: 2-digit code or name"
    )


def add_admin_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`hocvuso admin grant|code|list|revoke` and the dashboard's `login|token|tokens|untoken`."""
    admin = commands.add_parser("admin", help="officials: roles and who sees which area")
    actions = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    grant = actions.add_parser("grant", help="grant an official's role; prints their public id")
    _area_options(grant)
    grant.add_argument(
        "--label", default="", metavar="TEXT", help="a role title (never a person's name)"
    )
    grant.set_defaults(func=cmd_admin_grant)
    code = actions.add_parser("code", help="issue a code for /canbo CODE in the chat")
    _area_options(code)
    add_code_limits(code, days=7)
    code.set_defaults(func=cmd_admin_code)
    actions.add_parser("list", help="every official, revoked ones too").set_defaults(
        func=cmd_admin_list
    )
    revoke = actions.add_parser("revoke", help="end an official's role")
    revoke.add_argument("public_id", metavar="PUBLIC_ID", help="as hocvuso admin list shows it")
    revoke.set_defaults(func=cmd_admin_revoke)
    add_dashboard_commands(actions)


__all__ = ["add_admin_commands"]
