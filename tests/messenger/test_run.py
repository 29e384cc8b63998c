"""`hocvuso run` with the Messenger channel turned on by its three variables: it sets up the
Page, answers a person, and when it is killed (SIGKILL) while sending an answer, the restarted
process answers the stored message: nothing acknowledged is lost."""

from __future__ import annotations

import asyncio
import signal

from storage import Storage
from tests.conftest import BotProcess, free_port
from tests.fakes.fake_graph import APP_SECRET, PAGE_TOKEN, VERIFY_TOKEN, FakeGraph
from tests.messenger.conftest import fixture, new_mid
from tests.zalo.conftest import inbox_rows

LAN = "6783432641705982"


def text(body_text: str) -> dict[str, object]:
    body = fixture("text.json")
    event = body["entry"][0]["messaging"][0]
    event["message"] |= {"text": body_text, "mid": new_mid()}
    return body


async def test_hocvuso_run_serves_messenger_and_survives_a_kill_mid_answer(
    sqlite_url: str, graph: FakeGraph
) -> None:
    env = {
        "MESSENGER_PAGE_ACCESS_TOKEN": PAGE_TOKEN,
        "MESSENGER_APP_SECRET": APP_SECRET,
        "MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN,
        "MESSENGER_GRAPH_API_BASE_URL": graph.url,
    }
    port = free_port()
    first = await asyncio.to_thread(BotProcess(sqlite_url, port, env).start)
    outputs = []
    try:
        await graph.wait_for(lambda: bool(graph.profile_posts))
        webhook = f"{first.base_url}/messenger/webhook"
        graph.interacted(LAN)
        assert (await graph.post_webhook(webhook, text("/start")))[0] == 200
        await graph.wait_for(lambda: len(graph.messages_to(LAN)) >= 2)
        assert "trợ lý tự động" in graph.messages_to(LAN)[0].text
        answered = len(graph.messages_to(LAN))

        graph.hold()
        assert (await graph.post_webhook(webhook, text("/trogiup")))[0] == 200
        await graph.wait_for(lambda: graph.held == 1)
        assert first.proc is not None
        first.proc.send_signal(signal.SIGKILL)
        outputs.append(await asyncio.to_thread(first.stop))
        graph.release(drop=True)  # the answer never reached Meta

        second = await asyncio.to_thread(BotProcess(sqlite_url, port, env).start)
        try:
            await graph.wait_for(lambda: len(graph.messages_to(LAN)) > answered)
            await asyncio.sleep(0.3)  # time for a second answer to show up, if there were one
            help_texts = [m.text for m in graph.messages_to(LAN)[answered:]]
            assert help_texts and len(help_texts) == len(set(help_texts))
        finally:
            outputs.append(await asyncio.to_thread(second.stop))
    finally:
        outputs.append(await asyncio.to_thread(first.stop))
    storage = Storage.open(sqlite_url)
    try:
        rows = await inbox_rows(storage, "messenger")
        assert len(rows) == 2 and all(row["processed_at"] for row in rows)
    finally:
        await storage.close()
    assert "channel messenger is on" in outputs[1]
    assert "Traceback" not in outputs[1]
