"""How the bot addresses the learner: "bác" everywhere by default, "bạn" when a deployment
chooses it (lessons, quizzes, menus, errors, reminders), with "bác sĩ" and names kept."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from babel.messages.pofile import read_po
from pydantic import ValidationError

from bot.address_form import AddressForm, address
from bot.content import load_catalog
from bot.core import InboundMessage, InputKind, Mode, QuestionAnswered
from bot.i18n import LOCALES_DIR
from bot.service import ConversationService
from bot.settings import Settings
from storage import Storage
from tests.conftest import BotProcess, free_port
from tests.dialog import Dialog, fixture_catalog, step_texts
from tests.reminders.world import TODAY, World, reply_of

ROOT = Path(__file__).resolve().parent.parent
BAN = AddressForm.BAN
# "bác" that addresses nobody: the doctor ("bác sĩ"), and the same few words after it.
NOT_ADDRESS = re.compile(r"(?<!\w)[Bb]ác(?= sĩ| ấy)")
BAC_WORD = re.compile(r"(?<!\w)(?:bác|Bác|BÁC)(?!\w)")
# "bạn" that is a friend, not the learner: "bạn bè", "kết bạn", "người bạn", "bạn cùng lớp".
FRIEND = re.compile(r"bạn bè|kết bạn|người bạn|bạn cùng|bạn già|bạn nước ngoài", re.IGNORECASE)
BAN_WORD = re.compile(r"(?<!\w)bạn(?!\w)", re.IGNORECASE)


def addressed_as_bac(text: str) -> list[str]:
    """Every "bác" in `text` that speaks to the learner."""
    return [m.group(0) for m in BAC_WORD.finditer(NOT_ADDRESS.sub("", text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chào bác! Bài này giúp bác làm quen.", "Chào bạn! Bài này giúp bạn làm quen."),
        ("Bác thử ngay: mở Zalo.", "Bạn thử ngay: mở Zalo."),
        ("Tiến độ của bác", "Tiến độ của bạn"),
        ("bác ĐỌC KỸ 2 điều", "bạn ĐỌC KỸ 2 điều"),
        ("BÁC ƠI", "BẠN ƠI"),
        ("Hỏi bác sĩ, dược sĩ trước khi dùng", "Hỏi bác sĩ, dược sĩ trước khi dùng"),
        ("Bác sĩ nói bác nên nghỉ", "Bác sĩ nói bạn nên nghỉ"),
        ("Nhờ bác Tư, hỏi Bác Hồ", "Nhờ bác Tư, hỏi Bác Hồ"),
        ("Cảm ơn bác đã giúp bác ấy học!", "Cảm ơn bạn đã giúp bác ấy học!"),
        ("một người uyên bác; bác bỏ tin đồn", "một người uyên bác; bác bỏ tin đồn"),
        ("gọi điện báo bạn bè", "gọi điện báo bạn bè"),
        ("các bác", "các bạn"),
        ("bácbác", "bácbác"),
    ],
)
def test_the_bac_to_ban_rewrite(text: str, expected: str) -> None:
    assert address(text, BAN) == expected
    assert address(text, AddressForm.BAC) == text


def test_the_setting_takes_either_form_with_or_without_accents() -> None:
    assert Settings().address_form is AddressForm.BAC
    for value in ("bạn", "ban", "BẠN", " Ban "):
        assert Settings(address_form=value).address_form is BAN
    assert Settings(address_form="bac").address_form is AddressForm.BAC
    with pytest.raises(ValidationError, match="bác"):
        Settings(address_form="anh")


# -- the default: "bác" everywhere ----------------------------------------------------------------


def test_the_vietnamese_interface_never_calls_the_learner_ban() -> None:
    with (LOCALES_DIR / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    found = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if BAN_WORD.search(FRIEND.sub("", text or "")):
                found.append(text)
    assert found == []


def test_the_bot_calls_itself_minh_in_either_form() -> None:
    """ "cháu" would pair with "bác" but not with "bạn" (which the rewrite may put in its
    place): the bot is "mình" in both. "con cháu" (grandchildren) is no self-reference."""
    with (LOCALES_DIR / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    found = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if re.search(r"(?i)\bcháu\b", re.sub(r"(?i)con cháu", "", text or "")):
                found.append(text)
    assert found == []


def test_no_ban_in_the_code_or_the_web_chat_page() -> None:
    # The setting and the rewrite name both forms; the matcher and small talk read "bạn" in
    # what learners type.
    allowed = {
        "bot/address_form.py",
        "bot/settings.py",
        "bot/choice_match.py",
        "bot/core/small_talk.py",
    }
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "bot").rglob("*"))
        if path.suffix in (".py", ".html", ".js") and str(path.relative_to(ROOT)) not in allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BAN_WORD.search(FRIEND.sub("", line))
    ]
    assert found == []


# -- a deployment for pupils: "bạn" ---------------------------------------------------------------


def test_every_lesson_quiz_and_handbook_answer_can_say_ban() -> None:
    catalog = load_catalog()
    texts = [text for lesson in catalog.lessons for text in step_texts(lesson)]
    for quiz in catalog.quizzes.values():
        for question in quiz.questions:
            texts += [question.prompt, question.scenario or "", question.feedback or ""]
            texts += [o.text for o in question.options] + [
                o.feedback or "" for o in question.options
            ]
            texts += [question.feedback_true or "", question.feedback_false or ""]
            texts += [question.feedback_correct or "", question.feedback_wrong or ""]
    texts += [e.question + e.answer for e in catalog.handbook.entries]
    assert sum(BAC_WORD.search(text) is not None for text in texts) > 100
    assert [t for t in texts if addressed_as_bac(address(t, BAN))] == []
    # "bác sĩ" stays a doctor.
    assert any("bác sĩ" in address(t, BAN) for t in texts)


class Recorder(Dialog):
    """A dialog that keeps everything the learner was shown."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.shown: list[str] = []

    def _send(self, kind: InputKind, **fields: object) -> tuple:  # type: ignore[type-arg]
        replies = super()._send(kind, **fields)
        for reply in replies:
            self.shown += [reply.text] + [choice.label for choice in reply.choices]
        return replies

    def act(self, action: str) -> None:
        """Tap the choice on screen that runs `action`."""
        [found] = [cid for cid, _label in self.choices if cid.split(":", 1)[1] == action]
        self.choice_id(found)


def take_quiz_until(dialog: Recorder, question_id: str | None = None) -> None:
    """Answer with the first option (or "nguồn") until `question_id` is on screen."""
    while dialog.state.mode is Mode.QUIZ:
        assert dialog.state.quiz is not None and (
            quiz := dialog.catalog.quiz(dialog.state.lesson_id or "")
        )
        if quiz.questions[dialog.state.quiz.index].id == question_id:
            return
        labels = [label for _id, label in dialog.choices]
        if not labels or dialog.last is None or not dialog.last.replies[-1].choices:
            dialog.text("nguồn")
        elif any(label == "Xong" for label in labels):
            dialog.choice_id(dialog.choices[0][0])
            dialog.tap("Xong")
        else:
            dialog.choice_id(dialog.choices[0][0])


def test_a_whole_lesson_its_quiz_and_the_menus_say_ban() -> None:
    dialog = Recorder(load_catalog(), address_form=BAN)
    dialog.command("start")
    assert "Bạn có đồng ý" in dialog.said
    dialog.text("co")
    dialog.act("skip_all")
    dialog.act("selfcheck_skip")  # the shipped self-check's offer: lesson 1
    dialog.read_lesson()
    dialog.act("quiz")
    take_quiz_until(dialog)
    assert dialog.state.mode is Mode.QUIZ_DONE
    for command in ("trogiup", "tiendo", "hoso", "menu", "sotay"):
        dialog.command(command)
    dialog.text("mã OTP")
    dialog.command("xoadulieu")
    dialog.text("khong")
    shown = "\n".join(dialog.shown)
    assert "Chào bạn!" in shown  # the lesson's first bubble
    assert "Bạn muốn làm gì tiếp?" in shown and "của bạn" in shown
    assert [text for text in dialog.shown if addressed_as_bac(text)] == []


def test_a_typed_answer_matches_the_option_as_shown_with_ban() -> None:
    dialog = Recorder(load_catalog(), address_form=BAN)
    dialog.command("start")
    dialog.agree()
    dialog.act("modules")
    dialog.act("module.F")
    dialog.act("lesson.F1")
    dialog.read_lesson()
    dialog.act("quiz")
    take_quiz_until(dialog, "q5")
    assert "Ngày sinh của bạn, ví dụ 15031958" in [label for _id, label in dialog.choices]
    dialog.text("ngay sinh cua ban")
    [answer] = [
        e for e in dialog.events if isinstance(e, QuestionAnswered) and e.question_id == "q5"
    ]
    assert answer.answer == "b"


async def test_the_service_and_the_reminders_say_ban(storage: Storage) -> None:
    service = ConversationService(storage, fixture_catalog(), address_form=BAN)
    start = InboundMessage(
        channel="web",
        user_ref="u1",
        kind=InputKind.COMMAND,
        command="start",
        received_at=service.clock(),
        locale="vi",
    )
    handled = await service.handle(start)
    assert any("Bạn có đồng ý" in reply.text for reply in handled.replies)
    assert "bạn" in service.unavailable_replies("vi")[0].text

    world = World(storage, fixture_catalog())
    learner = await world.learner("801")
    await world.active_on(learner, TODAY)
    for offset in (1, 2, 4, 7):  # the back-off days: a different text each time
        world.clock.set(TODAY + timedelta(days=offset), 19, 0)
        assert (await world.job(address_form=BAN).run()).queued == 1
    texts = [reply_of(row).text for row in await world.reminder_rows(learner)]
    assert len(texts) == 4 and any("bạn" in text for text in texts)
    assert [text for text in texts if addressed_as_bac(text)] == []


async def test_hocvuso_run_with_address_form_ban(sqlite_url: str) -> None:
    """The setting, end to end: the real process, its page and its first answer."""
    server = BotProcess(sqlite_url, free_port(), {"HOCVUSO_ADDRESS_FORM": "ban"}).start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(server.base_url + "/") as response:
                page = await response.text()
            async with http.post(
                f"{server.base_url}/chat/api/send", json={"text": "/start"}
            ) as response:
                replies = (await response.json())["replies"]
    finally:
        server.stop()
    assert "Câu trả lời của bạn vẫn được giữ" in page and "của bác" not in page
    said = "\n".join(reply["text"] for reply in replies)
    assert "Bạn có đồng ý" in said and not addressed_as_bac(said)
