"""Replies in Messenger's shapes, from its capabilities: button templates for a few short
choices, quick replies for more, a numbered list with quick replies "1", "2", … when a label is
too long for one, long texts cut under 2,000 characters, and lesson pictures first."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.channels.messenger.adapter import CHANNEL, event_key, kept, to_inbound
from bot.channels.messenger.render import PICTURE, messages, render_reply
from bot.core import Choice, InputKind, Reply
from tests.messenger.conftest import fixture

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)


def choices(*labels: str) -> tuple[Choice, ...]:
    return tuple(Choice(f"7:answer.{n}", label) for n, label in enumerate(labels))


def test_up_to_three_short_choices_are_buttons_under_the_text() -> None:
    [shown] = messages(Reply("Bác chọn một:", choices("Đồng ý", "Không đồng ý")))
    payload = shown["attachment"]["payload"]
    assert payload["template_type"] == "button" and payload["text"] == "Bác chọn một:"
    assert [(b["type"], b["title"], b["payload"]) for b in payload["buttons"]] == [
        ("postback", "Đồng ý", "7:answer.0"),
        ("postback", "Không đồng ý", "7:answer.1"),
    ]


def test_more_short_choices_or_a_long_text_become_quick_replies() -> None:
    [four] = messages(Reply("Chọn bài:", choices("A1", "A2", "A3", "A4")))
    assert [q["title"] for q in four["quick_replies"]] == ["A1", "A2", "A3", "A4"]
    assert four["text"] == "Chọn bài:" and "attachment" not in four
    long_text = "Một câu dài. " * 60  # over the button template's 640 characters
    [shown] = messages(Reply(long_text, choices("Tiếp tục ▶")))
    assert shown["quick_replies"] == [
        {"content_type": "text", "title": "Tiếp tục ▶", "payload": "7:answer.0"}
    ]


def test_a_label_too_long_for_a_quick_reply_makes_a_numbered_list() -> None:
    labels = ("Cúp máy, gọi lại số đã lưu của cháu", "Chuyển tiền ngay", "Hỏi mã OTP")
    [shown] = messages(Reply("Bác làm gì?", choices(*labels)))
    assert shown["text"] == (
        "Bác làm gì?\n\n1. Cúp máy, gọi lại số đã lưu của cháu\n2. Chuyển tiền ngay\n3. Hỏi mã OTP"
    )
    assert [(q["title"], q["payload"]) for q in shown["quick_replies"]] == [
        ("1", "7:answer.0"),
        ("2", "7:answer.1"),
        ("3", "7:answer.2"),
    ]


def test_more_than_thirteen_choices_are_numbered_with_thirteen_quick_replies() -> None:
    many = choices(*(f"Xã {n}" for n in range(1, 18)))
    [shown] = messages(Reply("Xã của bác?", many))
    assert "17. Xã 17" in shown["text"]
    assert [q["title"] for q in shown["quick_replies"]] == [str(n) for n in range(1, 14)]


def test_long_texts_are_cut_under_2000_characters_with_the_choices_on_the_last() -> None:
    text = "\n\n".join(f"Đoạn {n}: " + "chữ " * 120 for n in range(8))
    shown = messages(Reply(text, choices(*(f"Ý {n}" for n in range(5)))))
    assert len(shown) > 1 and all(len(m["text"]) <= 2000 for m in shown)
    assert [("quick_replies" in m) for m in shown] == [False] * (len(shown) - 1) + [True]


def test_a_lesson_picture_goes_first_as_an_upload_placeholder() -> None:
    reply = Reply("Đây là bảng nhanh.", image="images/quick-panel.svg", alt="Bảng nhanh")
    bodies = render_reply("6783432641705982", reply)
    assert bodies[0][PICTURE] == "images/quick-panel.svg" and bodies[0]["alt"] == "Bảng nhanh"
    assert "message" not in bodies[0]
    assert bodies[1] == {
        "recipient": {"id": "6783432641705982"},
        "messaging_type": "RESPONSE",
        "message": {"text": "Đây là bảng nhanh."},
    }


def test_a_certificate_goes_as_its_picture_by_https_address_with_its_links() -> None:
    reply = Reply("🎓 Chúc mừng bác!", image="certificate/ABCD2345.png")
    bodies = render_reply("1", reply, public_url="https://hocvuso.example.vn")
    picture = bodies[0]["message"]["attachment"]
    assert picture["payload"]["url"] == "https://hocvuso.example.vn/certificate/ABCD2345.png"
    assert "https://hocvuso.example.vn/verify/ABCD2345" in bodies[-1]["message"]["text"]
    plain = render_reply("1", reply, public_url="http://127.0.0.1:8080")
    assert all("attachment" not in body["message"] for body in plain)  # Meta fetches https only


def test_events_read_from_recorded_bodies() -> None:
    def first(name: str) -> dict[str, object]:
        event: dict[str, object] = fixture(name)["entry"][0]["messaging"][0]
        return event

    quick = to_inbound(first("quick_reply.json"), "k", NOW)
    assert quick is not None and (quick.kind, quick.choice_id) == (
        InputKind.CHOICE,
        "1:consent.yes",
    )
    start = to_inbound(first("postback_get_started_referral.json"), "k", NOW)
    assert start is not None and (start.command, start.args) == ("start", ("ABCD2345",))
    menu = to_inbound(first("postback_menu.json"), "k", NOW)
    assert menu is not None and (menu.kind, menu.command) == (InputKind.COMMAND, "tiendo")
    referral = to_inbound(first("referral.json"), "k", NOW)
    assert referral is not None and referral.args == ("ABCD2345",)
    sticker = to_inbound(first("sticker_like.json"), "k", NOW)
    assert sticker is not None and sticker.kind is InputKind.UNSUPPORTED
    text = to_inbound(first("text.json"), "k", NOW)
    assert text is not None and text.channel == CHANNEL and text.received_at.year == 2025
    assert [kept(first(n)) for n in ("echo.json", "delivery.json", "read.json")] == [False] * 3
    # A postback without a mid is keyed by who, when and what: the same again, the same key.
    postback = first("postback_button.json")
    del postback["postback"]["mid"]  # type: ignore[attr-defined]
    assert event_key(postback) == event_key(dict(postback)) and event_key(postback).startswith(
        "pb:"
    )
