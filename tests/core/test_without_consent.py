"""Without consent a learner reads lessons and searches the handbook, and nothing about them is
recorded; what keeps results (quizzes, progress, reminders, the certificate, the profile) asks
for consent first, kindly, with the consent buttons."""

from __future__ import annotations

import pytest

from bot.content import load_catalog
from bot.core import DataErased, Mode
from tests.dialog import Dialog, fixture_catalog

CONSENT_BUTTONS = ["Đồng ý", "Không đồng ý", "Lưu những dữ liệu gì?"]
# What a learner without consent may have in the stored state: where they are on screen.
NAVIGATION = {"mode", "locale", "turn", "lesson_id", "module_id", "bubble", "resume", "invite"}
NAVIGATION |= {"handbook_hits", "handbook_entry"}


@pytest.fixture
def declined() -> Dialog:
    dialog = Dialog(fixture_catalog())
    dialog.command("start")
    dialog.tap("Không đồng ý")
    return dialog


def labels(dialog: Dialog) -> list[str]:
    return [label for _id, label in dialog.choices]


def test_declining_leads_to_the_menu_not_a_wall(declined: Dialog) -> None:
    assert "không có thông tin nào của bác được lưu" in declined.said
    assert declined.state.mode is Mode.MENU and not declined.state.consent
    assert labels(declined)[:2] == ["Học bài: Bài thử một", "Tất cả bài học"]
    assert "4 câu hỏi ngắn" not in " ".join(labels(declined))  # the profile needs consent


def test_a_lesson_is_read_to_the_end_and_nothing_is_recorded(declined: Dialog) -> None:
    declined.tap("Học bài")
    declined.tap("Tiếp tục")
    declined.text("tiep tuc")
    assert "Thử ngay" in declined.said
    assert declined.events == []
    state = declined.state
    assert state.read == [] and state.streak.current == 0 and state.last_input_at is None
    assert set(state.model_dump(exclude_defaults=True)) <= NAVIGATION


@pytest.mark.parametrize("step", ["quiz", "/tiendo", "/nhacnho", "/chungnhan", "/hoso", "/ontap"])
def test_what_keeps_results_asks_for_consent_kindly(declined: Dialog, step: str) -> None:
    declined.tap("Học bài")
    declined.tap("Tiếp tục")
    declined.tap("Tiếp tục")
    if step == "quiz":
        declined.tap("Làm bài kiểm tra")
    else:
        declined.text(step)
    assert "cần lưu kết quả của bác, nên bác cần đồng ý trước" in declined.said
    assert "vẫn đọc được mọi bài học và tra sổ tay" in declined.said
    assert declined.state.mode is Mode.CONSENT and labels(declined) == CONSENT_BUTTONS
    assert declined.events == []


def test_declining_again_goes_back_to_the_lesson(declined: Dialog) -> None:
    declined.tap("Học bài")
    declined.tap("Tiếp tục")
    declined.tap("Tiếp tục")
    declined.tap("Làm bài kiểm tra")
    declined.tap("Không đồng ý")
    assert declined.state.mode is Mode.LESSON and "3/3" in declined.said
    assert labels(declined) == ["Làm bài kiểm tra", "Để sau"]


def test_agreeing_from_the_quiz_button_starts_recording(declined: Dialog) -> None:
    declined.tap("Học bài")
    declined.tap("Tiếp tục")
    declined.tap("Tiếp tục")
    declined.tap("Làm bài kiểm tra")
    declined.tap("Đồng ý")
    declined.tap("Bỏ qua phần này")
    declined.tap("Học tiếp")
    declined.tap("Làm bài kiểm tra")
    assert declined.state.mode is Mode.QUIZ and "Câu 1/4" in declined.said


def test_the_handbook_answers_without_consent() -> None:
    declined = Dialog(load_catalog())
    declined.command("start")
    declined.tap("Không đồng ý")
    declined.tap("Sổ tay hỏi đáp")
    assert declined.state.mode is Mode.HANDBOOK
    declined.text("mã OTP là gì")
    assert declined.state.mode is Mode.HANDBOOK_ANSWER and "📖" in declined.said
    assert "đồng ý" not in declined.said
    declined.text("/menu")
    declined.text("cách chuyển tiền bằng mã QR")  # a question typed at the menu
    assert declined.state.mode is Mode.HANDBOOK_ANSWER and "QR" in declined.said
    assert declined.events == []


def test_erasing_works_without_consent(declined: Dialog) -> None:
    declined.text("/xoadulieu")
    declined.tap("Có, xóa")
    assert DataErased() in declined.events
    assert declined.state.mode is Mode.NEW
