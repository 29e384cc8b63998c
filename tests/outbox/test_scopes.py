"""Announcements scoped to a province, a commune and a target group, on both databases: only
the consenting, reachable learners whose profile names the area and group get a row, and
queueing the same announcement again (under any scope) adds nobody twice."""

from __future__ import annotations

import pytest

from bot.core.state import TargetGroup
from bot.outbox import announcement_reach, queue_announcement
from storage import Storage
from tests.outbox.scoped import BA_DINH, NOW, VUNG_TAU, populate, recipients

TEXT = "Thông báo: thứ Bảy này phường hướng dẫn cài VNeID tại nhà văn hoá."


@pytest.mark.parametrize(
    ("scope", "reached"),
    [
        ({}, ["an", "binh", "chi", "giang", "hoa"]),
        ({"commune": BA_DINH}, ["an", "binh"]),
        ({"province": "01", "commune": BA_DINH}, ["an", "binh"]),
        ({"province": "01"}, ["an", "binh", "hoa"]),
        ({"province": "79", "group": TargetGroup.RESIDENTS}, ["chi"]),
        ({"commune": BA_DINH, "group": TargetGroup.RESIDENTS}, ["an"]),
        ({"group": TargetGroup.PUPILS}, ["binh"]),
        ({"group": TargetGroup.PUBLIC_SERVANTS}, []),
        ({"province": "79", "commune": BA_DINH}, []),  # the CLI refuses this pair
        ({"commune": BA_DINH, "channel": "zalo_oa"}, []),
    ],
    ids=[
        "everyone",
        "commune",
        "commune-with-its-province",
        "province",
        "province-and-group",
        "commune-and-group",
        "group",
        "nobody-in-the-group",
        "commune-outside-the-province",
        "other-channel",
    ],
)
async def test_only_the_area_and_group_asked_for_get_a_row(
    storage: Storage, scope: dict[str, object], reached: list[str]
) -> None:
    await populate(storage)
    assert await announcement_reach(storage, **scope) == len(reached)  # type: ignore[arg-type]
    assert await recipients(storage) == []  # counting queues nothing
    queued = await queue_announcement(storage, TEXT, NOW, key="a1", **scope)  # type: ignore[arg-type]
    assert queued == len(reached)
    assert await recipients(storage) == reached
    rows = await storage.rows("outbox_message")
    assert {row["kind"] for row in rows} <= {"announcement"}
    assert all(row["channel"] == "telegram" and row["status"] == "pending" for row in rows)


async def test_the_same_announcement_again_adds_nobody_twice(storage: Storage) -> None:
    await populate(storage)
    assert await queue_announcement(storage, TEXT, NOW, key="a1", commune=BA_DINH) == 2
    assert await queue_announcement(storage, TEXT, NOW, key="a1", commune=BA_DINH) == 0
    # Widened to the province: only Hoàn Kiếm's learner is new.
    assert await queue_announcement(storage, TEXT, NOW, key="a1", province="01") == 1
    assert await queue_announcement(storage, TEXT, NOW, key="a1") == 2  # Vũng Tàu, no place
    assert await recipients(storage) == ["an", "binh", "chi", "giang", "hoa"]
    # Another announcement is another key: the commune gets it too.
    assert await queue_announcement(storage, "Lần hai", NOW, key="a2", commune=VUNG_TAU) == 1
    assert await recipients(storage) == ["an", "binh", "chi", "chi", "giang", "hoa"]


@pytest.mark.parametrize(
    ("scope", "says"),
    [
        ({"province": "1"}, "the province code '1' is not 2 digits"),
        ({"commune": "4"}, "the commune code '4' is not 5 digits"),
        ({"commune": "Ba Đình"}, "is not 5 digits"),
    ],
)
async def test_a_malformed_code_is_refused_before_anything_is_queued(
    storage: Storage, scope: dict[str, str], says: str
) -> None:
    await populate(storage)
    with pytest.raises(ValueError, match=says):
        await queue_announcement(storage, TEXT, NOW, **scope)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=says):
        await announcement_reach(storage, **scope)  # type: ignore[arg-type]
    assert await recipients(storage) == []
