"""The pure contest flow (`bot.core.contest_flow`): the engine given a contest in its context,
timed by the turn's clock only."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core import Context, InboundMessage, InputKind, LearnerState, Mode, handle
from bot.core.context import ContestOffer, ContestStatus
from bot.core.events import ContestAnswered, ContestFinished, ContestStarted
from bot.core.state import Profile
from quizzes.models import Question
from tests.dialog import START, fixture_catalog

QUESTIONS = (
    Question.model_validate(
        {
            "id": "c1",
            "type": "single",
            "prompt": "Ai gọi xin mã OTP thì bác làm gì?",
            "options": [
                {"id": "a", "text": "Không đọc mã", "correct": True},
                {"id": "b", "text": "Đọc mã cho họ"},
            ],
        }
    ),
    Question.model_validate(
        {"id": "c2", "type": "true_false", "prompt": "OTP dùng một lần.", "answer": True}
    ),
)
OFFER = ContestOffer(ContestStatus.OPEN, 7, "Thi thử", START + timedelta(hours=1), 20, QUESTIONS)
CATALOG = fixture_catalog()


def _state() -> LearnerState:
    return LearnerState(
        mode=Mode.MENU, consent=True, profile=Profile(province="01", commune="00004")
    )


def _say(state: LearnerState, text: str, seconds: float, offer: ContestOffer | None = OFFER):
    message = InboundMessage(
        channel="test", user_ref="u", kind=InputKind.TEXT, text=text, received_at=START
    )
    ctx = Context(
        CATALOG, START + timedelta(seconds=seconds), contest=offer, certificate_code=lambda: "K7"
    )
    return handle(state, message, ctx)


def test_a_whole_attempt_with_a_late_answer_and_a_resume() -> None:
    out = _say(_state(), "/thi", 0)
    assert out.state.mode is Mode.CONTEST
    assert isinstance(out.events[0], ContestStarted) and out.events[0].commune == "00004"
    assert "Câu 1/2 · ⏱ 20 giây" in out.replies[-1].text
    assert [c.label for c in out.replies[-1].choices] == ["Không đọc mã", "Đọc mã cho họ"]
    # Typed without accents, 5 s later: right, 5000 ms.
    out = _say(out.state, "khong doc ma", 5)
    assert out.events == (ContestAnswered(7, "c1", True, 5000),)
    assert "Câu 2/2" in out.replies[-1].text
    # Away to the menu and back with /thi after 40 s: question 2's time is up.
    out = _say(out.state, "/menu", 6)
    out = _say(out.state, "/thi", 46)
    assert "Câu 2 đã hết giờ" in out.replies[0].text
    assert out.events[0] == ContestAnswered(7, "c2", False, 20000)
    assert out.events[1] == ContestFinished(7, 1, 25000, "K7")
    assert out.state.mode is Mode.CONTEST_DONE and "Mã chứng nhận tham gia" in out.replies[-1].text


def test_a_late_tap_counts_as_wrong_and_the_grace_allows_a_little() -> None:
    out = _say(_state(), "/thi", 0)
    on_time = _say(out.state, "1", 22.9)  # 20 s and the network's grace
    assert on_time.events[0] == ContestAnswered(7, "c1", True, 20000)
    late = _say(out.state, "1", 23.5)
    assert late.events[0] == ContestAnswered(7, "c1", False, 20000)
    assert "Quá giờ" in late.replies[0].text


def test_refusals_played_closed_no_place_no_consent() -> None:
    played = _say(_state(), "/thi", 0, replace(OFFER, status=ContestStatus.PLAYED))
    assert "Bác đã tham gia “Thi thử” rồi" in played.replies[0].text and not played.events
    nowhere = _say(_state(), "/thi", 0, ContestOffer(ContestStatus.NO_PLACE))
    assert "/hoso" in nowhere.replies[0].text and not nowhere.events
    none = _say(_state(), "/thi", 0, ContestOffer(ContestStatus.NONE))
    assert "Hiện chưa có cuộc thi nào" in none.replies[0].text
    started = _say(_state(), "/thi", 0)
    closed = _say(started.state, "1", 3601 + 3)
    assert "Cuộc thi đã kết thúc" in closed.replies[0].text and not closed.events
    stranger = _say(LearnerState(mode=Mode.MENU), "/thi", 0)
    assert not stranger.events and stranger.state.contest is None
