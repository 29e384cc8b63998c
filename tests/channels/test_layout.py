"""Capabilities decide the shape of a reply on every channel: the renderers read them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.channels import layout as shared
from bot.channels.telegram import render as telegram
from bot.channels.webchat import render as webchat
from bot.channels.zalo_bot import render as zalo_bot
from bot.channels.zalo_oa import render as zalo_oa
from bot.core import ChannelCapabilities, Choice, Reply

CHOICES = tuple(Choice(f"4:c{n}", f"Lựa chọn {n}") for n in range(1, 8))
REPLY = Reply("Câu một. Câu hai dài hơn một chút. Câu ba.", CHOICES)


def test_buttons_are_grouped_by_max_buttons_under_the_last_text_bubble() -> None:
    caps = ChannelCapabilities(buttons=True, max_buttons=3, polls=False, max_text=20)
    bubbles = shared.layout(REPLY, caps, more="Thêm:")
    texts = [b.text for b in bubbles]
    assert all(len(t) <= 20 for t in texts) and len(texts) == 5  # 3 text pieces + 2 "Thêm:"
    assert [len(b.choices) for b in bubbles] == [0, 0, 3, 3, 1]
    assert texts[-2:] == ["Thêm:", "Thêm:"]
    assert tuple(c for b in bubbles for c in b.choices) == CHOICES


def test_without_buttons_choices_become_a_numbered_menu() -> None:
    caps = ChannelCapabilities(buttons=False, max_buttons=0, polls=False, max_text=2000)
    [bubble] = shared.layout(Reply("Chọn:", CHOICES[:2]), caps)
    assert bubble.text == "Chọn:\n\n1. Lựa chọn 1\n2. Lựa chọn 2" and not bubble.choices


def test_ids_too_long_for_the_platform_are_left_out() -> None:
    caps = ChannelCapabilities(
        buttons=True, max_buttons=10, polls=False, max_text=100, max_choice_id_bytes=5
    )
    [bubble] = shared.layout(Reply("x", (Choice("1:ab", "ok"), Choice("1:abcdef", "no"))), caps)
    assert [c.id for c in bubble.choices] == ["1:ab"]


def test_every_renderer_follows_the_capabilities_it_is_given() -> None:
    narrow = ChannelCapabilities(buttons=True, max_buttons=2, polls=False, max_text=25)
    units = telegram.render(REPLY, Path("."), narrow)
    assert all(len(u.text or "") <= 25 for u in units)
    assert [len(u.keyboard.inline_keyboard) for u in units if u.keyboard] == [2, 2, 2, 1]
    messages = zalo_oa.render_reply("9", REPLY, "vi", narrow)
    buttons = [m["message"]["attachment"]["payload"]["buttons"] for m in messages[-4:]]
    assert [len(b) for b in buttons] == [2, 2, 2, 1]
    texts = zalo_bot.render_reply(REPLY, replace(zalo_bot.CAPABILITIES, max_text=30))
    assert len(texts) > 2 and all(len(t) <= 30 for t in texts) and "7. Lựa chọn 7" in texts[-1]


def test_each_channel_declares_the_capabilities_its_renderer_reads() -> None:
    from bot.channels.telegram.channel import TelegramChannel
    from bot.channels.webchat import WebChatChannel
    from bot.channels.zalo_bot.channel import ZaloBotChannel
    from bot.channels.zalo_oa.channel import ZaloOAChannel

    assert TelegramChannel.capabilities is telegram.CAPABILITIES
    assert WebChatChannel.capabilities is webchat.CAPABILITIES
    assert ZaloBotChannel.capabilities is zalo_bot.CAPABILITIES
    assert ZaloOAChannel.capabilities is zalo_oa.CAPABILITIES
    assert zalo_oa.CAPABILITIES.proactive_window is not None  # the 7-day window
    assert not zalo_bot.CAPABILITIES.buttons  # numbered menus
