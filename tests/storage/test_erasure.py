"""/xoadulieu for a learner linked to two apps, on SQLite and PostgreSQL: one person, so
everything of theirs goes, on both apps; the anonymous completion events stay."""

from __future__ import annotations

from datetime import date

from bot.core.state import Profile, TargetGroup
from bot.service import ConversationService
from storage import Storage
from tests.dialog import fixture_catalog
from tests.storage.linking import (
    PASS_A1,
    PERSONAL,
    add_rows,
    learner_id,
    new_code,
    said,
    say,
    set_profile,
)


async def test_erasing_on_one_app_erases_the_linked_learner_everywhere(
    storage: Storage,
) -> None:
    svc = ConversationService(storage, fixture_catalog())
    await say(svc, "webchat", "w1", "/start", "1")
    owner = await learner_id(storage, "webchat", "w1")
    place = Profile(province="01", commune="00004", group=TargetGroup.PUPILS)
    await set_profile(storage, owner, place)
    await say(svc, "webchat", "w1", *PASS_A1[2:])
    code = await new_code(svc, storage, "webchat", "w1")
    await say(svc, "telegram", "t1", "/start", code)
    await add_rows(storage, owner, code="CERTCODE23", day=date(2026, 3, 1))
    await new_code(svc, storage, "telegram", "t1")  # a live code, too
    assert len(await storage.rows("channel_identity")) == 2
    for table in PERSONAL:
        assert await storage.rows(table), table  # something to erase in every table

    await say(svc, "telegram", "t1", "/xoadulieu")
    done = await say(svc, "telegram", "t1", "1")  # "Có, xóa dữ liệu"
    assert "đã được xóa" in said(done)

    for table in PERSONAL:
        assert await storage.rows(table) == [], table
    events = await storage.completion_events()
    assert {e["kind"] for e in events} == {"lesson_completed", "quiz_passed", "module_completed"}
    assert all(e["learner_id"] is None for e in events)
    lesson_events = [e for e in events if e["kind"] != "module_completed"]
    assert all(
        (e["province_code"], e["commune_code"], e["target_group"]) == ("01", "00004", "pupils")
        for e in lesson_events
    )
    # Both apps start afresh: a stranger, asked for consent again.
    for channel, user in (("webchat", "w1"), ("telegram", "t1")):
        assert "đồng ý" in said(await say(svc, channel, user, "xin chào"))
    assert len(await storage.rows("learner")) == 2
