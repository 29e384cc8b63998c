"""A real Moodle question bank through `hocvuso content import-gift`, run as an operator runs it
(a subprocess): every GIFT question form of Moodle's documentation, in
`tests/fixtures/gift/moodle_all_forms.gift`, imported or skipped by line, and the result
passing `hocvuso content check`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from quizzes.gift import gift_to_quiz
from quizzes.gift_numeric import MAX_NUMBERS, read_numerical
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
MOODLE = FIXTURES / "gift" / "moodle_all_forms.gift"


def hocvuso(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "content", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the small test course whose lesson A2 has no quiz yet."""
    copy = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", copy)
    (copy / "quizzes" / "A" / "A2.yaml").unlink()
    return copy


def dirs(content: Path) -> list[str]:
    return ["--lessons", str(content / "lessons"), "--quizzes", str(content / "quizzes")]


def test_every_moodle_question_form_imports_and_passes_the_content_check(content: Path) -> None:
    done = hocvuso("import-gift", str(MOODLE), "--lesson", "A2", *dirs(content))
    assert done.returncode == 0, done.stderr
    err = done.stderr
    # Skipped questions are named by line, and say what to do instead.
    assert f"{MOODLE}:17: warning: matching question skipped" in err
    assert f"{MOODLE}:71: warning: matching question skipped" in err
    assert f"{MOODLE}:32: warning: essay question skipped" in err
    assert f"{MOODLE}:96: warning: description skipped" in err
    # Generated feedback is said, with the text the learner will read.
    assert (
        f"{MOODLE}:35: warning: no feedback for options a, b and c; generated “Đáp án đúng " in err
    )
    assert f"{MOODLE}:7: warning: no feedback for the answer Đúng and the answer Sai" in err
    assert "Đáp án đúng là: Đúng" in err
    # What Moodle grades and hocvuso cannot is said too.
    assert f"{MOODLE}:26: warning: the answer 1822:2 earns 50% in Moodle" in err
    assert f"{MOODLE}:81: warning: the right options weigh 100%/50%" in err
    assert "23 questions (4 skipped, see the warnings)" in done.stdout

    written = content / "quizzes" / "A" / "A2.yaml"
    data = yaml.safe_load(written.read_text("utf-8"))
    q = {question["id"]: question for question in data["questions"]}
    assert data["lesson"] == "A2" and data["pass_mark"] == 0.75
    assert len(q) == 23

    # true/false, short and long forms, with and without feedback
    assert q["Q1"] == {
        "id": "Q1",
        "type": "true_false",
        "prompt": "1+1=2",
        "answer": True,
        "feedback_true": "Đáp án đúng là: Đúng",
        "feedback_false": "Đáp án đúng là: Đúng",
    }
    assert q["TF-feedback"]["answer"] is False
    assert q["TF-feedback"]["feedback_false"] == "Right: entombed, not buried."
    assert q["TF-feedback"]["feedback_true"] == "No, he is entombed."
    assert q["TF-feedback"]["feedback"] == "Grant's tomb is a mausoleum."
    assert q["q10"]["answer"] is True and q["q10"]["feedback_false"] == "Đáp án đúng là: Đúng"

    # multiple choice: Moodle's feedback kept, missing feedback generated from the right answer
    assert [(o["text"], o.get("correct", False), o["feedback"]) for o in q["Q2"]["options"]] == [
        ("yellow", True, "right; good!"),
        ("red", False, "wrong, it's yellow"),
        ("blue", False, "wrong, it's yellow"),
    ]
    assert {o["feedback"] for o in q["q7"]["options"]} == {"Đáp án đúng là: no one"}

    # missing word: the gap becomes a blank in the prompt
    assert q["q8"]["prompt"] == "Moodle costs ___ to download, use, modify and distribute."
    assert q["q8"]["type"] == "single"
    assert q["Q3"]["prompt"] == "Two plus ___ equals four." and q["Q3"]["answers"] == ["two", "2"]
    assert q["vi-blank"]["prompt"].startswith("Mã ___ không bao giờ")
    assert q["vi-blank"]["feedback_wrong"] == "Đáp án đúng là: OTP"

    # short answer
    assert q["q11"]["type"] == "short" and q["q11"]["answers"] == ["no one", "nobody"]
    assert q["q11"]["feedback_correct"] == "Đáp án đúng là: no one"

    # multiple answers with weights: positive weights are the right options
    assert q["q12"]["type"] == "multiple"
    assert [o.get("correct", False) for o in q["q12"]["options"]] == [False, True, True, False]
    assert q["weights"]["type"] == "multiple"
    assert [o.get("correct", False) for o in q["weights"]["options"]] == [True, True, False]

    # partial credit in a single-answer question
    assert [o.get("credit") for o in q["partial"]["options"]] == [None, 0.5, None]
    assert q["vi-otp"]["options"][1]["credit"] == 0.5

    # numerical: typed answers, every number within the tolerance
    assert q["Q5"]["type"] == "short" and q["Q5"]["answers"] == ["3", "2", "4", "1", "5"]
    assert q["Q5"]["feedback_wrong"] == "Đáp án đúng là: 3 (sai số ±2)"
    assert q["Q6"]["answers"] == q["Q5"]["answers"]
    assert (
        q["Q7"]["answers"] == ["1822"] and q["Q7"]["feedback_correct"] == "Correct! Full credit."
    )
    pi = q["pi"]
    assert pi["answers"][:2] == ["3.14", "3.140"] and "3.135" in pi["answers"]
    assert "3.134" not in pi["answers"] and "3.146" not in pi["answers"]
    assert pi["feedback_wrong"] == "Pi starts 3.14."

    # escapes, formats, titles
    assert [o["text"] for o in q["q13"]["options"]] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert q["vi-otp"]["prompt"] == (
        'Người lạ gọi điện: "Đọc mã OTP để nhận quà {khuyến mãi}". Bác làm gì?'
    )
    assert q["vi-otp"]["options"][2]["feedback"] == "Không bao giờ đọc OTP # mã PIN cho người lạ."
    assert q["vi-otp"]["feedback"] == "Mã OTP chỉ mình bác biết."
    assert q["md"]["prompt"] == "Who wrote The Lord of the Rings?"
    assert q["html"]["prompt"] == "What is 2 + 2?"
    assert q["plain"]["type"] == q["moodle"]["type"] == "true_false"
    assert [o["text"] for o in q["Kanji-Origin"]["options"]] == ["China", "Korea", "Egypt"]

    check = hocvuso("check", *dirs(content))
    assert check.returncode == 0, check.stderr
    assert "2 quizzes" in check.stdout


def test_a_file_of_only_matching_and_essay_questions_is_refused(
    content: Path, tmp_path: Path
) -> None:
    gift = tmp_path / "nothing.gift"
    gift.write_text(
        "::match::Nối ứng dụng với việc:{\n  =Zalo -> nhắn tin\n  =VNeID -> định danh\n}\n\n"
        "::essay::Bác dùng điện thoại làm gì?{}\n",
        "utf-8",
    )
    done = hocvuso("import-gift", str(gift), "--lesson", "A2", *dirs(content))
    assert done.returncode == 1
    assert f"{gift}:1: matching question skipped" in done.stderr
    assert f"{gift}:6: essay question skipped" in done.stderr
    assert "nothing could be imported" in done.stderr
    assert not (content / "quizzes" / "A" / "A2.yaml").exists()


def test_an_empty_file_says_what_a_question_looks_like(content: Path, tmp_path: Path) -> None:
    gift = tmp_path / "empty.gift"
    gift.write_text("// only a comment\n$CATEGORY: $course$/top\n", "utf-8")
    done = hocvuso("import-gift", str(gift), "--lesson", "A2", *dirs(content))
    assert done.returncode == 1 and "no questions found" in done.stderr


@pytest.mark.parametrize(
    ("body", "answers"),
    [
        ("6", ["6"]),
        ("2,5:0,1", ["2.5", "2.4", "2.6"]),  # a Vietnamese decimal comma
        ("1..3", ["2", "1", "3"]),
        ("1..2", ["1", "2"]),  # no middle number on the grid: the low end first
        ("=10:1 =20", ["10", "9", "11", "20"]),
    ],
)
def test_numbers_within_the_tolerance_are_the_typed_answers(body: str, answers: list[str]) -> None:
    result = read_numerical(body, "moodle")
    assert result.error == "" and result.answers == answers


def test_numerical_answers_that_cannot_be_listed_are_skipped_with_why() -> None:
    assert "too many to list" in read_numerical("100:50", "moodle").error
    assert MAX_NUMBERS < 101
    assert "is not a number" in read_numerical("many", "moodle").error
    negative = read_numerical("-5", "moodle")
    assert negative.answers == ["-5"] and "without their signs" in negative.warnings[0]
    quiz, notes = gift_to_quiz("::n::Bao nhiêu?{#1000:900}", "A2")
    assert quiz is None and notes[0].skipped and notes[0].message.startswith("numerical")
