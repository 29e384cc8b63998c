"""Reply JSON: `to_json` and `from_json` / `replies_from_json` are each other's inverse, and the
decoder reads every shape the bot stores (processed-message responses, outbox payloads)."""

from __future__ import annotations

import json

from bot.core import Choice, Reply, ReplyKind
from bot.core.messages import replies_from_json

REPLIES = (
    Reply("Xin chào"),
    Reply("Chọn một", (Choice("3:yes", "Đồng ý"), Choice("3:no", "Không"))),
    Reply("Ảnh", image="m1/l1/phone.png"),
    Reply("Hình vẽ", image="images/phone-buttons.svg", alt="Điện thoại và nút nguồn."),
    Reply("Nhắc học", (Choice("4:menu", "Menu"),), kind=ReplyKind.REMINDER),
)


def test_a_reply_survives_its_json() -> None:
    for reply in REPLIES:
        assert Reply.from_json(json.loads(json.dumps(reply.to_json()))) == reply
    assert "kind" not in Reply("a").to_json()  # the web chat API shape is unchanged


def test_every_stored_shape_is_read() -> None:
    stored = json.loads(json.dumps([reply.to_json() for reply in REPLIES]))
    assert replies_from_json(stored) == REPLIES
    assert replies_from_json({"replies": stored}) == REPLIES
    assert replies_from_json(stored[1]) == (REPLIES[1],)


def test_what_is_not_a_reply_is_skipped() -> None:
    assert replies_from_json({"replies": [{"text": "a"}, {"bad": 1}, "x", {"text": "b"}]}) == (
        Reply("a"),
        Reply("b"),
    )
    assert replies_from_json({"nothing": True}) == ()
    assert replies_from_json({"replies": "text"}) == ()
    assert replies_from_json(None) == ()
    odd = {"text": "t", "choices": [{"id": 1, "label": "one"}, {"id": "x"}], "kind": "?"}
    assert Reply.from_json(odd) == Reply("t", (Choice("1", "one"),))


def test_alt_text_goes_only_with_a_picture() -> None:
    assert "alt" not in Reply("Chữ", alt="lạc chỗ").to_json()
    assert Reply.from_json({"text": "Chữ", "alt": "lạc chỗ"}) == Reply("Chữ")
