"""The content catalog as the core reads it: modules, lessons, quizzes and the handbook.

Only the type and its pure lookups live here; `bot.content.load_catalog()` reads the YAML files
and cross-checks them, outside the core, so the core needs no YAML loader.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from bot.handbook import Handbook
from lessons.models import LESSONS_DIR, Bubble, Lesson, Module, SelfCheck
from quizzes.models import Quiz


@dataclass(frozen=True)
class Catalog:
    """Validated content, as the core engine reads it. Lessons are in course order."""

    modules: tuple[Module, ...]
    lessons: tuple[Lesson, ...]
    quizzes: dict[str, Quiz] = field(hash=False)
    version: str
    lessons_dir: Path = LESSONS_DIR
    handbook: Handbook = field(default_factory=Handbook, hash=False, compare=False)
    # The self-check at the start (`lessons/selfcheck.yaml`); None: not offered.
    selfcheck: SelfCheck | None = field(default=None, hash=False, compare=False)
    # The alt text of each drawing a lesson names (`images/x.svg` -> its `<title>`).
    pictures: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def alt_text(self, image: str | None) -> str | None:
        """What the lesson picture `image` shows, in words (None: not a drawing of ours)."""
        return self.pictures.get(image) if image else None

    def quiz(self, lesson_id: str) -> Quiz | None:
        """The quiz closing this lesson, or None."""
        return self.quizzes.get(lesson_id)

    def module(self, module_id: str) -> Module | None:
        """The module with this id, or None."""
        return next((module for module in self.modules if module.id == module_id), None)

    def next_lesson(
        self,
        lesson_id: str | None,
        done: frozenset[str] = frozenset(),
        *,
        required_only: bool = False,
    ) -> Lesson | None:
        """The first lesson after `lesson_id` (or from the start) that is not in `done`;
        with `required_only`, the first lesson of a required module."""
        ids = [lesson.id for lesson in self.lessons]
        start = ids.index(lesson_id) + 1 if lesson_id in ids else 0
        for lesson in self.lessons[start:] + self.lessons[:start]:
            if lesson.id not in done and (self.required(lesson) or not required_only):
                return lesson
        return None

    def required(self, lesson: Lesson) -> bool:
        """Whether the lesson counts for the course (its module is not an elective)."""
        module = self.module(lesson.module)
        return module is None or module.required

    @property
    def required_lessons(self) -> tuple[Lesson, ...]:
        """The lessons the course (and its certificate) needs, in course order: every lesson
        but those of elective modules."""
        return tuple(lesson for lesson in self.lessons if self.required(lesson))

    @property
    def required_modules(self) -> tuple[Module, ...]:
        """The required modules that have lessons, in course order."""
        filled = {lesson.module for lesson in self.lessons}
        return tuple(m for m in self.modules if m.required and m.id in filled)

    def course_complete(self, passed: Collection[str]) -> bool:
        """Whether every required lesson is in `passed` (an empty course is never complete)."""
        required = self.required_lessons
        return bool(required) and all(lesson.id in passed for lesson in required)


# The actions of an inline question's buttons: "check.0", "check.1"…, the option's position.
CHECK_PREFIX = "check."


def bubbles(lesson: Lesson) -> list[Bubble]:
    """The steps a lesson is read in; its closing "try it" task is the last one."""
    found = list(lesson.bubbles)
    if lesson.try_it:
        found.append(Bubble(try_=lesson.try_it))
    return found
