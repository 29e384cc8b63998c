"""The targets CSV parser: what spreadsheets really write is read, every problem is reported
with its line, and a file with any problem yields no rows; the plan's defaults."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.state import TargetGroup
from bot.places import Places
from bot.places.data import load_places
from bot.targets import HEADER, default_target_percent, parse_targets
from tests.conftest import ROOT

PLACES = load_places()
HEAD = ",".join(HEADER)


def problems(text: str, places: Places = PLACES) -> tuple[str, ...]:
    parsed = parse_targets(text, "t.csv", places)
    assert parsed.lines == () or not parsed.problems
    return parsed.problems


def test_a_good_file() -> None:
    parsed = parse_targets(
        f"{HEAD}\n2026,00004,residents,52000,100\n\n2025,26737,pupils,9200,80.5\n", "t.csv", PLACES
    )
    assert parsed.problems == ()
    first, second = parsed.lines
    assert (first.line, first.year, first.province_code, first.commune_code) == (
        2,
        2026,
        "01",
        "00004",
    )
    assert (first.group, first.population, first.target_percent) == (
        TargetGroup.RESIDENTS,
        52000,
        100.0,
    )
    assert (second.line, second.province_code, second.group, second.target_percent) == (
        4,
        "79",
        TargetGroup.PUPILS,
        80.5,
    )


def test_what_excel_in_vietnam_writes() -> None:
    text = (
        "\ufeffYear;Commune_Code;Target_Group;Population;Target_Percent;Tên xã\n"
        "2026;4;Người dân;52.000;80%;Ba Đình\n"
        '2026;4;"Cán bộ, công chức, viên chức";1 200;80,5 %;\n'
        "2026;4;hoc sinh, sinh vien;900;100;\n"
        "2026;4;Người lao động doanh nghiệp, hợp tác xã;3000;70;\n"
    )
    parsed = parse_targets(text, "t.csv", PLACES)
    assert parsed.problems == ()
    assert [(line.group, line.population, line.target_percent) for line in parsed.lines] == [
        (TargetGroup.RESIDENTS, 52000, 80.0),
        (TargetGroup.PUBLIC_SERVANTS, 1200, 80.5),
        (TargetGroup.PUPILS, 900, 100.0),
        (TargetGroup.ENTERPRISE_WORKERS, 3000, 70.0),
    ]
    assert {line.commune_code for line in parsed.lines} == {"00004"}


def test_quoted_commas_in_a_comma_file() -> None:
    parsed = parse_targets(
        f'{HEAD}\n2026,00004,"Học sinh, sinh viên","12,500",100\n', "t.csv", PLACES
    )
    assert parsed.problems == ()
    assert parsed.lines[0].population == 12500


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2024,00004,residents,10,80", "t.csv:3: year '2024': give a year from 2025 to 2035"),
        ("2026,99999,residents,10,80", "t.csv:3: commune_code '99999': no commune or ward"),
        ("2026,4a,residents,10,80", "t.csv:3: commune_code '4a': give the commune's 5-digit"),
        ("2026,00004,farmers,10,80", "t.csv:3: target_group 'farmers': give one of pupils"),
        ("2026,00004,residents,0,80", "t.csv:3: population '0': give the number of people"),
        ("2026,00004,residents,-5,80", "t.csv:3: population '-5'"),
        ("2026,00004,residents,1.5,80", "t.csv:3: population '1.5'"),
        ("2026,00004,residents,10,101", "t.csv:3: target_percent '101': give a percentage"),
        ("2026,00004,residents,10,abc", "t.csv:3: target_percent 'abc'"),
        ("2026,00004,residents,10", "t.csv:3: 4 column(s) where the first line names 5"),
        ("2026,00004,pupils,10,80", "t.csv:3: 2026, commune 00004, pupils is already on line 2"),
    ],
)
def test_each_problem_with_its_line(row: str, message: str) -> None:
    found = problems(f"{HEAD}\n2026,00004,pupils,10,80\n{row}\n2026,00008,pupils,10,80\n")
    assert len(found) == 1, found
    assert found[0].startswith(message), found


def test_every_problem_is_reported_and_no_row_is_kept() -> None:
    text = f"{HEAD}\n2026,00004,pupils,10,80\n2026,1,pupils,10,80\n\n2026,00004,x,10,200\n"
    parsed = parse_targets(text, "t.csv", PLACES)
    assert parsed.lines == ()
    assert [problem.split(": ")[0] for problem in parsed.problems] == [
        "t.csv:3",
        "t.csv:5",
        "t.csv:5",
    ]


def test_a_multi_line_value_counts_from_its_first_line() -> None:
    found = problems(f'{HEAD}\n2026,00004,"pupils\nand more",10,80\n2026,00004,x,10,80\n')
    assert [problem.split(": ")[0] for problem in found] == ["t.csv:2", "t.csv:4"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "t.csv:1: the file is empty"),
        ("\n\n", "t.csv:1: the file is empty"),
        (f"{HEAD}\n", "t.csv:1: the file has a header but no rows"),
        ("year,commune,group\n2026,4,pupils\n", "t.csv:1: the first line must name the columns"),
        (f"{HEAD},year\n", "t.csv:1: column named twice: year"),
        ("2026,00004,pupils,10,80\n", "t.csv:1: the first line must name the columns"),
    ],
)
def test_header_problems(text: str, message: str) -> None:
    found = problems(text)
    assert len(found) == 1 and found[0].startswith(message), found


def test_the_shipped_template_reads_cleanly() -> None:
    text = (ROOT / "docs" / "targets-template.csv").read_text(encoding="utf-8-sig")
    parsed = parse_targets(text, "docs/targets-template.csv", PLACES)
    assert parsed.problems == ()
    assert len(parsed.lines) >= 4 and {line.year for line in parsed.lines} == {2026}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.sampled_from(
                [HEAD, "2026,00004,pupils,10,80", "2026;4;Người dân;1.000;80%", '"', "\x00", ";;"]
            ),
        ),
        max_size=8,
    )
)
def test_random_text_never_crashes_the_parser(pieces: list[str]) -> None:
    parsed = parse_targets("\n".join(pieces), "t.csv", PLACES)
    assert bool(parsed.lines) != bool(parsed.problems)
    assert all(problem.startswith("t.csv:") for problem in parsed.problems)


def test_the_plans_defaults() -> None:
    assert [default_target_percent(group, 2025) for group in TargetGroup] == [
        100.0,  # pupils
        70.0,  # residents (adults)
        80.0,  # public servants
        80.0,  # enterprise workers
    ]
    assert {default_target_percent(group, 2026) for group in TargetGroup} == {100.0}
    assert default_target_percent(TargetGroup.RESIDENTS, 2024) is None
