"""/trogiup names people who help (the commune's community digital technology team) and the
free hotlines exactly as the lessons teach them; after /xoadulieu a button starts again."""

from __future__ import annotations

import re

from bot.content import load_catalog
from bot.core import Mode
from lessons.models import LESSONS_DIR
from tests.dialog import Dialog, fixture_catalog


def test_help_names_the_community_team_and_the_hotlines() -> None:
    dialog = Dialog(load_catalog())
    dialog.command("start")
    dialog.text("/trogiup")  # open before consent too
    said = dialog.said
    assert "Tổ công nghệ số cộng đồng" in said
    assert "soạn tin “LD [số điện thoại lừa đảo]” gửi 156" in said  # the lessons' one wording
    assert "5656" not in said
    assert "111" in said and "113" in said
    assert dialog.state.mode is Mode.CONSENT  # the help shows where the learner is


def test_every_number_in_the_help_is_taught_in_a_lesson() -> None:
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    dialog.text("/trogiup")
    lessons = " ".join(path.read_text(encoding="utf-8") for path in LESSONS_DIR.glob("*/*.yaml"))
    numbers = set(re.findall(r"\b\d{3,}\b", dialog.said))
    assert numbers == {"156", "111", "113"}
    assert all(re.search(rf"\b{number}\b", lessons) for number in numbers), numbers
    assert "Tổ công nghệ số cộng đồng" in lessons


def test_help_names_the_contest_and_family_commands() -> None:
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    dialog.text("/trogiup")
    assert "/thi cuộc thi" in dialog.said and "/giadinh gia đình" in dialog.said
    dialog.text("/ngonngu")
    dialog.tap("English")
    dialog.text("/help")
    assert "/thi contest, /giadinh your family" in dialog.said


def test_after_erasing_a_button_starts_again() -> None:
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    dialog.agree()
    dialog.text("/ngonngu")
    dialog.tap("English")
    dialog.text("/xoadulieu")
    dialog.tap("Yes, delete my data")
    assert dialog.state.mode is Mode.NEW
    assert [label for _id, label in dialog.choices] == ["Start again"]
    dialog.tap("Start again")
    assert "Hello! I am Học vụ số" in dialog.said  # the first contact, in the chosen language
    assert dialog.state.mode is Mode.CONSENT and dialog.state.locale == "en"


def test_after_erasing_in_vietnamese_the_button_says_bat_dau_lai() -> None:
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    dialog.tap("Không đồng ý")
    dialog.text("/xoadulieu")
    dialog.tap("Có, xóa")
    dialog.tap("Bắt đầu lại")
    assert dialog.replies[0].text.startswith("Xin chào bác!") and "Học vụ số" in dialog.said
    assert [label for _id, label in dialog.choices][:2] == ["Đồng ý", "Không đồng ý"]
