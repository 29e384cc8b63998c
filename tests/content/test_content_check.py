"""`hocvuso content check`: a broken copy of small content for every kind of problem.

Each case breaks one thing in a valid content folder and expects a `file:line: message` that
points at the exact line. The shipped content must pass.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_catalog
from bot.core.catalog import bubbles
from bot.errors import ContentError
from lessons.addresses import find_addresses, official

MODULES = """\
modules:
  - id: A
    order: 1
    title: "Làm quen điện thoại"
  - id: B
    order: 2
    title: "Tìm kiếm thông tin"
"""
LESSON_A1 = """\
schema_version: 1
id: A1
module: A
order: 1
title: "Các nút của điện thoại"
competences: ["0.1", "5.1"]
level: CB1
target_groups: [residents]
estimated_minutes: 5
image: images/a1.png
bubbles:
  - "Nút nguồn ở cạnh máy."
  - text: "Hai nút âm lượng ở gần đó."
    image: images/a1.png
  - "Chạm nhẹ để mở."
try_it: "Bác thử ngay: bấm giữ nút nguồn."
sources:
  - title: "Trợ giúp Android"
    url: https://support.google.com/android
"""
LESSON_A2 = """\
schema_version: 1
id: A2
module: A
order: 2
title: "Chữ to"
competences: ["0.2"]
level: CB1
target_groups: [residents, pupils]
estimated_minutes: 5
bubbles:
  - "Mở Cài đặt, tìm cỡ chữ."
  - "Kéo thanh trượt sang phải."
  - "Thấy vừa mắt thì dừng."
sources:
  - title: "Trợ giúp Android"
    url: https://support.google.com/android
"""
QUIZ_A1 = """\
schema_version: 1
lesson: A1
pass_mark: 0.75
questions:
  - id: q1
    type: single
    prompt: "Muốn bật máy, bác bấm nút nào?"
    options:
      - id: a
        text: "Nút nguồn"
        correct: true
        feedback: "Đúng rồi: bấm giữ nút nguồn."
      - id: b
        text: "Nút âm lượng"
        credit: 0.5
        feedback: "Nút âm lượng chỉ chỉnh tiếng."
  - id: q2
    type: true_false
    drill: true
    scenario: "Tin nhắn: 'May ban se bi khoa, bam link'"
    prompt: "Đây là tin lừa đảo."
    answer: true
    feedback_true: "Đúng rồi: link lạ, dọa khóa máy."
    feedback_false: "Chưa đúng: đây là lừa đảo."
  - id: q3
    type: multiple
    prompt: "Điều gì không đưa cho ai? (chọn tất cả ý đúng)"
    options:
      - id: a
        text: "Mã OTP"
        correct: true
        feedback: "Đúng: OTP là bí mật."
      - id: b
        text: "Lời chào"
        feedback: "Chào hỏi thì không sao."
  - id: q4
    type: short
    prompt: "Gõ tên nút bật máy (một từ)."
    answers: ["nguồn", "nút nguồn"]
    feedback_correct: "Chính xác!"
    feedback_wrong: "Đó là nút nguồn."
"""
QUIZ_A2 = """\
schema_version: 1
lesson: A2
pass_mark: 0.75
questions:
  - id: q1
    type: true_false
    prompt: "Chữ to giúp dễ đọc."
    answer: true
    feedback_true: "Đúng rồi."
    feedback_false: "Chưa đúng: chữ to dễ đọc hơn."
"""
HANDBOOK = """\
schema_version: 1
entries:
  - id: bat-may
    question: "Làm sao bật điện thoại?"
    answer: "Bấm giữ nút nguồn ở cạnh máy vài giây đến khi màn hình sáng."
    keywords: ["nút nguồn", "mở máy"]
    lesson: A1
  - id: chu-to
    question: "Làm sao cho chữ to hơn?"
    answer: "Mở Cài đặt, gõ 'cỡ chữ' vào ô tìm kiếm, kéo thanh trượt sang phải."
    keywords: ["cỡ chữ"]
    lesson: A2
"""
FILES = {
    "lessons/modules.yaml": MODULES,
    "lessons/A/A1.yaml": LESSON_A1,
    "lessons/A/A2.yaml": LESSON_A2,
    "lessons/handbook.yaml": HANDBOOK,
    "quizzes/A/A1.yaml": QUIZ_A1,
    "quizzes/A/A2.yaml": QUIZ_A2,
}
PNG = bytes.fromhex("89504e470d0a1a0a")  # the check only needs the file to exist


@pytest.fixture
def content(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "lessons" / "images").mkdir()
    (tmp_path / "lessons" / "images" / "a1.png").write_bytes(PNG)
    return tmp_path


def check(root: Path) -> list[str]:
    """The problems `load_catalog` reports for a content folder (none when it loads)."""
    try:
        load_catalog(root / "lessons", root / "quizzes")
    except ContentError as exc:
        return exc.problems
    return []


def edit(root: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def line(root: Path, name: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing `needle` (the line a problem must name)."""
    hits = [
        number
        for number, text in enumerate((root / name).read_text("utf-8").splitlines(), start=1)
        if needle in text
    ]
    assert len(hits) >= occurrence, f"{needle!r} not in {name}"
    return hits[occurrence - 1]


Case = tuple[Callable[[Path], None], str, str, int, str]


def _too_long_bubble(root: Path) -> None:
    edit(root, "lessons/A/A1.yaml", "Chạm nhẹ để mở.", "Chạm nhẹ để mở. " + "x" * 600)


def _decomposed(root: Path) -> None:
    edit(root, "lessons/A/A2.yaml", "Thấy vừa mắt", unicodedata.normalize("NFD", "Thấy vừa mắt"))


def _duplicate_id_same_folder(root: Path) -> None:
    write(root, "lessons/A/A3.yaml", LESSON_A2.replace("order: 2", "order: 3"))
    write(root, "quizzes/A/A3.yaml", QUIZ_A2.replace("lesson: A2", "lesson: A3"))


def _duplicate_id_other_folder(root: Path) -> None:
    write(root, "lessons/B/A1.yaml", LESSON_A1.replace("order: 1", "order: 5"))


def _no_quiz(root: Path) -> None:
    (root / "quizzes/A/A2.yaml").unlink()


def _quiz_without_lesson(root: Path) -> None:
    write(root, "quizzes/A/A9.yaml", QUIZ_A2.replace("lesson: A2", "lesson: A9"))


def _no_answer_key(root: Path) -> None:
    edit(root, "quizzes/A/A1.yaml", "        correct: true\n", "", count=1)


def _long_option(root: Path) -> None:
    edit(root, "quizzes/A/A1.yaml", 'text: "Nút âm lượng"', f'text: "Nút âm lượng {"x" * 100}"')


def _missing_feedback(root: Path) -> None:
    edit(root, "quizzes/A/A1.yaml", '        feedback: "Chào hỏi thì không sao."\n', "")


def _tf_missing_feedback(root: Path) -> None:
    edit(root, "quizzes/A/A2.yaml", '    feedback_false: "Chưa đúng: chữ to dễ đọc hơn."\n', "")


def _drill_without_scenario(root: Path) -> None:
    edit(
        root,
        "quizzes/A/A1.yaml",
        "    scenario: \"Tin nhắn: 'May ban se bi khoa, bam link'\"\n",
        "",
    )


def _credit_in_multiple(root: Path) -> None:
    edit(
        root,
        "quizzes/A/A1.yaml",
        '        text: "Lời chào"\n',
        '        text: "Lời chào"\n        credit: 0.5\n',
    )


def _duplicate_question_id(root: Path) -> None:
    edit(root, "quizzes/A/A1.yaml", "  - id: q3", "  - id: q1")


def _wrong_type_field(root: Path) -> None:
    edit(
        root,
        "quizzes/A/A1.yaml",
        '    answers: ["nguồn", "nút nguồn"]',
        '    answer: true\n    answers: ["nguồn", "nút nguồn"]',
    )


def _feedback_too_long_for_channels(root: Path) -> None:
    long = "y" * 590
    options = "".join(
        f'      - id: {letter}\n        text: "Ý {letter}"\n'
        + ("        correct: true\n" if letter == "a" else "")
        + f'        feedback: "{long}"\n'
        for letter in "abcd"
    )
    write(
        root,
        "quizzes/A/A2.yaml",
        QUIZ_A2
        + '  - id: q2\n    type: multiple\n    prompt: "Chọn hết."\n    options:\n'
        + options,
    )


def _unknown_competence(root: Path) -> None:
    edit(root, "lessons/A/A2.yaml", 'competences: ["0.2"]', 'competences: ["0.2", "7.1"]')


def _unquoted_competence(root: Path) -> None:
    edit(root, "lessons/A/A2.yaml", 'competences: ["0.2"]', "competences: [0.2]")


def _broken_image(root: Path) -> None:
    edit(root, "lessons/A/A1.yaml", "    image: images/a1.png", "    image: images/nope.png")


def _image_outside(root: Path) -> None:
    edit(root, "lessons/A/A1.yaml", "image: images/a1.png\nbubbles", "image: ../x.png\nbubbles")


def _empty_sources(root: Path) -> None:
    edit(
        root,
        "lessons/A/A2.yaml",
        'sources:\n  - title: "Trợ giúp Android"\n    url: https://support.google.com/android\n',
        "sources: []\n",
    )


def _unknown_field(root: Path) -> None:
    edit(root, "lessons/A/A2.yaml", "bubbles:", "bubles:")


def _broken_yaml(root: Path) -> None:
    edit(root, "lessons/A/A2.yaml", 'title: "Chữ to"', 'title: "Chữ to')


def _duplicate_key(root: Path) -> None:
    edit(root, "lessons/A/A2.yaml", "level: CB1\n", "level: CB1\nlevel: CB2\n")


def _old_tone(root: Path) -> None:
    edit(
        root,
        "lessons/A/A2.yaml",
        "Mở Cài đặt, tìm cỡ chữ.",
        "Mở Cài đặt, tìm cỡ chữ cho khoẻ mắt.",
    )


def _unknown_module(root: Path) -> None:
    write(
        root,
        "lessons/C/C1.yaml",
        LESSON_A2.replace("id: A2", "id: C1").replace("module: A", "module: C"),
    )
    write(root, "quizzes/C/C1.yaml", QUIZ_A2.replace("lesson: A2", "lesson: C1"))


def _quiz_in_wrong_folder(root: Path) -> None:
    (root / "quizzes/B").mkdir()
    (root / "quizzes/A/A2.yaml").rename(root / "quizzes/B/A2.yaml")


def _yml_file(root: Path) -> None:
    write(root, "lessons/A/A3.yml", LESSON_A2)


def _same_order(root: Path) -> None:
    edit(root, "lessons/A/A2.yaml", "order: 2", "order: 1")


def _handbook_unknown_lesson(root: Path) -> None:
    edit(root, "lessons/handbook.yaml", "lesson: A2", "lesson: F9")


def _handbook_duplicate_id(root: Path) -> None:
    edit(root, "lessons/handbook.yaml", "id: chu-to", "id: bat-may")


def _handbook_long_answer(root: Path) -> None:
    edit(root, "lessons/handbook.yaml", "kéo thanh trượt sang phải.", "kéo thanh " + "z" * 600)


def _handbook_not_a_question(root: Path) -> None:
    edit(root, "lessons/handbook.yaml", "Làm sao cho chữ to hơn?", "Cho chữ to hơn.")


def _scam_address(root: Path) -> None:
    edit(root, "lessons/A/A2.yaml", "Thấy vừa mắt thì dừng.", "Trang giả: vneid-capnhat.com nhé.")


def _scam_address_in_a_block(root: Path) -> None:
    edit(
        root,
        "quizzes/A/A1.yaml",
        """scenario: "Tin nhắn: 'May ban se bi khoa, bam link'\"""",
        "scenario: |\n      Tin nhắn từ số lạ:\n      'May ban se bi khoa, bam link ABC.NET/khoa'",
    )


def _handle(root: Path) -> None:
    edit(root, "lessons/handbook.yaml", "kéo thanh trượt sang phải.", "hỏi @hotro_chuto nhé.")


def _scheme_address(root: Path) -> None:
    edit(root, "quizzes/A/A1.yaml", "Chào hỏi thì không sao.", "Xem https://evil.example/x")


def _www_address(root: Path) -> None:
    edit(root, "lessons/A/A1.yaml", "Chạm nhẹ để mở.", "Xem www.nutnguon.example.")


def _email_address(root: Path) -> None:
    edit(root, "lessons/A/A1.yaml", "bấm giữ nút nguồn.", "gửi thư cho hotro@nutnguon.com.")


CASES: dict[str, Case] = {
    "schema: unknown field": (_unknown_field, "lessons/A/A2.yaml", "bubles:", 1, "Extra inputs"),
    "schema: broken YAML": (_broken_yaml, "lessons/A/A2.yaml", "competences", 1, "broken YAML"),
    "schema: a field written twice": (
        _duplicate_key,
        "lessons/A/A2.yaml",
        "level: CB2",
        1,
        "written twice (first on line 7)",
    ),
    "text not NFC": (_decomposed, "lessons/A/A2.yaml", '- "Th', 1, "not in Unicode NFC"),
    "old-style tone mark": (_old_tone, "lessons/A/A2.yaml", "khoẻ", 1, "'khoẻ'"),
    "bubble too long": (
        _too_long_bubble,
        "lessons/A/A1.yaml",
        "Chạm nhẹ",
        1,
        "house rule is under 600",
    ),
    "option too long for a button": (
        _long_option,
        "quizzes/A/A1.yaml",
        "Nút âm lượng x",
        1,
        "too long for a button",
    ),
    "feedback too long for every channel": (
        _feedback_too_long_for_channels,
        "quizzes/A/A2.yaml",
        "id: q2",
        1,
        "Zalo's limit of 2000",
    ),
    "duplicate lesson id, same folder": (
        _duplicate_id_same_folder,
        "lessons/A/A3.yaml",
        "id: A2",
        1,
        "duplicate lesson id A2",
    ),
    "duplicate lesson id, other folder": (
        _duplicate_id_other_folder,
        "lessons/B/A1.yaml",
        "id: A1",
        1,
        "duplicate lesson id A1",
    ),
    "lesson in the wrong folder": (
        _duplicate_id_other_folder,
        "lessons/B/A1.yaml",
        "module: A",
        1,
        "folder B/",
    ),
    "two lessons with one order": (
        _same_order,
        "lessons/A/A2.yaml",
        "order: 1",
        1,
        "both have order 1",
    ),
    "duplicate question id": (
        _duplicate_question_id,
        "quizzes/A/A1.yaml",
        "id: q1",
        2,
        "duplicate question id q1",
    ),
    "lesson without a quiz": (_no_quiz, "lessons/A/A2.yaml", "id: A2", 1, "has no quiz"),
    "quiz of an unknown lesson": (
        _quiz_without_lesson,
        "quizzes/A/A9.yaml",
        "lesson: A9",
        1,
        "broken lesson reference",
    ),
    "quiz in the wrong folder": (
        _quiz_in_wrong_folder,
        "quizzes/B/A2.yaml",
        "lesson: A2",
        1,
        "belongs in folder A/",
    ),
    "answer key names no option": (
        _no_answer_key,
        "quizzes/A/A1.yaml",
        "- id: q1",
        1,
        "answer key names no option",
    ),
    "option without feedback": (
        _missing_feedback,
        "quizzes/A/A1.yaml",
        "- id: b",
        2,
        "option b has no `feedback`",
    ),
    "true/false without feedback": (
        _tf_missing_feedback,
        "quizzes/A/A2.yaml",
        "- id: q1",
        1,
        "`feedback_false` is missing",
    ),
    "drill without scenario": (
        _drill_without_scenario,
        "quizzes/A/A1.yaml",
        "drill: true",
        1,
        "needs a `scenario`",
    ),
    "credit in a multiple-choice question": (
        _credit_in_multiple,
        "quizzes/A/A1.yaml",
        "credit: 0.5",
        2,
        "`credit` has no effect",
    ),
    "field of another question type": (
        _wrong_type_field,
        "quizzes/A/A1.yaml",
        "answer: true",
        2,
        "takes no `answer`",
    ),
    "unknown competence code": (
        _unknown_competence,
        "lessons/A/A2.yaml",
        "competences",
        1,
        "unknown competence code",
    ),
    "competence code without quotes": (
        _unquoted_competence,
        "lessons/A/A2.yaml",
        "competences",
        1,
        "in quotes",
    ),
    "unknown module": (_unknown_module, "lessons/C/C1.yaml", "module: C", 1, "not in modules"),
    "broken image reference": (
        _broken_image,
        "lessons/A/A1.yaml",
        "images/nope.png",
        1,
        "broken image reference",
    ),
    "image outside lessons/": (
        _image_outside,
        "lessons/A/A1.yaml",
        "../x.png",
        1,
        "outside lessons/",
    ),
    "empty source list": (
        _empty_sources,
        "lessons/A/A2.yaml",
        "sources",
        1,
        "source list is empty",
    ),
    "file not named .yaml": (_yml_file, "lessons/A/A3.yml", "id: A2", 0, "must end in .yaml"),
    "handbook: unknown lesson": (
        _handbook_unknown_lesson,
        "lessons/handbook.yaml",
        "lesson: F9",
        1,
        "broken lesson ref",
    ),
    "handbook: duplicate id": (
        _handbook_duplicate_id,
        "lessons/handbook.yaml",
        "id: bat-may",
        2,
        "duplicate handbook id",
    ),
    "handbook: answer too long": (
        _handbook_long_answer,
        "lessons/handbook.yaml",
        "zzz",
        1,
        "under 600",
    ),
    "handbook: question without '?'": (
        _handbook_not_a_question,
        "lessons/handbook.yaml",
        "Cho chữ to hơn.",
        1,
        "ending with '?'",
    ),
    "address: an undefanged scam domain": (
        _scam_address,
        "lessons/A/A2.yaml",
        "vneid-capnhat.com",
        1,
        "bubbles.2: web address 'vneid-capnhat.com' is not an official site",
    ),
    "address: on its own line inside a | text": (
        _scam_address_in_a_block,
        "quizzes/A/A1.yaml",
        "ABC.NET",
        1,
        "questions.1.scenario: web address 'ABC.NET'",
    ),
    "address: an @handle": (
        _handle,
        "lessons/handbook.yaml",
        "@hotro_chuto",
        1,
        "entries.1.answer: account handle '@hotro_chuto'",
    ),
    "address: https:// on an unknown site": (
        _scheme_address,
        "quizzes/A/A1.yaml",
        "evil.example",
        1,
        "web address 'https://evil.example/x'",
    ),
    "address: www.": (_www_address, "lessons/A/A1.yaml", "www.", 1, "'www.nutnguon.example'"),
    "address: an e-mail": (
        _email_address,
        "lessons/A/A1.yaml",
        "hotro@",
        1,
        "try_it: web address 'hotro@nutnguon.com'",
    ),
}


def test_the_valid_copy_loads(content: Path) -> None:
    catalog = load_catalog(content / "lessons", content / "quizzes")
    assert [lesson.id for lesson in catalog.lessons] == ["A1", "A2"]
    assert len(catalog.handbook) == 2


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_kind_of_broken_file_is_reported_at_its_line(content: Path, case: str) -> None:
    breaks, name, needle, occurrence, message = CASES[case]
    breaks(content)
    problems = check(content)
    assert problems, f"{case}: no problem reported"
    at = line(content, name, needle, occurrence) if occurrence else 1
    where = f"{content / name}:{at}: "
    matching = [p for p in problems if p.startswith(where) and message in p]
    assert matching, f"{case}: want {where}…{message}…, got:\n" + "\n".join(problems)
    for problem in problems:  # every problem reads `file:line: message`
        path, number, text = problem.split(":", 2)
        assert Path(path).is_relative_to(content) and int(number) >= 1 and text.strip()


def test_every_problem_is_reported_not_just_the_first(content: Path) -> None:
    _too_long_bubble(content)
    _no_answer_key(content)  # a schema error in question 1 of quizzes/A/A1.yaml …
    _missing_feedback(content)  # … does not hide a house rule broken in its question 3
    _unknown_competence(content)
    _handbook_unknown_lesson(content)
    problems = check(content)
    assert len(problems) == 5, problems
    for fragment in (
        "under 600",
        "answer key",
        "option b has no `feedback`",
        "unknown competence",
        "broken lesson reference",
    ):
        assert any(fragment in problem for problem in problems), fragment


def test_cli_content_check_points_at_another_folder(content: Path, capsys) -> None:
    args = ["content", "check", "--lessons", str(content / "lessons")]
    args += ["--quizzes", str(content / "quizzes")]
    assert main(args) == 0
    assert "2 lessons, 2 quizzes" in capsys.readouterr().out
    _no_answer_key(content)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"{content / 'quizzes/A/A1.yaml'}:5: questions.0: no option is marked correct" in err
    assert "1 content problem(s) found" in err


def test_cli_content_check_passes_on_the_shipped_content(capsys) -> None:
    assert main(["content", "check"]) == 0
    out = capsys.readouterr().out
    assert "content OK: 6 modules, 26 lessons, 26 quizzes" in out


def test_shipped_content_follows_the_house_rules() -> None:
    catalog = load_catalog()
    drills = [q for quiz in catalog.quizzes.values() for q in quiz.questions if q.drill]
    assert len(drills) >= 12 and all(q.scenario for q in drills)
    assert len(catalog.handbook) >= 60
    for lesson in catalog.lessons:
        assert lesson.sources, lesson.id
        if any(b.kind != "text" for b in lesson.bubbles):
            # The second edition: 5-9 steps (the closing try_it counts as one), never more
            # than three text bubbles without a quick question or a try-it step between them.
            steps = [b.kind for b in bubbles(lesson)]
            assert 5 <= len(steps) <= 9, lesson.id
            assert "text, text, text, text" not in ", ".join(steps), lesson.id
            quiz = catalog.quiz(lesson.id)
            assert quiz is not None and 4 <= len(quiz.questions) <= 6, lesson.id
        else:  # first-edition lessons not yet rewritten
            assert 3 <= len(lesson.bubbles) <= 6 and lesson.try_it, lesson.id
    for quiz in catalog.quizzes.values():
        assert 3 <= len(quiz.questions) <= 6, quiz.lesson


@pytest.mark.parametrize(
    "text",
    [
        "Cổng thật: https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
        "Gõ dichvucong.gov.vn, vneid.gov.vn hay binhdanhocvuso.gov.vn, đuôi .gov.vn.",
        "Trang giả vneid-capnhat[.]com/app[.]apk ([.] là dấu chấm).",
        "Tải etax-hotro[.]net/etax[.]apk là mất tiền; tệp .apk, đuôi .com, .top.",
        "Phí 1.000 đồng, 4.000.000d, bản v2.1, mục A1.2, số 03xx.xxx.716.",
        "TP.HCM, Q.1, v.v. và ông/bà; tài khoản tên viecnhe_luongcao; a @ b.",
    ],
)
def test_what_is_not_a_tappable_address_passes(content: Path, text: str) -> None:
    edit(content, "lessons/A/A2.yaml", "Thấy vừa mắt thì dừng.", text)
    assert check(content) == []


# The scam addresses and handle the shipped drills once wrote plainly (issue 13).
SCAM_ADDRESSES = [
    "vneid-capnhat.com",
    "dichvucong-gov.top",
    "dichvucong.vn.com",
    "dichvucong-hoso.top",
    "binhan-sinhtrac.com",
    "etax-hotro.net/etax.apk",
    "binhanbank-doiqua.com",
    "phatnguoi-csgt.com",
    "daichienrong-quatang.com",
    "ho-tro-gov.vn.com",
    "dichvucong.gov.vn.tk",
    "EVIL.COM",
    "t.me/viecnhe_luongcao",
]


@pytest.mark.parametrize("address", SCAM_ADDRESSES)
def test_a_plain_scam_address_is_found_and_its_defanged_form_is_not(address: str) -> None:
    text = f"Tin nhắn: 'Bam vao {address}, het han toi nay.'"
    assert [(kind, found) for _at, found, kind in find_addresses(text)] == [
        ("address", address.split("/")[0])
    ]
    assert list(find_addresses(text.replace(".", "[.]"))) == []


def test_handles_e_mails_and_official_sites() -> None:
    assert [found for _at, found, _kind in find_addresses("Kết bạn @viecnhe_luongcao")] == [
        "@viecnhe_luongcao"
    ]
    assert [kind for _at, _found, kind in find_addresses("Telegram @abc, @x_1.")] == [
        "handle",
        "handle",
    ]
    assert [found for _at, found, _kind in find_addresses("thư về hotro@evil.vn.")] == [
        "hotro@evil.vn"
    ]
    for fine in (
        "hotro@dichvucong.gov.vn",
        "WWW.DICHVUCONG.GOV.VN",
        "m.dichvucong.gov.vn",
        "https://vneid.gov.vn/",
        "chị@ ấy",
    ):
        assert list(find_addresses(fine)) == [], fine
    assert official("tingia.gov.vn") and not official("gov.vn.com")
