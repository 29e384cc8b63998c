"""A hand-built world for the dashboard's tests: three communes in two provinces with small and
large counts, a fake `summaries` that honours the scope and records every call, and the
dashboard and API mounted on one aiohttp app."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.scope import Scope
from bot.core.state import OfficialKind
from bot.dashboard import ApiRoutes, DashboardRoutes, Files, Numbers, Sessions
from bot.dashboard.announce import AnnouncementRoutes
from bot.i18n import translator
from bot.places.data import load_places
from bot.reports.model import COUNTERS, Filters, Summary, SummaryRow, Target, WeekPoint
from bot.security import Security
from storage import OfficialRecord, SecretKind, Storage

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HANOI, BA_DINH, HOAN_KIEM = "01", "00004", "00070"
SOUTH, VUNG_TAU = "79", "26506"
MODULES = {"A": "Làm quen điện thoại thông minh", "B": "Tìm kiếm thông tin và AI"}
# Ba Đình has 3 enrolled pupils (small: "<5" outside Ba Đình), Hoàn Kiếm 12 residents, Vũng
# Tàu 2 residents.
AREAS = (
    (HANOI, BA_DINH, "pupils", 3),
    (HANOI, HOAN_KIEM, "residents", 12),
    (SOUTH, VUNG_TAU, "residents", 2),
)


def _counts(n: int) -> dict[str, int]:
    return {name: n for name in COUNTERS}


def _rows() -> list[SummaryRow]:
    rows = []
    for province, commune, group, n in AREAS:
        target = Target(200, 80.0)
        rows.append(SummaryRow(province, commune, group, None, _counts(n), target, n))
        for module in MODULES:
            rows.append(SummaryRow(province, commune, group, module, _counts(n), target, n))
    return rows


@dataclass
class FakeSummaries:
    """Honours the scope like the real one: rows outside it never leave. Records each call."""

    calls: list[tuple[Scope, Filters]] = field(default_factory=list)

    async def __call__(self, scope: Scope, filters: Filters, now: datetime) -> Summary:
        self.calls.append((scope, filters))
        rows = tuple(
            row
            for row in _rows()
            if scope.allows(row.province, row.commune)
            and filters.province in (None, row.province)
            and filters.commune in (None, row.commune)
            and filters.group in (None, row.group)
            and (filters.module is None or row.module in (None, filters.module))
        )
        area_rows = [row for row in rows if row.module is None]
        totals = {name: sum(row.counts[name] for row in area_rows) for name in COUNTERS}
        start = filters.start or date(2026, 1, 1)
        end = filters.end or date(2026, 6, 15)
        weekly = tuple(
            WeekPoint(date(2026, 6, 1) + timedelta(weeks=k), totals["enrolled"], 3 + k, k)
            for k in range(2)
        )
        return Summary(
            generated_at=now,
            admin_data_version="2025.10",
            content_version="test",
            filters=filters,
            start=start,
            end=end,
            rows=rows,
            totals=totals,
            totals_target=Target(200 * len(area_rows), 80.0),
            totals_to_date_completed=totals["course_completed"],
            weekly=weekly,
        )


def fake_csv(doc: Mapping[str, Any]) -> bytes:
    """Stands in for bot.reports.export until it is merged: one line per row."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in doc["rows"]:
        writer.writerow([row["commune_code"], row["group"], row["module"], row["enrolled"]])
    return ("\ufeff" + out.getvalue()).encode()


FAKE_FILES = Files(csv=fake_csv, xlsx=fake_csv, chart=lambda _doc, _title: b"\x89PNG fake")


def build(
    storage: Storage,
    summaries: FakeSummaries,
    files: Files = FAKE_FILES,
    public_url: str = "http://127.0.0.1",
) -> web.Application:
    """The dashboard and the API on one app, behind the server's security headers."""
    app = web.Application()
    Security(public_url).install(app)
    t = translator("vi")
    numbers = Numbers(summaries=summaries, places=load_places(), modules=MODULES, zone=ZONE)
    clock = lambda: NOW  # noqa: E731 - a fixed clock
    sessions = Sessions(storage, t, clock=clock, public_url=public_url)
    dashboard = DashboardRoutes(sessions, numbers, files, t=t, clock=clock)
    announcements = AnnouncementRoutes(sessions, numbers.places, t, clock)
    dashboard.extras.append(announcements.form)
    dashboard.add_routes(app)
    announcements.add_routes(app)
    ApiRoutes(storage, numbers, t=t, clock=clock).add_routes(app)
    return app


async def official(storage: Storage, kind: OfficialKind) -> OfficialRecord:
    """A commune official of Ba Đình, a province official of Hà Nội, or an administrator."""
    area = {
        OfficialKind.COMMUNE: (HANOI, BA_DINH),
        OfficialKind.PROVINCE: (HANOI, None),
        OfficialKind.ADMIN: (None, None),
    }[kind]
    return await storage.officials.grant(
        kind=kind, province=area[0], commune=area[1], now=NOW - timedelta(days=1)
    )


async def secret(
    storage: Storage,
    who: OfficialRecord,
    kind: SecretKind,
    valid_for: timedelta | None = timedelta(hours=1),
) -> str:
    issued = await storage.secrets.issue(
        who, kind, now=NOW - timedelta(minutes=1), valid_for=valid_for
    )
    return issued.secret
