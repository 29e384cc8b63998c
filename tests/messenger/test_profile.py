"""The Page's Messenger Profile at start-up: the Get Started button, the greeting and the
persistent menu in Vietnamese (Meta's "default") and English, set only where they differ; and
the settings that turn the channel on."""

from __future__ import annotations

import pytest

from bot.content import Catalog
from bot.errors import ConfigurationError
from bot.settings import load_settings
from storage import Storage
from tests.fakes.fake_graph import FakeGraph
from tests.fakes.fake_zalo import Clock
from tests.messenger.conftest import MessengerLearner, running_messenger

LAN = "6783432641705982"


async def test_the_profile_is_set_once_and_only_what_differs_later(
    sqlite_storage: Storage, a1_catalog: Catalog, graph: FakeGraph, clock: Clock
) -> None:
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock):
        pass
    [first] = graph.profile_posts
    assert first["get_started"] == {"payload": "GET_STARTED"}
    greetings = {g["locale"]: g["text"] for g in first["greeting"]}
    assert set(greetings) == {"default", "en_US"}
    assert "trợ lý tự động" in greetings["default"]
    assert "automated assistant" in greetings["en_US"]
    menus = {m["locale"]: m["call_to_actions"] for m in first["persistent_menu"]}
    assert [a["title"] for a in menus["default"]] == [
        "Menu",
        "Tiến độ của tôi",
        "Sổ tay",
        "Trợ giúp",
        "Đổi ngôn ngữ",
    ]
    assert [a["payload"] for a in menus["en_US"]] == [a["payload"] for a in menus["default"]]
    assert menus["en_US"][1]["title"] == "My progress"

    async with running_messenger(sqlite_storage, a1_catalog, graph, clock):
        pass
    assert len(graph.profile_posts) == 1  # a restart rewrites nothing

    graph.profile["greeting"] = [{"locale": "default", "text": "Chào mừng!"}]  # edited by hand
    async with running_messenger(sqlite_storage, a1_catalog, graph, clock) as page:
        # Each menu item works: it is a command.
        lan = MessengerLearner(page, LAN)
        await lan.get_started()
        for action in menus["default"]:
            await lan.send(page.postback(LAN, action["title"], action["payload"]))
            assert lan.last, action
    assert list(graph.profile_posts[-1]) == ["greeting"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"MESSENGER_PAGE_ACCESS_TOKEN": "t"}, "MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN"),
        ({"MESSENGER_APP_SECRET": "s", "MESSENGER_VERIFY_TOKEN": "v"}, "missing MESSENGER_PAGE"),
        (
            {
                "MESSENGER_PAGE_ACCESS_TOKEN": "t",
                "MESSENGER_APP_SECRET": "s",
                "MESSENGER_VERIFY_TOKEN": "v",
                "MESSENGER_API_VERSION": "25",
            },
            "Graph API version such as v25.0",
        ),
    ],
)
def test_incomplete_settings_say_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, given: dict[str, str], message: str
) -> None:
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        load_settings(_env_file=None)
