"""The house rules of the second edition (`lessons/rules/`), each on a small broken copy.

Every case breaks one rule in the valid copy of `test_content_check` and expects the problem at
the exact `file:line: field:` with a message that says what to write instead; the correct
teaching next to each rule must pass.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lessons.models import LESSONS_DIR
from lessons.rules import read_glossary, read_misleading
from quizzes.gift import gift_to_quiz
from tests.content.test_content_check import FILES, PNG, check, edit, line, write

A1 = "lessons/A/A1.yaml"
A2 = "lessons/A/A2.yaml"
QUIZ_A1 = "quizzes/A/A1.yaml"
QUIZ_A2 = "quizzes/A/A2.yaml"
HANDBOOK = "lessons/handbook.yaml"
MODULES = "lessons/modules.yaml"
# A lesson with every kind of step: text, check (prompt, options, feedback), try, try_it.
STEPS = """\
bubbles:
  - "Mở Cài đặt, tìm cỡ chữ."
  - check:
      prompt: "Chữ nhỏ quá. Bác làm gì?"
      options:
        - text: "Kéo thanh trượt sang phải"
          correct: true
          feedback: "Đúng rồi: chữ to lên."
        - text: "Đeo kính râm"
          feedback: "Chưa đúng: kéo thanh trượt sang phải."
  - try: "Bác thử ngay: kéo thanh trượt."
  - "Thấy vừa mắt thì dừng."
try_it: "Bác thử ngay: mở một tin nhắn xem chữ đã to chưa."
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The valid copy of `test_content_check`, its lesson A2 made of every kind of step."""
    for name, text in FILES.items():
        write(tmp_path, name, text)
    (tmp_path / "lessons" / "images").mkdir()
    (tmp_path / "lessons" / "images" / "a1.png").write_bytes(PNG)
    bubbles = FILES[A2][FILES[A2].index("bubbles:") : FILES[A2].index("sources:")]
    edit(tmp_path, A2, bubbles, STEPS)
    return tmp_path


def say(text: str) -> Callable[[Path], None]:
    """A break: the last text bubble of lesson A2 says `text`."""

    def breaks(root: Path) -> None:
        edit(root, A2, "Thấy vừa mắt thì dừng.", text)

    return breaks


def replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def breaks(root: Path) -> None:
        edit(root, name, old, new)

    return breaks


def test_the_valid_copy_with_every_kind_of_step_passes(content: Path) -> None:
    assert check(content) == []


Case = tuple[Callable[[Path], None], str, str, int, str]
LONG = "Chữ to dễ đọc. " * 21  # 315 characters once trimmed
CASES: dict[str, Case] = {
    # 1. lesson steps of at most 300 characters
    "step: a text bubble": (
        say(LONG),
        A2,
        "Chữ to dễ đọc.",
        1,
        "bubbles.3: too long for a lesson step: 314 characters, at most 300; split it",
    ),
    "step: a check prompt": (
        replace(A2, "Chữ nhỏ quá. Bác làm gì?", LONG),
        A2,
        "Chữ to dễ đọc.",
        1,
        "bubbles.1.check.prompt: too long for a lesson step: 314",
    ),
    "step: a check option's feedback": (
        replace(A2, "Chưa đúng: kéo thanh trượt sang phải.", LONG),
        A2,
        "Chữ to dễ đọc.",
        1,
        "bubbles.1.check.options.1.feedback: too long for a lesson step",
    ),
    "step: a try": (
        replace(A2, "Bác thử ngay: kéo thanh trượt.", LONG),
        A2,
        "Chữ to dễ đọc.",
        1,
        "bubbles.2.try: too long for a lesson step",
    ),
    "step: try_it": (
        replace(A2, "Bác thử ngay: mở một tin nhắn xem chữ đã to chưa.", LONG),
        A2,
        "Chữ to dễ đọc.",
        1,
        "try_it: too long for a lesson step",
    ),
    "step: a text bubble with a picture": (
        replace(A1, "Hai nút âm lượng ở gần đó.", LONG),
        A1,
        "Chữ to dễ đọc.",
        1,
        "bubbles.1.text: too long for a lesson step",
    ),
    # 2. a check or a try at least after every three text bubbles
    "four text bubbles in a row": (
        replace(A1, '  - "Chạm nhẹ để mở."\n', '  - "Chạm nhẹ để mở."\n  - "Vuốt để xem tiếp."\n'),
        A1,
        "Vuốt để xem tiếp.",
        1,
        "bubbles.3: 4 text bubbles in a row (bubbles.0 to bubbles.3) without a `check` or a "
        "`try`: after at most 3, ask a quick question (`check:`",
    ),
    # 3. no legal numbers
    "legal number in a bubble": (
        say("Theo Thông tư 17/2024/TT-NHNN, từ ngày 1/1/2025 phải xác thực."),
        A2,
        "Thông tư",
        1,
        "bubbles.3: legal document number 'Thông tư 17/2024/TT-NHNN' in text a learner reads: "
        "say it plainly ('quy định mới của ngân hàng', 'từ ngày 1/1/2026') and cite the "
        "document (title and url) in the lesson's `sources`",
    ),
    "legal number in a lesson title": (
        replace(A2, 'title: "Chữ to"', 'title: "Chữ to theo QĐ 874/QĐ-BTTTT"'),
        A2,
        "title:",
        1,
        "title: legal document number 'QĐ 874/QĐ-BTTTT'",
    ),
    "legal number in quiz feedback": (
        replace(QUIZ_A2, "Chưa đúng: chữ to dễ đọc hơn.", "Xem Nghị định 13/2023/NĐ-CP."),
        QUIZ_A2,
        "Nghị định",
        1,
        "questions.0.feedback_false: legal document number 'Nghị định 13/2023/NĐ-CP'",
    ),
    "legal number in the handbook": (
        replace(HANDBOOK, "kéo thanh trượt sang phải.", "theo Luật số 91/2025/QH15."),
        HANDBOOK,
        "Luật số",
        1,
        "entries.1.answer: legal document number 'Luật số 91/2025/QH15'",
    ),
    "legal number in a module title": (
        replace(MODULES, '"Tìm kiếm thông tin"', '"Tìm kiếm thông tin (TT 02/2025)"'),
        MODULES,
        "TT 02/2025",
        1,
        "modules.1.title: legal document number 'TT 02/2025'",
    ),
    # 4. house words
    "word: tắt máy": (
        say("Xong thì tắt máy."),
        A2,
        "tắt máy",
        1,
        "bubbles.3: 'tắt máy' is not a house word: write 'cúp máy' for hanging up a call and "
        "'tắt nguồn' for switching the phone off",
    ),
    "word: nhấn": (
        replace(QUIZ_A1, 'text: "Nút nguồn"', 'text: "Nhấn nút nguồn"'),
        QUIZ_A1,
        "Nhấn nút",
        1,
        "questions.0.options.0.text: 'Nhấn' is not a house word: write 'chạm' for touching "
        "the screen ('chạm nút Gửi'), and 'bấm' only for the physical buttons",
    ),
    "word: bấm vào, inside a | text": (
        replace(
            HANDBOOK,
            'answer: "Mở Cài đặt, gõ',
            "answer: |\n      Mở Cài đặt,\n      rồi bấm vào ô tìm kiếm, gõ",
        ),
        HANDBOOK,
        "bấm vào",
        1,
        "entries.1.answer: 'bấm vào' is not a house word",
    ),
    "word: click": (say("Click vào chữ Lưu."), A2, "Click", 1, "bubbles.3: 'Click' is not a"),
    # 5. jargon explained at first use
    "jargon: first use not explained": (
        say("Không đọc mã OTP cho ai. Mã OTP (mã số) là bí mật."),
        A2,
        "mã OTP",
        1,
        "bubbles.3: 'OTP' is used for the first time in this lesson without an explanation: "
        "write it followed by one in brackets, e.g. 'OTP (mã số ngân hàng gửi qua tin nhắn, "
        "chỉ dùng một lần)', or by ' là …'",
    ),
    "jargon: first use in a check, explained later": (
        replace(A2, "Chữ nhỏ quá. Bác làm gì?", "Thẻ CCCD chữ nhỏ quá. Bác làm gì?"),
        A2,
        "Thẻ CCCD",
        1,
        "bubbles.1.check.prompt: 'CCCD' is used for the first time in this lesson",
    ),
    # 6. drills that give the answer away
    "drill: lừa đảo in the scenario": (
        replace(QUIZ_A1, "May ban se bi khoa, bam link", "Canh bao: tin lừa đảo, bam link"),
        QUIZ_A1,
        "Canh bao",
        1,
        "questions.1.scenario: 'lừa đảo' in a drill's scenario gives the answer away: write "
        "the message as its sender would",
    ),
    "drill: gia mao typed without accents": (
        replace(QUIZ_A1, "May ban se bi khoa", "Trang gia mao se khoa may"),
        QUIZ_A1,
        "gia mao",
        1,
        "questions.1.scenario: 'gia mao' in a drill's scenario",
    ),
    # 7. the same prompt twice in the course, reported at both places
    "duplicate prompt: the second place": (
        replace(QUIZ_A2, "Chữ to giúp dễ đọc.", "muon bat may bac bam nut nao"),
        QUIZ_A2,
        "muon bat may",
        1,
        "questions.0.prompt: the same question is asked at {root}/quizzes/A/A1.yaml:7 "
        "(questions.0.prompt)",
    ),
    "duplicate prompt: the first place": (
        replace(QUIZ_A2, "Chữ to giúp dễ đọc.", "MUỐN BẬT MÁY,  BÁC BẤM NÚT NÀO"),
        QUIZ_A1,
        "Muốn bật máy",
        1,
        "questions.0.prompt: the same question is asked at {root}/quizzes/A/A2.yaml:7 "
        "(questions.0.prompt): every quiz question in the course asks its own question",
    ),
    # 8. misleading claims
    "misleading: .gov.vn as the only test": (
        say("Trang không có đuôi .gov.vn là trang giả."),
        A2,
        ".gov.vn",
        1,
        "bubbles.3: misleading (.gov.vn as the only test of a genuine site, "
        "lessons/misleading.yaml: gov-vn-only): 'không có đuôi .gov.vn là trang giả'. Genuine "
        "sites also include tinnhiemmang.vn",
    ),
    "misleading: deepfakes are blurry": (
        say("Video deepfake (video giả) thường mờ và giật."),
        A2,
        "deepfake",
        1,
        "bubbles.3: misleading (deepfakes are blurry, short or jerky",
    ),
    "misleading: the police never phone": (
        replace(QUIZ_A2, "Chưa đúng: chữ to dễ đọc hơn.", "Nhớ: công an không bao giờ gọi điện."),
        QUIZ_A2,
        "công an",
        1,
        "questions.0.feedback_false: misleading (the police never phone",
    ),
    "misleading: 5656, even in a wrong option": (
        replace(QUIZ_A1, 'text: "Lời chào"', 'text: "Soạn tin gửi 5656"'),
        QUIZ_A1,
        "5656",
        1,
        "questions.2.options.1.text: misleading (scam and spam reports sent to 5656, "
        "lessons/misleading.yaml: report-5656): '5656'. One wording everywhere",
    ),
    "misleading: DIENLUC": (
        replace(QUIZ_A1, "May ban se bi khoa", "DIENLUC: May ban se bi cat dien"),
        QUIZ_A1,
        "DIENLUC",
        1,
        "questions.1.scenario: misleading (DIENLUC as the power company's SMS sender",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_rule_is_reported_at_its_line(content: Path, case: str) -> None:
    breaks, name, needle, occurrence, message = CASES[case]
    breaks(content)
    problems = check(content)
    where = f"{content / name}:{line(content, name, needle, occurrence)}: "
    wanted = where + message.format(root=content)
    matching = [p for p in problems if p.startswith(wanted)]
    assert matching, f"{case}: want {wanted}…, got:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "text",
    [
        # 1-2: exactly 300 characters is a step; three text bubbles then try_it is the rhythm
        "x" * 300,
        # 3: dates, phone numbers, names of laws, counts
        "Từ ngày 1/1/2026, gọi 156; Luật Bảo vệ dữ liệu cá nhân; tháng 7/2025; 24/7; 4G/LTE.",
        "Ngân hàng có quy định mới: chuyển trên 10 triệu phải xác thực khuôn mặt.",
        "Tin nhắn ngân hàng: 'TT 350000 tien dien'.",
        # 4: other words that look like the house words
        "Ấn tượng đầu tiên: Ấn Độ xa lắm. Cô nhấn mạnh: cúp máy, tắt nguồn, tắt máy tính.",
        "Bấm giữ nút nguồn, rồi chạm 'Tắt nguồn'; bấm nút âm lượng.",
        # 5: jargon explained at its first use; "ai" is not "AI"
        "Mã OTP (mã số ngân hàng gửi, chỉ dùng một lần) là bí mật; không đọc OTP cho ai.",
        "AI là trí tuệ nhân tạo. Hỏi AI thì kiểm tra lại.",
        "Thẻ 'CCCD' (căn cước công dân) để ở nhà.",
        # 8: the correct teaching next to each misleading claim
        "Đừng chỉ tin đuôi .gov.vn: kiểm tra trang ở tinnhiemmang.vn, báo ở "
        "canhbao.khonggianmang.vn.",
        "Deepfake (video giả) trông và nghe như thật, không mờ, không giật: cúp máy, gọi lại số "
        "đã lưu.",
        "Công an thật có thể gọi điện, nhưng không bao giờ bắt bác cài ứng dụng hay chuyển tiền.",
        "Công an không bao giờ gọi điện kích hoạt hay cập nhật VNeID, không gửi link cài.",
        "Soạn 'LD [số điện thoại lừa đảo]' gửi 156. Tin nhắn thật của EVN mang tên EVNHANOI.",
    ],
)
def test_the_correct_teaching_passes(content: Path, text: str) -> None:
    say(text)(content)
    assert check(content) == []


def test_what_the_learner_does_not_read_is_not_held_to_the_text_rules(content: Path) -> None:
    # Search keywords, the sources an author cites, the other spellings of a short answer.
    edit(content, HANDBOOK, '["cỡ chữ"]', '["cỡ chữ", "nhấn", "thông tư 17/2024", "5656"]')
    edit(content, A2, 'title: "Trợ giúp Android"', 'title: "Thông tư 17/2024/TT-NHNN"')
    edit(content, QUIZ_A1, '["nguồn", "nút nguồn"]', '["nguồn", "nhấn nút nguồn"]')
    # A wrong option, and a true/false statement that is false, may state a myth to reject.
    edit(content, QUIZ_A1, 'text: "Lời chào"', 'text: "Công an không bao giờ gọi điện"')
    edit(
        content,
        QUIZ_A2,
        'Chữ to giúp dễ đọc."\n    answer: true',
        'Chỉ tin trang có đuôi .gov.vn."\n    answer: false',
    )
    edit(content, QUIZ_A2, '"Đúng rồi."', '"Chưa đúng: trang thật còn có tinnhiemmang.vn."')
    # A scenario that is not a drill, and a drill's prompt, may say "lừa".
    edit(content, QUIZ_A1, "    drill: true\n", "")
    edit(content, QUIZ_A1, "May ban se bi khoa", "Canh bao lua dao, lừa đảo")
    assert check(content) == []


def test_a_quiz_question_may_repeat_a_prompt_about_another_scenario(content: Path) -> None:
    question = (
        "  - id: q2\n    type: true_false\n    drill: true\n"
        "    scenario: \"Tin nhắn: 'Con dang o benh vien, chuyen tien gap'\"\n"
        '    prompt: "Đây là tin lừa đảo."\n    answer: true\n'
        '    feedback_true: "Đúng rồi: gọi lại số quen."\n'
        '    feedback_false: "Chưa đúng: gọi lại số quen của con."\n'
    )
    write(content, QUIZ_A2, FILES[QUIZ_A2] + question)
    assert check(content) == []


def test_the_shipped_glossary_explains_the_terms_of_the_brief() -> None:
    terms, problems = read_glossary(LESSONS_DIR)
    assert problems == []
    brief = [
        "OTP",
        "NFC",
        "ANTT",
        "PDF",
        "shipper",
        "ND",
        "SD",
        "TK",
        "eKYC",
        "deepfake",
        "COD",
        "livestream",
        "CCCD",
        "AI",
    ]
    assert set(brief) <= set(terms)


def test_a_broken_glossary_is_reported_at_its_line(content: Path) -> None:
    glossary = (
        "schema_version: 1\nterms:\n"
        '  OTP: "mã số một lần"\n'
        f'  PIN: "{("mã số bí mật " * 10).strip()}"\n'
        '  TK: "TK là tài khoản"\n'
        '  "mã số": "không phải một từ"\n'
        '  AI: "trí tuệ nhân tạo, bấm vào là hỏi"\n'
    )
    write(content, "lessons/glossary.yaml", glossary)
    say("Nhập mã OTP.")(content)
    problems = check(content)
    path = content / "lessons/glossary.yaml"
    for number, fragment in (
        (4, "terms.PIN: PIN: the explanation has 129 characters; at most 100"),
        (5, "terms.TK: TK: explain the term without using it"),
        (6, "terms.mã số: 'mã số' is not one term"),
        (7, "terms.AI: 'bấm vào' is not a house word"),
    ):
        assert any(p.startswith(f"{path}:{number}: {fragment}") for p in problems), (
            fragment,
            problems,
        )
    # The content folder's own glossary is the one used.
    assert any("e.g. 'OTP (mã số một lần)'" in p for p in problems), problems


def test_the_shipped_misleading_claims_catch_their_examples_and_pass_the_teaching() -> None:
    claims, problems = read_misleading(LESSONS_DIR)
    assert problems == []
    assert {c.claim.id for c in claims} == {
        "gov-vn-only",
        "deepfake-blurry",
        "police-never-call",
        "report-5656",
        "evn-dienluc",
    }


def test_a_misleading_pattern_too_broad_for_its_examples_is_reported(content: Path) -> None:
    misleading = """\
schema_version: 1
claims:
  - id: too-broad
    claim: "the police never phone"
    patterns: ["công an", "(unclosed"]
    why: "Real police may phone."
    instead: "they never ask for money by phone."
    flags: ["Công an không gọi điện.", "Cảnh sát không gọi điện."]
    passes: ["Công an có thể gọi điện."]
"""
    write(content, "lessons/misleading.yaml", misleading)
    path = content / "lessons/misleading.yaml"
    problems = check(content)
    for number, fragment in (
        (5, "claims.0.patterns.1: not a regular expression"),
        (8, "claims.0.flags.1: no pattern of the claim catches this example"),
        (9, "claims.0.passes.0: this correct teaching is flagged by the claim too-broad"),
    ):
        assert any(p.startswith(f"{path}:{number}: {fragment}") for p in problems), (
            fragment,
            problems,
        )


def test_gift_import_skips_a_question_asked_twice() -> None:
    gift = (
        "::a:: Ai được biết mã OTP?{=Không ai#Đúng. ~Con cháu#Không.}\n\n"
        "::b:: AI ĐƯỢC BIẾT MÃ OTP{T#Sai.#Đúng.}\n"
    )
    quiz, notes = gift_to_quiz(gift, "A1")
    assert quiz is not None and [q.id for q in quiz.questions] == ["a"]
    assert [(n.line, n.skipped) for n in notes] == [(3, True)]
    assert "asks the same as the question on line 1" in notes[0].message


def test_a_term_written_twice_in_the_glossary_is_reported(content: Path) -> None:
    write(content, "lessons/glossary.yaml", 'terms:\n  OTP: "mã một lần"\n  OTP: "mã số"\n')
    path = content / "lessons/glossary.yaml"
    assert any(p.startswith(f"{path}:3: OTP: this field is written twice") for p in check(content))


def test_words_two_patterns_of_a_claim_find_are_reported_once(content: Path) -> None:
    misleading = """\
claims:
  - id: overlap
    claim: "the police never phone"
    patterns: ["công an không gọi", "không gọi điện"]
    why: "Real police may phone."
    instead: "they never ask for money by phone."
    flags: ["Công an không gọi điện."]
    passes: ["Công an có thể gọi điện."]
"""
    write(content, "lessons/misleading.yaml", misleading)
    say("Công an không gọi điện. Ngân hàng không gọi điện.")(content)
    found = [p.split("): ", 1)[1].split(".")[0] for p in check(content)]
    assert found == ["'Công an không gọi'", "'không gọi điện'"]
