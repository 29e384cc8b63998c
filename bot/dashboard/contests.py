"""`/dashboard/contests`: an official's contests (participation and results per commune × group,
small counts "<5" as everywhere on the dashboard) and the form that sets one up.

The area is checked on the server against the official's row (`Scope.allows`), whatever the
form says: a commune official's contest is always for their commune, a province official's for
the province or one of its communes. The questions come from the course's quizzes (all, or the
lessons named); a GIFT file is imported with `hocvuso contest create --gift`. Creating queues
the announcement through the outbox, like the announcement form (decision 41).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.contests.setup import (
    DEFAULT_QUESTIONS,
    DEFAULT_SECONDS,
    ContestDraft,
    ContestError,
    create_contest,
    parse_lessons,
)
from bot.contests.standings import results_document
from bot.core.catalog import Catalog
from bot.core.scope import Scope
from bot.core.state import OfficialKind, TargetGroup
from bot.dashboard import pages
from bot.dashboard.auth import CSRF_FIELD, Sessions, SignedIn, html
from bot.dashboard.pages import e
from bot.errors import StorageError
from bot.i18n import N_, Translator
from bot.places import Places
from bot.reports.labels import SHORT_GROUPS
from storage import ContestRecord

log = logging.getLogger(__name__)

PATH = "/dashboard/contests"
TITLE = N_("Contests")
LINK = N_("Contests: set one up, see who took part")
NONE_YET = N_("No contest in your area yet.")
NEW = N_("Set up a contest")
NEW_HELP = N_(
    "Learners of the area (and group) get an announcement; each plays once with /thi while it "
    "is open. Results go to every player when it closes."
)
TITLE_LABEL = N_("Title")
OPENS_LABEL = N_("Opens (local time)")
CLOSES_LABEL = N_("Closes (local time)")
GROUP_LABEL = N_("Target group")
ALL_GROUPS = N_("Everyone")
COMMUNE_LABEL = N_("Commune code (5 digits; empty: the whole area)")
PROVINCE_LABEL = N_("Province code (2 digits; empty: everyone)")
QUESTIONS_LABEL = N_("Questions per player")
SECONDS_LABEL = N_("Seconds per question")
LESSONS_LABEL = N_("From the quizzes of lessons (e.g. A1,B2; empty: all)")
CREATE = N_("Create and announce")
CREATED = N_("Contest created")
CREATED_TEXT = N_("“{title}” is set up; the announcement is queued for {count} learners.")
REFUSED_TEXT = N_("The contest was not created: {reason}")
OUTSIDE = N_("That area is outside yours: a contest can only be for your own area.")
BAD_FORM = N_("Please fill in the title, both times, and numbers where numbers are asked.")
COLUMNS = (
    N_("Commune"),
    N_("Group"),
    N_("Players"),
    N_("Finished"),
    N_("Average right answers"),
)
STATE_OPEN = N_("results when it closes")
STATE_DONE = N_("results sent")
BACK = N_("Back to the numbers")


class ContestRoutes:
    """The contests page, its form and the link to it under the summary."""

    def __init__(
        self,
        sessions: Sessions,
        places: Places,
        catalog: Catalog | None,
        t: Translator,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions, self.places, self.catalog = sessions, places, catalog
        self.t, self.zone, self.clock = t, zone, clock

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(PATH, self.index)
        app.router.add_post(PATH, self.post)

    def link(self, signed: SignedIn) -> str:
        """The link under the summary's tables."""
        return f'<p><a class="button" href="{PATH}">{e(self.t.gettext(LINK))}</a></p>'

    async def index(self, request: web.Request) -> web.Response:
        """The official's contests with their results, then the form."""
        t = self.t
        try:
            signed = await self.sessions.signed_in(request)
            if signed is None:
                raise web.HTTPSeeOther(pages.LOGIN_PATH)
            scope = signed.official.scope
            found = [c for c in await self.sessions.storage.contests.listed() if _mine(c, scope)]
            sections = []
            for contest in found:
                attempts = await self.sessions.storage.contests.attempts(contest.id)
                sections.append(
                    self._section(contest, results_document(contest, attempts, scope, self.zone))
                )
        except StorageError:
            log.exception("dashboard: contests unavailable")
            return html(pages.unavailable(t), 503)
        body = (
            f"<h1>{e(t.gettext(TITLE))}</h1>"
            + ("".join(sections) or f"<p>{e(t.gettext(NONE_YET))}</p>")
            + self._form(signed)
            + f'<p><a href="/dashboard">{e(t.gettext(BACK))}</a></p>'
        )
        return html(pages.page(t, t.gettext(TITLE), body))

    def _section(self, contest: ContestRecord, doc: dict[str, object]) -> str:
        t = self.t
        state = t.gettext(STATE_DONE if contest.results_at else STATE_OPEN)
        head = "".join(f"<th>{e(t.gettext(c))}</th>" for c in COLUMNS)
        rows = []
        for row in doc["rows"]:  # type: ignore[attr-defined]
            commune = self.places.commune(row["commune"])
            group = row["group"]
            label = (
                t.gettext(SHORT_GROUPS[TargetGroup(group)]) if group in set(TargetGroup) else "—"
            )
            average = "—" if row["average_score"] is None else t.number(row["average_score"])
            cells = (
                commune.name if commune else (row["commune"] or "—"),
                label,
                row["players"],
                row["finished"],
                average,
            )
            rows.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
        return (
            f'<section class="contest"><h2>{e(contest.title)}</h2>'
            f"<p>{e(t.moment(contest.opens_at, self.zone))} – "
            f"{e(t.moment(contest.closes_at, self.zone))} · {e(state)}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "</section>"
        )

    def _form(self, signed: SignedIn) -> str:
        t = self.t
        kind = signed.official.scope.kind
        groups = "".join(
            f'<option value="{e(group.value)}">{e(t.gettext(SHORT_GROUPS[group]))}</option>'
            for group in TargetGroup
        )
        area = ""
        if kind is not OfficialKind.COMMUNE:
            area += _field(
                "commune", t.gettext(COMMUNE_LABEL), 'inputmode="numeric" maxlength="5"'
            )
        if kind is OfficialKind.ADMIN:
            area += _field(
                "province", t.gettext(PROVINCE_LABEL), 'inputmode="numeric" maxlength="2"'
            )
        return (
            f'<section class="announce"><h2>{e(t.gettext(NEW))}</h2>'
            f"<p>{e(t.gettext(NEW_HELP))}</p>"
            f'<form method="post" action="{PATH}">'
            f'<input type="hidden" name="{CSRF_FIELD}" value="{e(signed.csrf)}">'
            + _field("title", t.gettext(TITLE_LABEL), 'maxlength="120" required')
            + _field("opens", t.gettext(OPENS_LABEL), 'type="datetime-local" required')
            + _field("closes", t.gettext(CLOSES_LABEL), 'type="datetime-local" required')
            + f'<label for="contest-group">{e(t.gettext(GROUP_LABEL))}</label>'
            f'<select id="contest-group" name="group"><option value="">'
            f"{e(t.gettext(ALL_GROUPS))}</option>{groups}</select>"
            + area
            + _field(
                "questions",
                t.gettext(QUESTIONS_LABEL),
                f'type="number" min="1" max="30" value="{DEFAULT_QUESTIONS}"',
            )
            + _field(
                "seconds",
                t.gettext(SECONDS_LABEL),
                f'type="number" min="5" max="120" value="{DEFAULT_SECONDS}"',
            )
            + _field("lessons", t.gettext(LESSONS_LABEL), 'maxlength="200"')
            + f'<button type="submit">{e(t.gettext(CREATE))}</button></form></section>'
        )

    async def post(self, request: web.Request) -> web.Response:
        """Create the contest for the official's area (or the part of it they named)."""
        signed, form = await self.sessions.checked_post(request)
        t, scope = self.t, signed.official.scope
        try:
            opens = datetime.fromisoformat(form.get("opens", "")).replace(tzinfo=self.zone)
            closes = datetime.fromisoformat(form.get("closes", "")).replace(tzinfo=self.zone)
            questions = int(form.get("questions") or DEFAULT_QUESTIONS)
            seconds = int(form.get("seconds") or DEFAULT_SECONDS)
            group = TargetGroup(form["group"]) if form.get("group") else None
        except (ValueError, KeyError):
            return self._refused(400, t.gettext(BAD_FORM))
        province = form.get("province", "").strip() or None
        commune = form.get("commune", "").strip() or None
        if scope.kind is OfficialKind.COMMUNE:
            province, commune = scope.province, scope.commune
        elif scope.kind is OfficialKind.PROVINCE:
            province = scope.province
        if commune is not None:
            found = self.places.commune(commune)
            if found is not None and not scope.allows(found.province_code, found.code):
                return self._refused(403, t.gettext(OUTSIDE))
            if found is not None and commune != scope.commune:
                province = found.province_code
        draft = ContestDraft(
            title=form.get("title", ""),
            opens_at=opens,
            closes_at=closes,
            province=None if commune else province,
            commune=commune,
            group=group,
            questions=questions,
            seconds=seconds,
            lessons=parse_lessons(form.get("lessons")),
        )
        if self.catalog is None:
            return html(pages.unavailable(t), 503)
        try:
            record, count = await create_contest(
                self.sessions.storage, self.catalog, self.places, draft, self.clock(),
                tr=t, zone=self.zone, scope=scope, official_id=signed.official.id,
                created_by=signed.official.public_id,
            )  # fmt: skip
        except ContestError as exc:
            return self._refused(400, t.gettext(REFUSED_TEXT).format(reason=exc.translated(t)))
        except StorageError:
            log.exception("dashboard: the contest could not be created")
            return html(pages.unavailable(t), 503)
        log.info(
            "dashboard: official %s created contest %s (%d learners told)",
            signed.official.public_id, record.id, count,
        )  # fmt: skip
        return html(
            pages.message(
                t,
                t.gettext(CREATED),
                t.gettext(CREATED_TEXT).format(title=record.title, count=count),
                link=(PATH, t.gettext(TITLE)),
            )
        )

    def _refused(self, status: int, text: str) -> web.Response:
        return html(pages.refused(self.t, status, text), status)


def _mine(contest: ContestRecord, scope: Scope) -> bool:
    """Whether the contest concerns the official's area: held there, or held in a larger
    area that contains it (its rows are then filtered to the official's part)."""
    if scope.kind is OfficialKind.ADMIN:
        return True
    if contest.commune is not None:
        return scope.allows(contest.province, contest.commune)
    if contest.province is not None:
        return contest.province == scope.province
    return True


_DIGITS = 'inputmode="numeric" maxlength="{}"'


def _field(name: str, label: str, attributes: str) -> str:
    return (
        f'<label for="contest-{name}">{e(label)}</label>'
        f'<input id="contest-{name}" name="{name}" {attributes}>'
    )


__all__ = ["PATH", "ContestRoutes"]
