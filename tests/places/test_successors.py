"""Former commune codes and their successors: the shipped list is valid against the shipped
admin-unit data, chains resolve to their end, and a broken list is refused with what to fix."""

from __future__ import annotations

import pytest

from bot.places import Places, SuccessorError, Successors

HEADER = "old_code,new_code,since_data_version,note"


def test_the_shipped_list_is_valid(places: Places) -> None:
    successors = Successors.read(places)
    assert successors.current("00004") == "00004"  # a current commune is itself


def test_chains_resolve_to_the_current_commune(places: Places) -> None:
    successors = Successors.parse(
        ["# a comment", HEADER, "99001,99002,2025-10-18,", "99002,00004,2026-01-01,merged"],
        places,
    )
    assert successors.current("99001") == "00004"
    assert successors.former("00004") == {"00004", "99001", "99002"}
    assert successors.former("00070") == {"00070"}


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("9901,00004,,", "5-digit codes"),
        ("00070,00004,,", "00070 is still a current commune"),
        ("99001,99009,,", "which the admin-unit data"),
    ],
)
def test_a_broken_list_says_what_to_fix(places: Places, line: str, words: str) -> None:
    with pytest.raises(SuccessorError, match=words):
        Successors.parse([HEADER, line], places)


def test_a_loop_is_refused(places: Places) -> None:
    with pytest.raises(SuccessorError):
        Successors.parse([HEADER, "99001,99002,,", "99002,99001,,"], places)
