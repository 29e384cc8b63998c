"""What the second edition of the curriculum promises, checked on the real content."""

from __future__ import annotations

from bot.content import Catalog

MIN_LESSONS = 32
MIN_DRILLS = 40
MIN_DRILLS_ASKING_WHAT_TO_DO = 30


def test_the_course_has_enough_lessons_each_with_its_quiz(catalog: Catalog) -> None:
    assert len(catalog.lessons) >= MIN_LESSONS
    assert {lesson.id for lesson in catalog.lessons} == set(catalog.quizzes)


def test_most_scam_drills_ask_what_the_learner_does(catalog: Catalog) -> None:
    drills = [q for quiz in catalog.quizzes.values() for q in quiz.questions if q.drill]
    acting = [q for q in drills if q.asks_what_to_do]
    assert len(drills) >= MIN_DRILLS
    assert len(acting) >= MIN_DRILLS_ASKING_WHAT_TO_DO


def test_a_verdict_drill_does_not_count_as_asking_what_to_do(catalog: Catalog) -> None:
    drill = next(q for quiz in catalog.quizzes.values() for q in quiz.questions if q.drill)
    assert drill.asks_what_to_do
    verdict = drill.model_copy(update={"prompt": "Tin nhắn này thật hay giả?"})
    assert not verdict.asks_what_to_do
    assert not drill.model_copy(update={"drill": False}).asks_what_to_do
