"""GIFT exchange with Moodle: every feature round-trips, questions hocvuso cannot ask are
skipped by line, and every shipped quiz exports and imports back unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_catalog
from quizzes import Quiz
from quizzes.gift import gift_to_quiz, parse_gift
from quizzes.gift_export import escape, quiz_to_gift
from quizzes.loader import quiz_yaml, read_quiz

CATALOG = load_catalog()

# Every feature of GIFT hocvuso reads, written the way a Moodle author might.
EVERY_FEATURE = r"""// A quiz written by hand for Moodle.
// hocvuso: pass_mark=0.8
$CATEGORY: $course$/Bình dân học vụ số

::Câu 1 – OTP::Ai được biết mã OTP của bác?{
    =Không ai cả#Đúng rồi\! OTP chỉ mình bác biết.
    ~%50%Con cháu trong nhà#Gần đúng\: người nhà cũng không nên biết.
    ~Nhân viên ngân hàng#Ngân hàng không bao giờ hỏi OTP.
    ####Nhớ\: không đưa OTP cho ai.
}

// True/false, short form, with both feedbacks (wrong first, then right).
::tf1:: Công an gọi điện để cập nhật VNeID.{F#Chưa đúng\: công an không gọi điện.
    #Đúng rồi\: đó là lừa đảo.}

::tf2::Mã QR có thể bị dán đè.{TRUE#Có thể đấy.#Đúng rồi.}

::multi::Dấu hiệu lừa đảo? (chọn tất cả ý đúng){
    ~%50%Giục chuyển tiền gấp#Đúng.
    ~%50%Đòi mã OTP#Đúng.
    ~%-100%Gọi từ số quen#Số quen thì ít rủi ro hơn.
}

::short::Tệp cài ứng dụng lạ có đuôi gì?{=apk#Chính xác\! =.apk#Chính xác\! =%0%*#Đó là tệp .apk.}

::escapes::Ký tự đặc biệt\: \{ngoặc\} \= \~ \# và \\ xuống dòng\nhết.{
    =Đáp án \= đúng#Phản hồi có \# dấu thăng
    ~Sai \~ rồi#Không phải.
}

::html::[html]<p>Chữ <b>đậm</b> &amp; dòng mới<br>tiếp</p>{=<i>Có</i>#[html]<b>Đúng</b> ~Không#Sai}
"""

UNSUPPORTED = """\
::ok::Câu hợp lệ.{T#Sai.#Đúng.}

::match::Nối:{=Zalo -> nhắn tin =VNeID -> định danh}

::num::Bao nhiêu số trong OTP?{#6}

::essay::Viết cảm nghĩ.{}

::missing::Mã {=OTP ~PIN} không đưa cho ai.

Chỉ là một đoạn mô tả, không có câu hỏi.

::broken::Thiếu ngoặc {=a ~b
"""


def test_every_gift_feature_imports_with_its_meaning() -> None:
    quiz, problems = gift_to_quiz(EVERY_FEATURE, "F1")
    assert problems == [] and quiz is not None
    assert quiz.pass_mark == 0.8  # from the `// hocvuso:` comment
    q = {question.id: question for question in quiz.questions}
    assert list(q) == ["q1", "tf1", "tf2", "multi", "short", "escapes", "html"]  # bad titles: qN

    single = q["q1"]
    assert single.type == "single" and [o.id for o in single.options] == ["a", "b", "c"]
    assert [o.correct for o in single.options] == [True, False, False]
    assert single.options[1].credit == 0.5 and single.options[2].credit is None
    assert single.options[0].feedback == "Đúng rồi\\! OTP chỉ mình bác biết."
    assert single.options[1].feedback == "Gần đúng: người nhà cũng không nên biết."
    assert single.feedback == "Nhớ: không đưa OTP cho ai."

    tf1 = q["tf1"]
    assert tf1.type == "true_false" and tf1.answer is False
    assert tf1.feedback_false == "Đúng rồi: đó là lừa đảo."  # the right answer is "false"
    assert tf1.feedback_true == "Chưa đúng: công an không gọi điện."
    assert tf1.prompt == "Công an gọi điện để cập nhật VNeID."
    assert q["tf2"].answer is True and q["tf2"].feedback_true == "Đúng rồi."
    assert q["tf2"].feedback_false == "Có thể đấy."

    multi = q["multi"]
    assert multi.type == "multiple" and [o.correct for o in multi.options] == [True, True, False]

    short = q["short"]
    assert short.type == "short" and short.answers == ["apk", ".apk"]
    assert short.feedback_correct == "Chính xác\\!" and short.feedback_wrong == "Đó là tệp .apk."

    escapes = q["escapes"]
    assert escapes.prompt == "Ký tự đặc biệt: {ngoặc} = ~ # và \\ xuống dòng\nhết."
    assert escapes.options[0].text == "Đáp án = đúng"
    assert escapes.options[0].feedback == "Phản hồi có # dấu thăng"
    assert escapes.options[1].text == "Sai ~ rồi"

    html = q["html"]
    assert html.prompt == "Chữ đậm & dòng mới\ntiếp" and html.options[0].text == "Có"
    assert html.options[0].feedback == "Đúng"


def test_gift_with_every_feature_imports_exports_and_imports_to_the_same_quiz() -> None:
    first, problems = gift_to_quiz(EVERY_FEATURE, "F1")
    assert first is not None, problems
    again, problems = gift_to_quiz(quiz_to_gift(first), "F1")
    assert problems == [] and again == first


def test_questions_hocvuso_cannot_ask_are_skipped_by_line_and_the_rest_imported() -> None:
    document = parse_gift(UNSUPPORTED)
    reported = {problem.line: problem.message for problem in document.problems}
    assert reported[3].startswith("matching question skipped")
    assert reported[7].startswith("essay question skipped")
    assert reported[11].startswith("description skipped")
    assert "{" in reported[13] and "}" in reported[13]
    assert all(problem.skipped for problem in document.problems)
    # Numerical and missing-word questions are imported (see tests/content/test_gift_moodle.py).
    assert [question.data["id"] for question in document.questions] == ["ok", "num", "missing"]
    quiz, problems = gift_to_quiz(UNSUPPORTED, "F1")
    assert quiz is not None and [q.id for q in quiz.questions] == ["ok", "num", "missing"]
    assert [p.line for p in problems if p.skipped] == [3, 7, 11, 13]


def test_notes_name_the_line_of_the_option() -> None:
    text = "::q1::Câu hỏi?{\n  =Đúng#Vì vậy.\n  ~Sai không có phản hồi\n}\n"
    quiz, problems = gift_to_quiz(text, "F1")
    assert quiz is not None and quiz.questions[0].options[1].feedback == "Đáp án đúng là: Đúng"
    assert [(p.line, "no feedback for option b" in p.message) for p in problems] == [(1, True)]
    long_option = "::q1::Câu hỏi?{\n=ok#fb\n~" + "x" * 120 + "#fb\n}"
    quiz, problems = gift_to_quiz(long_option, "F1")
    assert quiz is None and problems[0].line == 3 and problems[0].skipped
    assert "too long for a button" in problems[0].message
    assert "nothing could be imported" in problems[-1].message


def test_short_answers_gift_cannot_map_are_reported() -> None:
    _quiz, problems = gift_to_quiz("::s::Gõ?{=apk =%50%ap =a*k}", "F1")
    messages = " ".join(problem.message for problem in problems)
    assert "partial credit (50%)" in messages and "wildcard" in messages


@pytest.mark.parametrize(
    ("gift", "expected"),
    [
        ("::t::Câu?{T}", {"type": "true_false", "answer": True}),
        ("::t::Câu?{FALSE}", {"type": "true_false", "answer": False}),
        ("::t::Câu?{=a =b}", {"type": "short", "answers": ["a", "b"]}),
        ("::t::Câu?{nobody}", {"type": "short", "answers": ["nobody"]}),
        ("::E2-q7::Câu?{=a ~b}", {"type": "single", "id": "q7"}),
        ("::t::Câu?{~%100%a ~b}", {"type": "multiple"}),
        ("Không có tiêu đề?{=a ~b}", {"type": "single", "id": "q1"}),
    ],
)
def test_question_forms(gift: str, expected: dict[str, object]) -> None:
    question = parse_gift(gift).questions[0]
    gift_to_quiz(gift, "F1")  # assigns the id
    for key, value in expected.items():
        assert question.data[key] == value


def test_escape_covers_every_reserved_character() -> None:
    assert escape("a:b#c=d~e{f}g\\h\ni") == "a\\:b\\#c\\=d\\~e\\{f\\}g\\\\h\\ni"
    text = "::q::" + escape("x:#=~{}\\\ny") + "{T}"
    assert parse_gift(text).questions[0].data["prompt"] == "x:#=~{}\\\ny"


def test_hocvuso_only_fields_survive_the_trip() -> None:
    quiz = Quiz.model_validate(
        {
            "lesson": "F3",
            "pass_mark": 0.6,
            "questions": [
                {
                    "id": "d1",
                    "type": "single",
                    "drill": True,
                    "scenario": "Tin nhắn: 'NH thong bao: tai khoan bi khoa'\nGọi lại ngay!\n",
                    "prompt": "Lừa đảo hay không?",
                    "feedback": "Ngân hàng không gửi link.",
                    "options": [
                        {"id": "x", "text": "Lừa đảo", "correct": True, "feedback": "Đúng."},
                        {"id": "y", "text": "Không", "credit": 0.25, "feedback": "Chưa."},
                    ],
                },
                {
                    "id": "m",
                    "type": "multiple",
                    "prompt": "Chọn hết?",
                    "options": [
                        {"id": "a", "text": "1", "correct": True, "feedback": "Có."},
                        {"id": "b", "text": "2", "correct": True, "feedback": "Có."},
                        {"id": "c", "text": "3", "correct": True, "feedback": "Có."},
                        {"id": "d", "text": "4", "feedback": "Không."},
                    ],
                },
                {
                    "id": "s",
                    "type": "short",
                    "prompt": "Gõ?",
                    "answers": ["một", "1"],
                    "feedback_correct": "Đúng.",
                    "feedback_wrong": "Sai.",
                    "feedback": "Xem lại bài.",
                },
            ],
        }
    )
    gift = quiz_to_gift(quiz)
    assert "~%33.33333%1" in gift and "~%-33.33333%4" in gift and "~%25%Không" in gift
    back, problems = gift_to_quiz(gift, "F3")
    assert problems == [] and back == quiz


@pytest.mark.parametrize("lesson_id", sorted(CATALOG.quizzes))
def test_every_shipped_quiz_exports_and_imports_back_unchanged(lesson_id: str) -> None:
    quiz = CATALOG.quizzes[lesson_id]
    back, problems = gift_to_quiz(quiz_to_gift(quiz), lesson_id)
    assert problems == [] and back == quiz
    yaml_text = quiz_yaml(quiz)  # and the YAML the importer writes reads back the same
    assert "pass_mark" in yaml_text


def test_cli_export_then_import_writes_the_same_quiz(tmp_path: Path, capsys) -> None:
    gift = tmp_path / "E2.gift"
    assert main(["content", "export-gift", "--lesson", "E2", "-o", str(gift)]) == 0
    assert main(["content", "export-gift", "--lesson", "E2"]) == 0
    assert capsys.readouterr().out.endswith(gift.read_text("utf-8"))

    quizzes = tmp_path / "quizzes"
    args = ["content", "import-gift", str(gift), "--lesson", "E2", "--quizzes", str(quizzes)]
    assert main(args) == 0
    written = quizzes / "E" / "E2.yaml"
    loaded, problems = read_quiz(written)
    assert problems == [] and loaded is not None and loaded.item == CATALOG.quizzes["E2"]

    assert main(args) == 1  # exists: refused without --force, the file is kept
    assert "--force" in capsys.readouterr().err
    edited = gift.read_text("utf-8").replace("=Không tự chuyển;", "=Không tự chuyển đi;")
    gift.write_text(edited, "utf-8")
    assert main([*args, "--force", "--pass-mark", "0.5"]) == 0
    loaded, _ = read_quiz(written)
    assert loaded is not None and loaded.item.pass_mark == 0.5
    assert loaded.item.questions[0].options[0].text.startswith("Không tự chuyển đi;")


def test_cli_import_validates_before_writing(tmp_path: Path, capsys) -> None:
    gift = tmp_path / "bad.gift"
    gift.write_text("::q1::Viết cảm nghĩ.{}\n\n::q2::Nối{=a -> b =c -> d =e -> f}\n", "utf-8")
    quizzes = tmp_path / "quizzes"
    args = ["content", "import-gift", str(gift), "--lesson", "A1", "--quizzes", str(quizzes)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"{gift}:1: essay question skipped" in err
    assert f"{gift}:3: matching question skipped" in err
    assert "nothing could be imported" in err
    assert not quizzes.exists()

    gift.write_text("::q1::Câu?{T#Sai.#Đúng.}\n", "utf-8")
    assert main([*args[:-4], "--lesson", "Z9", "--quizzes", str(quizzes)]) == 1
    assert "there is no lesson Z9" in capsys.readouterr().err
    assert main(["content", "export-gift", "--lesson", "Z9"]) == 1
