"""`POST /dashboard/announce`: an official's announcement to the learners of their own area.

The form sits under the tables (`DashboardRoutes.extras`): the text, a target group and, for a
province official, a commune of the province (empty: the whole province); an administrator may
name a province or a commune (empty: everyone). A commune official's announcement always goes
to their commune. The area is checked on the server against the official's `official` row
(`Scope.allows`), whatever the form says; the same text to the same area the same day is
queued once (a double tap, a resent form), through the outbox like every announcement.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from bot.core.state import OfficialKind, TargetGroup
from bot.dashboard import pages
from bot.dashboard.auth import CSRF_FIELD, Sessions, SignedIn, html
from bot.dashboard.pages import e
from bot.errors import StorageError
from bot.i18n import N_, Translator
from bot.outbox.announce import MAX_ANNOUNCEMENT, queue_announcement
from bot.places import Places
from bot.reports.labels import SHORT_GROUPS

log = logging.getLogger(__name__)

PATH = "/dashboard/announce"
TITLE = N_("Send an announcement")
HELP = N_(
    "It goes to the learners of your area who agreed to messages, on the app they use, within "
    "each app's limits. Write it as you would speak to them; no link to a site they don't know."
)
TEXT_LABEL = N_("Announcement")
GROUP_LABEL = N_("Target group")
ALL_GROUPS = N_("Everyone")
COMMUNE_LABEL = N_("Commune code (5 digits; empty: the whole area)")
PROVINCE_LABEL = N_("Province code (2 digits; empty: everyone)")
SEND = N_("Send")
QUEUED = N_("Announcement queued")
QUEUED_TEXT = N_("{count} messages are queued for {area}. They go out within a few minutes.")
EMPTY = N_("Please write the announcement.")
TOO_LONG = N_("The announcement is too long: please keep it under {limit} characters.")
BAD_GROUP = N_("Please choose a target group from the list.")
UNKNOWN_PLACE = N_("No commune or province has that code: please check it.")
OUTSIDE = N_("That area is outside yours: an announcement can only go to your own area.")
BACK = N_("Back to the numbers")


class AnnouncementRoutes:
    """The announcement form (an extra of the summary page) and its POST."""

    def __init__(
        self,
        sessions: Sessions,
        places: Places,
        t: Translator,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions, self.places, self.t, self.clock = sessions, places, t, clock

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(PATH, self.post)

    def form(self, signed: SignedIn) -> str:
        """The form's HTML for this official (under the summary's tables)."""
        t = self.t
        kind = signed.official.scope.kind
        groups = "".join(
            f'<option value="{e(group.value)}">{e(t.gettext(SHORT_GROUPS[group]))}</option>'
            for group in TargetGroup
        )
        area = ""
        if kind is not OfficialKind.COMMUNE:
            area += _input("to_commune", t.gettext(COMMUNE_LABEL), 5)
        if kind is OfficialKind.ADMIN:
            area += _input("to_province", t.gettext(PROVINCE_LABEL), 2)
        return (
            f'<section class="announce"><h2>{e(t.gettext(TITLE))}</h2>'
            f"<p>{e(t.gettext(HELP))}</p>"
            f'<form method="post" action="{PATH}">'
            f'<input type="hidden" name="{CSRF_FIELD}" value="{e(signed.csrf)}">'
            f'<label for="announce-text">{e(t.gettext(TEXT_LABEL))}</label>'
            f'<textarea id="announce-text" name="text" rows="4" maxlength="{MAX_ANNOUNCEMENT}" '
            f"required></textarea>"
            f'<label for="announce-group">{e(t.gettext(GROUP_LABEL))}</label>'
            f'<select id="announce-group" name="group">'
            f'<option value="">{e(t.gettext(ALL_GROUPS))}</option>{groups}</select>'
            f"{area}"
            f'<button type="submit">{e(t.gettext(SEND))}</button></form></section>'
        )

    async def post(self, request: web.Request) -> web.Response:
        """Queue the announcement for the official's area (or the part of it they named)."""
        signed, form = await self.sessions.checked_post(request)
        t = self.t
        text = form.get("text", "").strip()
        if not text:
            return self._refused(400, t.gettext(EMPTY))
        if len(text) > MAX_ANNOUNCEMENT:
            return self._refused(400, t.gettext(TOO_LONG).format(limit=MAX_ANNOUNCEMENT))
        try:
            group = TargetGroup(form["group"]) if form.get("group") else None
        except ValueError:
            return self._refused(400, t.gettext(BAD_GROUP))
        area = self._area(
            # Named apart from the summary's filters (`province`, `commune`) on the same page.
            signed,
            form.get("to_province", "").strip(),
            form.get("to_commune", "").strip(),
        )
        if isinstance(area, web.Response):
            return area
        province, commune = area
        now = self.clock()
        key = _key(signed, text, province, commune, group, now)
        try:
            count = await queue_announcement(
                self.sessions.storage, text, now, key=key,
                province=province, commune=commune, group=group,
            )  # fmt: skip
        except StorageError:
            log.exception("dashboard: the announcement could not be queued")
            return html(pages.unavailable(t), 503)
        log.info(
            "dashboard: official %s queued %d announcement message(s) for %s/%s/%s",
            signed.official.public_id, count, province, commune, group,
        )  # fmt: skip
        where = self._where(province, commune)
        return html(
            pages.message(
                t,
                t.gettext(QUEUED),
                t.gettext(QUEUED_TEXT).format(count=count, area=where),
                link=("/dashboard", t.gettext(BACK)),
            )
        )

    def _area(
        self, signed: SignedIn, province: str, commune: str
    ) -> tuple[str | None, str | None] | web.Response:
        """The (province, commune) the announcement goes to, checked against the scope."""
        scope = signed.official.scope
        if scope.kind is OfficialKind.COMMUNE:
            return scope.province, scope.commune
        if commune:
            found = self.places.commune(commune)
            if found is None:
                return self._refused(400, self.t.gettext(UNKNOWN_PLACE))
            if not scope.allows(found.province_code, found.code):
                return self._refused(403, self.t.gettext(OUTSIDE))
            return found.province_code, found.code
        if scope.kind is OfficialKind.PROVINCE:
            return scope.province, None
        if province:
            if self.places.province(province) is None:
                return self._refused(400, self.t.gettext(UNKNOWN_PLACE))
            return province, None
        return None, None

    def _where(self, province: str | None, commune: str | None) -> str:
        found = self.places.commune(commune)
        if found is not None:
            return found.name
        area = self.places.province(province)
        return area.name if area is not None else self.t.gettext(ALL_GROUPS)

    def _refused(self, status: int, text: str) -> web.Response:
        return html(pages.refused(self.t, status, text), status)


def _input(name: str, label: str, digits: int) -> str:
    return (
        f'<label for="announce-{name}">{e(label)}</label>'
        f'<input id="announce-{name}" name="{name}" inputmode="numeric" '
        f'pattern="[0-9]{{{digits}}}" maxlength="{digits}">'
    )


def _key(
    signed: SignedIn,
    text: str,
    province: str | None,
    commune: str | None,
    group: TargetGroup | None,
    now: datetime,
) -> str:
    """The announcement's name: the same text to the same area on the same day is one."""
    digest = hashlib.sha256(
        "\x1f".join((text, province or "", commune or "", group or "", f"{now:%Y%m%d}")).encode()
    ).hexdigest()[:16]
    return f"dashboard:{signed.official.public_id}:{digest}"


__all__ = ["PATH", "AnnouncementRoutes"]
