"""Small talk gets a short friendly answer and the menu, never "not found in the handbook" or
"I didn't catch that"; in the middle of a lesson or quiz the step stays on screen."""

from __future__ import annotations

import pytest

from bot.content import load_catalog
from bot.core import Mode
from bot.core.small_talk import Talk, small_talk
from tests.dialog import Dialog

CATALOG = load_catalog()
NOT_FOUND = "không tìm thấy"
NOT_CAUGHT = "chưa nhận được nội dung"

SAMPLES = {
    Talk.GREETING: ["xin chào", "Xin chao", "chào bạn", "chao", "hi", "Hello!", "alo", "Alo alo"],
    Talk.THANKS: ["cảm ơn", "cam on", "Cảm ơn bạn nhiều nhé", "cám ơn ạ", "thanks", "tks"],
    Talk.NOD: ["ok", "OK!", "oke", "vâng ạ", "dạ", "👍", "👍👍", "😀🎉👍", "❤️"],
    Talk.HELP: ["giúp tôi với", "giup toi voi", "Giúp em với ạ", "cứu tôi với", "giúp mình"],
}


@pytest.mark.parametrize(
    ("talk", "text"), [(talk, text) for talk, texts in SAMPLES.items() for text in texts]
)
def test_the_small_talk_table_reads_variants(talk: Talk, text: str) -> None:
    assert small_talk(text) is talk


@pytest.mark.parametrize(
    "text", ["chuyển tiền qua mã QR", "mã OTP là gì", "cảm ơn là gì trong tiếng Anh", "?", "..."]
)
def test_questions_and_punctuation_are_no_small_talk(text: str) -> None:
    assert small_talk(text) is None


def menu_dialog() -> Dialog:
    dialog = Dialog(CATALOG)
    dialog.command("start")
    dialog.agree()
    return dialog


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("xin chào", "Chào bác!"),
        ("cam on", "không có gì"),
        ("giúp tôi với", "/trogiup"),
        ("👍", "👍"),
        ("ok", "Dạ vâng"),
    ],
)
@pytest.mark.parametrize("where", ["menu", "handbook", "handbook answer"])
def test_small_talk_gets_a_friendly_answer_and_the_menu(
    text: str, answer: str, where: str
) -> None:
    dialog = menu_dialog()
    if where != "menu":
        dialog.text("/sotay")
    if where == "handbook answer":
        dialog.text("mã OTP là gì")
        assert dialog.state.mode is Mode.HANDBOOK_ANSWER
    dialog.text(text)
    assert answer in dialog.replies[0].text
    assert NOT_FOUND not in dialog.said and NOT_CAUGHT not in dialog.said
    assert dialog.state.mode is Mode.MENU and "Tất cả bài học" in [
        label for _id, label in dialog.choices
    ]
    assert dialog.last is not None and dialog.last.events == ()


def test_small_talk_without_consent_gets_the_menu_too() -> None:
    dialog = Dialog(CATALOG)
    dialog.command("start")
    dialog.tap("Không đồng ý")
    dialog.text("cảm ơn")
    assert "không có gì" in dialog.replies[0].text and dialog.state.mode is Mode.MENU


@pytest.mark.parametrize("text", ["ok", "👍", "cảm ơn"])
def test_small_talk_in_a_quiz_keeps_the_question_and_records_nothing(text: str) -> None:
    dialog = menu_dialog()
    dialog.tap("Học bài")
    dialog.skip_selfcheck()
    dialog.read_lesson()
    dialog.tap("Làm bài kiểm tra")
    before = dialog.state.model_copy(deep=True)
    dialog.text(text)
    assert dialog.state == before and dialog.last is not None and dialog.last.events == ()
    assert NOT_CAUGHT not in dialog.said and "Câu 1/" in dialog.said


def test_consent_screen_small_talk_asks_again() -> None:
    dialog = Dialog(CATALOG)
    dialog.command("start")
    dialog.text("xin chào")
    assert "Chào bác!" in dialog.said and dialog.state.mode is Mode.CONSENT
    assert [label for _id, label in dialog.choices][:2] == ["Đồng ý", "Không đồng ý"]
