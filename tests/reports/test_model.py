"""The summary document: the `hocvuso.summary/1` shape, small counts shown as "<5" to everyone
but the commune's own officials (percentages too, where they would give a count back), and the
percent of target measured on completions to date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.scope import Scope
from bot.core.state import OfficialKind
from bot.reports.model import (
    COUNTERS,
    SCHEMA,
    Filters,
    Summary,
    SummaryRow,
    Target,
    WeekPoint,
    document,
)

TAN_PHU, BA_DINH = "00004", "00008"
SMALL = {name: 3 for name in COUNTERS}
LARGE = {name: 40 + index for index, name in enumerate(COUNTERS)}


def summary() -> Summary:
    rows = (
        SummaryRow("01", TAN_PHU, "residents", None, SMALL, Target(200, 70.0), 3),
        SummaryRow("01", TAN_PHU, "residents", "A", {**SMALL, "course_completed": 0}),
        SummaryRow("01", BA_DINH, "pupils", None, LARGE, Target(100, 100.0), 55),
    )
    totals = {name: SMALL[name] + LARGE[name] for name in COUNTERS}
    return Summary(
        generated_at=datetime(2026, 3, 2, 11, 0, tzinfo=UTC),
        admin_data_version="2025-07-01",
        content_version="abc123",
        filters=Filters(province="01"),
        start=date(2025, 1, 1),
        end=date(2026, 3, 2),
        rows=rows,
        totals=totals,
        totals_target=Target(300, None),
        totals_to_date_completed=58,
        weekly=(WeekPoint(date(2026, 2, 23), 2, 30, 1),),
    )


def test_the_document_has_the_contract_shape() -> None:
    doc = document(summary(), None)
    assert doc["schema"] == SCHEMA == "hocvuso.summary/1"
    assert doc["generated_at"] == "2026-03-02T11:00:00Z"
    assert (doc["admin_data_version"], doc["content_version"]) == ("2025-07-01", "abc123")
    assert doc["period"] == {"from": "2025-01-01", "to": "2026-03-02"}
    keys = {"province_code", "commune_code", "group", "module", *COUNTERS}
    keys |= {"target_population", "target_percent", "percent_of_target"}
    assert all(set(row) == keys for row in doc["rows"])
    assert [row["module"] for row in doc["rows"]] == [None, "A", None]
    assert set(COUNTERS) <= set(doc["totals"])


def test_small_counts_are_suppressed_for_everyone_else() -> None:
    province = Scope(OfficialKind.PROVINCE, "01")
    other_commune = Scope(OfficialKind.COMMUNE, "01", BA_DINH)
    for viewer in (None, province, other_commune, Scope(OfficialKind.ADMIN)):
        doc = document(summary(), viewer)
        small, module_row, large = doc["rows"]
        assert all(small[name] == "<5" for name in COUNTERS)
        assert module_row["course_completed"] == 0  # zero gives nobody away
        assert all(large[name] == LARGE[name] for name in COUNTERS)
        # 3 of a goal of 140 would tell the count: no percentage either.
        assert small["percent_of_target"] is None
        assert large["percent_of_target"] == 55.0
        assert doc["weekly"][0]["enrolled"] == "<5"
        assert doc["weekly"][0]["lessons_completed"] == 30


def test_a_commune_official_sees_their_own_commune_as_it_is() -> None:
    own = Scope(OfficialKind.COMMUNE, "01", TAN_PHU)
    only_theirs = summary()
    only_theirs = Summary(
        **{**only_theirs.__dict__, "rows": only_theirs.rows[:2], "totals": SMALL}
    )
    doc = document(only_theirs, own)
    small = doc["rows"][0]
    assert all(small[name] == 3 for name in COUNTERS)
    assert small["percent_of_target"] == round(100 * 3 / 140, 1)
    assert all(doc["totals"][name] == 3 for name in COUNTERS)
    assert doc["weekly"][0]["enrolled"] == 2
    # In a document spanning other communes too, the totals stay suppressed for them.
    mixed = document(summary(), own)
    assert mixed["rows"][0]["enrolled"] == 3
    assert mixed["rows"][2]["enrolled"] == LARGE["enrolled"]
    assert mixed["weekly"][0]["enrolled"] == "<5"


def test_percent_of_target_needs_a_population_and_a_share() -> None:
    assert (
        SummaryRow("01", TAN_PHU, None, None, LARGE, Target(None, 70.0), 9).percent_of_target
        is None
    )
    assert (
        SummaryRow("01", TAN_PHU, None, None, LARGE, Target(10, None), 9).percent_of_target is None
    )
    assert (
        SummaryRow("01", TAN_PHU, None, None, LARGE, Target(0, 70.0), 9).percent_of_target is None
    )
    assert (
        SummaryRow("01", TAN_PHU, None, None, LARGE, Target(20, 50.0), 9).percent_of_target == 90.0
    )
    doc = document(summary(), None)
    assert doc["totals"]["percent_of_target"] is None  # no share for the whole area
