"""Invites on Messenger: an ambassador's `/moi` gives the m.me link (the Page's username from
the Graph API), and people come in through it: a new person with the Get Started button (the
referral rides on its postback, recorded at consent), and someone already chatting through a
`referral` event; a referral that is not one of our codes is ignored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.channels.messenger.adapter import CHANNEL
from bot.content import Catalog
from storage import Storage
from tests.ambassadors.world import BA_DINH, invite_of
from tests.fakes.fake_graph import PAGE_USERNAME, FakeGraph
from tests.fakes.fake_zalo import Clock
from tests.messenger.conftest import MessengerHarness, MessengerLearner, running_messenger

AMBASSADOR, HOA, KHANH, LONG = (
    "5100000000000001",
    "5100000000000002",
    "5100000000000003",
    "5100000000000004",
)


async def learner_id(storage: Storage, psid: str) -> int:
    [row] = await storage.rows("channel_identity", channel=CHANNEL, external_id=psid)
    return int(row["learner_id"])


def referral(page: MessengerHarness, psid: str, name: str, code: str) -> dict[str, object]:
    body = page.body(name, psid)
    event = page.event_of(body)
    event.get("postback", event)["referral"]["ref"] = code
    return body


async def test_an_ambassador_invites_through_an_m_me_link(
    storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(storage, a1_catalog, graph, clock) as page:
        issued = await storage.ambassadors.issue(
            province="01",
            commune=BA_DINH,
            now=datetime.now(UTC),
            valid_for=timedelta(days=14),
            max_uses=1,
        )
        ambassador = MessengerLearner(page, AMBASSADOR)
        await ambassador.get_started()
        await ambassador.choose("Đồng ý")
        await ambassador.choose("Bỏ qua phần này")
        await ambassador.say(f"/daisu {issued.code}")
        said = "\n".join(m.text for m in await ambassador.say("/moi"))
        code = invite_of(said)
        assert f"• Messenger: https://m.me/{PAGE_USERNAME}?ref={code}" in said

        # A new person opens the link: Meta shows Get Started, whose postback carries the ref.
        hoa = MessengerLearner(page, HOA)
        await hoa.send(referral(page, HOA, "postback_get_started_referral.json", code))
        assert await storage.rows("enrollment") == []  # nothing before consent
        await hoa.choose("Đồng ý")
        assert "Bác đã tham gia theo lời mời của Đại sứ số Phường Ba Đình, Hà Nội" in hoa.said

        # Someone already chatting opens the link: a referral event.
        khanh = MessengerLearner(page, KHANH)
        await khanh.get_started()
        await khanh.choose("Đồng ý")
        await khanh.choose("Bỏ qua phần này")
        await khanh.send(referral(page, KHANH, "referral.json", code))
        assert "Đại sứ số Phường Ba Đình" in khanh.said

        # A referral from somewhere else (an ad, a mistyped link) starts without an invite.
        long = MessengerLearner(page, LONG)
        await long.send(referral(page, LONG, "postback_get_started_referral.json", "not a code!"))
        await long.choose("Đồng ý")

        rows = {row["learner_id"]: row for row in await storage.rows("enrollment")}
        enrolled = {await learner_id(storage, psid) for psid in (HOA, KHANH)}
        assert set(rows) == enrolled
        assert {(row["channel"], row["via"]) for row in rows.values()} == {(CHANNEL, "link")}
