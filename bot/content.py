"""The content catalog: every module, lesson and quiz, cross-checked, with a version hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ContentError
from lessons import LESSONS_DIR, Lesson, Module, load_lessons, load_modules
from lessons.loader import lesson_files
from quizzes import QUIZZES_DIR, Quiz, load_quizzes
from quizzes.loader import quiz_files


@dataclass(frozen=True)
class Catalog:
    """Validated content, as the core engine reads it. Lessons are in course order."""

    modules: tuple[Module, ...]
    lessons: tuple[Lesson, ...]
    quizzes: dict[str, Quiz] = field(hash=False)
    version: str
    lessons_dir: Path = LESSONS_DIR

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def quiz(self, lesson_id: str) -> Quiz | None:
        """The quiz closing this lesson, or None."""
        return self.quizzes.get(lesson_id)

    def module(self, module_id: str) -> Module | None:
        """The module with this id, or None."""
        return next((module for module in self.modules if module.id == module_id), None)

    def next_lesson(
        self, lesson_id: str | None, done: frozenset[str] = frozenset()
    ) -> Lesson | None:
        """The first lesson after `lesson_id` (or from the start) that is not in `done`."""
        ids = [lesson.id for lesson in self.lessons]
        start = ids.index(lesson_id) + 1 if lesson_id in ids else 0
        for lesson in self.lessons[start:] + self.lessons[:start]:
            if lesson.id not in done:
                return lesson
        return None


def content_version(paths: list[Path]) -> str:
    """A short hash of the content files, stored with every completion."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load_catalog(lessons_dir: Path = LESSONS_DIR, quizzes_dir: Path = QUIZZES_DIR) -> Catalog:
    """Load and cross-check all content.

    Raises:
        ContentError: listing every problem as `file:line: message`.
    """
    modules, problems = load_modules(lessons_dir)
    lessons, lesson_problems = load_lessons(lessons_dir)
    quizzes, quiz_problems = load_quizzes(quizzes_dir)
    problems += lesson_problems + quiz_problems

    module_ids = {module.id for module in modules}
    seen: dict[str, Lesson] = {}
    for lesson in lessons:
        path = lessons_dir / lesson.module / f"{lesson.id}.yaml"
        if lesson.id in seen:
            problems.append(f"{path}:1: id: duplicate lesson id {lesson.id}")
        seen[lesson.id] = lesson
        if lesson.module not in module_ids:
            problems.append(f"{path}:1: module: {lesson.module} is not in modules.yaml")
        images = [lesson.image] + [bubble.image for bubble in lesson.bubbles]
        for image in filter(None, images):
            if not (lessons_dir / image).is_file():
                problems.append(f"{path}:1: image: {image} does not exist under lessons/")
    quiz_by_lesson: dict[str, Quiz] = {}
    for quiz in quizzes:
        path = quizzes_dir / quiz.lesson[0] / f"{quiz.lesson}.yaml"
        if quiz.lesson not in seen:
            problems.append(f"{path}:1: lesson: no lesson has the id {quiz.lesson}")
        quiz_by_lesson[quiz.lesson] = quiz
    for lesson_id, lesson in seen.items():
        if lesson_id not in quiz_by_lesson:
            path = lessons_dir / lesson.module / f"{lesson_id}.yaml"
            problems.append(f"{path}:1: lesson {lesson_id} has no quiz in quizzes/")
    if not lessons and not lesson_problems:
        problems.append(f"{lessons_dir}:1: no lesson files found")
    if problems:
        raise ContentError(problems)

    order = {module.id: module.order for module in modules}
    ordered = sorted(lessons, key=lambda lesson: (order[lesson.module], lesson.order, lesson.id))
    paths = [lessons_dir / "modules.yaml", *lesson_files(lessons_dir), *quiz_files(quizzes_dir)]
    return Catalog(
        modules=tuple(modules),
        lessons=tuple(ordered),
        quizzes=quiz_by_lesson,
        version=content_version(paths),
        lessons_dir=lessons_dir,
    )
