"""The first start: a working dashboard with no set-up.

When the database has no administrator at all (a fresh `make run`), `hocvuso run` creates one
and prints a one-time sign-in link on its standard output. When administrators exist but none
has a live session or an unused link, it prints the command that makes one. The link itself
goes to standard output only, never to the log, which may be kept or shipped elsewhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.state import OfficialKind
from bot.dashboard.auth import login_url
from storage import OfficialRecord, SecretKind, SecretRecord, Storage

FIRST_LINK_FOR = timedelta(hours=24)
FIRST_LABEL = "first administrator"


def _opens(record: SecretRecord, admins: set[str], now: datetime) -> bool:
    """Whether a stored secret still lets one of `admins` in."""
    if record.official_public_id not in admins or record.revoked_at is not None:
        return False
    if record.expires_at is not None and record.expires_at <= now:
        return False
    if record.kind is SecretKind.LOGIN:
        return record.used_at is None
    return record.kind is SecretKind.SESSION


async def first_run(
    storage: Storage, *, public_url: str, now: datetime, valid_for: timedelta = FIRST_LINK_FOR
) -> list[str]:
    """What to tell the operator about the dashboard at start-up (nothing when they have a
    way in), creating the first administrator and its link on a database that has none.

    Raises:
        StorageError: the database refused.
    """
    officials = await storage.officials.all()
    admins = [official for official in officials if official.kind is OfficialKind.ADMIN]
    dashboard = f"{public_url.rstrip('/')}/dashboard"
    if not admins:
        admin: OfficialRecord = await storage.officials.grant(
            kind=OfficialKind.ADMIN, label=FIRST_LABEL, granted_by="first-run", now=now
        )
        issued = await storage.secrets.issue(
            admin, SecretKind.LOGIN, now=now, valid_for=valid_for, label="first-run"
        )
        hours = int(valid_for.total_seconds() // 3600)
        return [
            f"Officials' dashboard: no administrator yet, so one was created ({admin.public_id}).",
            f"Open this one-time sign-in link within {hours} hours (it works once):",
            f"  {login_url(public_url, issued.secret)}",
            f"A new link any time: hocvuso admin login {admin.public_id}",
        ]
    active = {official.public_id for official in admins if official.revoked_at is None}
    if not active:
        return [
            f"Officials' dashboard at {dashboard}: every administrator's role was revoked; "
            "grant one with `hocvuso admin grant --role admin`, then print a sign-in link with "
            "`hocvuso admin login ID`."
        ]
    if any(_opens(record, active, now) for record in await storage.secrets.listing()):
        return []
    first = next(official.public_id for official in admins if official.public_id in active)
    return [
        f"Officials' dashboard at {dashboard}: print a sign-in link with "
        f"`hocvuso admin login {first}` (`hocvuso admin list` shows every official)."
    ]


__all__ = ["FIRST_LINK_FOR", "first_run"]
