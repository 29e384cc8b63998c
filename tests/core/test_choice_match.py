"""Typed text naming a choice: real villager inputs, properties, and the whole quiz bank."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.choice_match import Ambiguous, Match, Picked, match_choice
from bot.i18n import translator
from bot.text import canonical, fold, option_index
from quizzes.loader import load_quizzes
from quizzes.models import CHOICE_TYPES, Question, QuestionType, Quiz

VI = translator("vi")


@cache
def bank() -> tuple[Quiz, ...]:
    quizzes, problems = load_quizzes()
    assert not problems
    return tuple(quizzes)


def question(lesson: str, question_id: str) -> Question:
    quiz = next(q for q in bank() if q.lesson == lesson)
    return next(q for q in quiz.questions if q.id == question_id)


def labels_of(item: Question) -> list[str]:
    if item.type is QuestionType.TRUE_FALSE:
        return [VI.gettext("True"), VI.gettext("False")]
    return [option.text for option in item.options]


def named(item: Question, typed: str) -> str | tuple[str, ...] | None:
    """The option id (or "true"/"false") typed text names; a tuple when it is ambiguous."""
    ids = (
        ["true", "false"] if item.type is QuestionType.TRUE_FALSE else [o.id for o in item.options]
    )
    found = match_choice(typed, labels_of(item))
    if isinstance(found, Picked):
        return ids[found.index]
    if isinstance(found, Ambiguous):
        return tuple(ids[i] for i in found.indexes)
    return None


# What learners type, against real questions of the shipped quizzes.
VILLAGERS = [
    # F1 q4: an OTP code nobody asked for.
    ("F1", "q4", "khong dua ma cho ai", "a"),
    ("F1", "q4", "Không đưa mã cho ai", "a"),
    ("F1", "q4", "ko dua ma", "a"),
    ("F1", "q4", "nho con chau doi mat khau", "a"),
    ("F1", "q4", "đổi mật khẩu", "a"),
    ("F1", "q4", "tôi chọn đổi mật khẩu ạ", "a"),
    ("F1", "q4", "gui ma", "b"),
    ("F1", "q4", "cham link", "c"),
    ("F1", "q4", "huy ma", "c"),
    ("F1", "q4", "khong", None),  # "không" alone names nothing
    ("F1", "q4", "ai", None),
    ("F1", "q4", "câu 1", "a"),
    ("F1", "q4", "dap an la c", "c"),
    # A1 q1: switching the phone on.
    ("A1", "q1", "bam giu nut nguon", "a"),
    ("A1", "q1", "nut nguon", "a"),
    ("A1", "q1", "bấm nút nguồn", "a"),
    ("A1", "q1", "giu nut nguon vai giay", "a"),
    ("A1", "q1", "am luong", "b"),
    ("A1", "q1", "man hinh", "c"),
    ("A1", "q1", "cham vai lan vao man hinh", "c"),  # no accents, words left out
    ("A1", "q1", "chậm vào màn hình", "c"),  # a wrong accent
    ("A1", "q1", "bam", ("a", "b")),
    ("A1", "q1", "nút", ("a", "b")),
    ("A1", "q1", "2", "b"),
    ("A1", "q1", "B)", "b"),
    # A7 q1: typing the letter đ.
    ("A7", "q1", "dd", "a"),
    ("A7", "q1", "go d9", "b"),
    ("A7", "q1", "gõ", ("a", "b", "c")),
    # D1 q2: a scam drill, "Bác làm gì?" with three actions.
    ("D1", "q2", "khong cham link", "a"),
    ("D1", "q2", "không chạm link", "a"),
    ("D1", "q2", "den cong an xa", "a"),
    ("D1", "q2", "chạm vào đường link", "b"),
    ("D1", "q2", "xem cho chac", "b"),
    ("D1", "q2", "cham link", ("a", "b")),  # "không chạm link" holds it too
    ("D1", "q2", "goi so trong tin nhan", "c"),
    ("D1", "q2", "goi so", "c"),
    ("D1", "q2", "hỏi", ("a", "c")),
    ("D1", "q2", "khong", None),
    ("D1", "q2", "lua dao", None),  # the old "lừa đảo hay không?" answer names no action
    # A4 q1: a link to install an app.
    ("A4", "q1", "khong cham link", "a"),
    ("A4", "q1", "hoi cong an xa", "a"),
    ("A4", "q1", "cham link", ("a", "b")),
    ("A4", "q1", "goi lai so trong tin nhan", "c"),
    # F1 q5 and B2 q2: labels that are codes and addresses.
    ("F1", "q5", "123456", "a"),
    ("F1", "q5", "ngay sinh", "b"),
    ("F1", "q5", "vuoncau2conga!", "c"),
    ("B2", "q2", "dichvucong[.]gov[.]vn", "a"),
    ("B2", "q2", "dichvucong-gov[.]vn", "b"),
    ("B2", "q2", "info", "c"),
    ("B2", "q2", "dichvucong gov vn", ("a", "b")),
    # F4 q5: two options begin alike.
    ("F4", "q5", "dong y", ("a", "c")),
    ("F4", "q5", "tu choi", "b"),
    ("F4", "q5", "5 trieu", "c"),
    # B1 q1: a one-word option inside a longer one.
    ("B1", "q1", "mua", "b"),
    ("B1", "q1", "thoi tiet ca mau", "a"),
    ("F8", "q5", "20", ("a", "b", "c")),
    ("F8", "q5", "20 phut", "a"),
    ("F8", "q5", "20 trang", "b"),
    # True or false: "có" and "không" as well as Đúng and Sai.
    ("A1", "q2", "co", "true"),
    ("A1", "q2", "có", "true"),
    ("A1", "q2", "dung roi", "true"),
    ("A1", "q2", "ừ", "true"),
    ("A1", "q2", "khong", "false"),
    ("A1", "q2", "không đúng", "false"),
    ("A1", "q2", "sai roi", "false"),
    ("A1", "q2", "k", "false"),
    ("A1", "q2", "dúng", "true"),  # a wrong accent
    ("A1", "q2", "không biết", None),
]


@pytest.mark.parametrize(("lesson", "question_id", "typed", "expected"), VILLAGERS)
def test_villagers_typing_answers(
    lesson: str, question_id: str, typed: str, expected: str | tuple[str, ...] | None
) -> None:
    assert named(question(lesson, question_id), typed) == expected


def vi(message: str) -> str:
    return VI.gettext(message)


@pytest.mark.parametrize(
    ("labels", "typed", "expected"),
    [
        # Consent: the labels say yes and no themselves.
        (["I agree", "I do not agree", "What data do you keep?"], "dong y", Picked(0)),
        (["I agree", "I do not agree", "What data do you keep?"], "tôi đồng ý", Picked(0)),
        (["I agree", "I do not agree", "What data do you keep?"], "khong dong y", Picked(1)),
        (["I agree", "I do not agree", "What data do you keep?"], "co", Picked(0)),
        (["I agree", "I do not agree", "What data do you keep?"], "không", Picked(1)),
        (["I agree", "I do not agree", "What data do you keep?"], "du lieu", Picked(2)),
        # Deleting the data.
        (["Yes, delete my data", "No, keep it"], "co", Picked(0)),
        (["Yes, delete my data", "No, keep it"], "khong", Picked(1)),
        (["Yes, delete my data", "No, keep it"], "giu lai", Picked(1)),
        # The profile's menus.
        (["Morning (8:00)", "Noon (12:00)", "Evening (19:00)", "No reminders"], "toi", Picked(2)),
        (["Morning (8:00)", "Noon (12:00)", "Evening (19:00)", "No reminders"], "19", Picked(2)),
        (
            ["Morning (8:00)", "Noon (12:00)", "Evening (19:00)", "No reminders"],
            "buoi",
            Ambiguous((0, 1, 2)),
        ),
        (["Under 16", "16 to 35", "36 to 59", "60 or older"], "60", Picked(3)),
        (["Under 16", "16 to 35", "36 to 59", "60 or older"], "16", Ambiguous((0, 1))),
        # A lesson's buttons.
        (["Continue ▶", "Menu"], "tiep tuc", Picked(0)),
        (["Continue ▶", "Menu"], "▶", None),
    ],
)
def test_menus_typed_instead_of_tapped(labels: list[str], typed: str, expected: Match) -> None:
    assert match_choice(typed, [vi(label) for label in labels]) == expected


def test_the_caller_may_say_which_choices_are_yes_and_no() -> None:
    labels = ["Ôn ngay", "Để sau"]
    assert match_choice("co", labels) is None
    assert match_choice("co", labels, yes_no=(0, 1)) == Picked(0)
    assert match_choice("không ạ", labels, yes_no=(0, 1)) == Picked(1)


def test_yes_is_no_answer_when_another_choice_has_that_word() -> None:
    labels = ["Đúng", "Sai", "Có ảnh", "Có video"]
    assert match_choice("có", labels) is None
    assert match_choice("sai", labels) == Picked(1)


def test_only_numbers_letters_and_whole_labels_where_text_is_free() -> None:
    labels = ["Không biết / Bỏ qua", "Tỉnh khác"]
    assert match_choice("tinh khac", labels, loose=False) == Picked(1)
    assert match_choice("2", labels, loose=False) == Picked(1)
    assert match_choice("tinh", labels, loose=False) is None
    assert match_choice("tinh", labels) == Picked(1)


def test_accents_typed_count_and_missing_ones_do_not() -> None:
    labels = ["Má", "Mà", "Đường"]
    assert match_choice("ma", labels) == Ambiguous((0, 1))
    assert match_choice("mà", labels) == Picked(1)
    assert match_choice("duong", labels) == Picked(2)


# -- properties ---------------------------------------------------------------------------------

# Words that look alike without accents, small words, yes/no words and fillers.
SPELLINGS = (
    "bấm bam nút nguồn giữ má mà ma mã không có đúng sai lừa đảo phải tôi cho ai link zalo "
    "đồng ý chuyển tiền ngay con cháu hỏi gọi số câu đáp án vâng chính xác ạ nhé đường "
    "duong"
)
WORDS = SPELLINGS.split()
word_lists = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)


def words_of(text: str) -> list[str]:
    return canonical(text).split()


def names(typed: str, word: str) -> bool:
    """The documented rule: a word typed without accents names the word with any accents."""
    return typed == word or (typed == fold(typed) and typed == fold(word))


@st.composite
def label_sets(draw: st.DrawFn) -> list[str]:
    labels = draw(st.lists(word_lists.map(" ".join), min_size=2, max_size=5, unique=True))
    for label in labels:
        assume(option_index(fold(label), len(labels)) is None)
    return labels


@given(label_sets(), st.data())
def test_every_whole_label_names_itself(labels: list[str], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(labels) - 1))
    assert match_choice(labels[index], labels) == Picked(index)
    plain = fold(labels[index])
    same = tuple(i for i, label in enumerate(labels) if fold(label) == plain)
    expected = Picked(index) if len(same) == 1 else Ambiguous(same)
    if plain in labels:  # typed exactly as one label reads: that one
        expected = Picked(labels.index(plain))
    assert match_choice(plain, labels) == expected


@given(word_lists, st.lists(word_lists, min_size=2, max_size=4), st.booleans())
def test_a_beginning_shared_by_two_labels_never_picks_one(
    prefix: list[str], rests: list[list[str]], accents: bool
) -> None:
    labels = list(dict.fromkeys(" ".join(prefix + rest) for rest in rests))
    assume(len(labels) >= 2)
    typed = " ".join(prefix) if accents else fold(" ".join(prefix))
    key = fold if not accents else canonical
    assume(all(key(label) != key(typed) for label in labels))
    assume(option_index(fold(typed), len(labels)) is None)
    assert not isinstance(match_choice(typed, labels), Picked)


@given(label_sets(), st.data())
def test_numbers_and_letters_name_their_choice(labels: list[str], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(labels) - 1))
    letter = "abcde"[index]
    for typed in (
        str(index + 1),
        f"{index + 1}.",
        letter,
        f"{letter.upper()})",
        f"câu {index + 1}",
    ):
        assert match_choice(typed, labels) == Picked(index), typed


def distinctive(labels: list[str], index: int) -> list[str]:
    """The words of one label that name no word of any other label."""
    others = [word for i, label in enumerate(labels) if i != index for word in words_of(label)]
    return [w for w in words_of(labels[index]) if not any(names(w, other) for other in others)]


SMALL = {"không", "có", "đúng", "sai", "phải", "cho", "ai", "mà", "vâng", "ma"}


@given(label_sets(), st.data())
def test_distinctive_words_name_their_label(labels: list[str], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(labels) - 1))
    telling = distinctive(labels, index)
    assume(any(w not in SMALL and fold(w) not in SMALL for w in telling))
    assert match_choice(" ".join(telling), labels) == Picked(index)


# -- the whole quiz bank --------------------------------------------------------------------------


def choice_questions() -> list[tuple[str, Question]]:
    return [
        (f"{quiz.lesson}/{item.id}", item)
        for quiz in bank()
        for item in quiz.questions
        if item.type in CHOICE_TYPES
    ]


@pytest.mark.parametrize(("where", "item"), choice_questions(), ids=lambda v: str(v)[:8])
def test_every_option_of_the_bank_is_named_by_its_telling_words(
    where: str, item: Question
) -> None:
    labels = labels_of(item)
    for index, label in enumerate(labels):
        assert match_choice(label, labels) == Picked(index), (where, label)
        if sum(fold(other) == fold(label) for other in labels) == 1:
            assert match_choice(fold(label), labels) == Picked(index), (where, label)
        telling = distinctive(labels, index)
        if any(fold(w) not in SMALL for w in telling):
            typed = " ".join(telling)
            assert match_choice(typed, labels) == Picked(index), (where, label, typed)
            assert match_choice(fold(typed), labels) == Picked(index), (where, label, typed)
