"""Module and course completion, found when a lesson is passed for the first time.

A lesson joins `passed` once and never leaves it, so a module (or the course) becomes
complete exactly once: with the first pass of its last lesson not passed yet. The course is
its required lessons: an elective module (`required: false`) completes as a module, never
the course.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.core.catalog import Catalog
from bot.core.events import CourseCompleted, ModuleCompleted


def reached(
    catalog: Catalog, passed: Collection[str], lesson_id: str
) -> list[ModuleCompleted | CourseCompleted]:
    """What passing `lesson_id` completed, given `passed` (which already includes it)."""
    lesson = catalog.lesson(lesson_id)
    if lesson is None:
        return []
    found: list[ModuleCompleted | CourseCompleted] = []
    module = [item.id for item in catalog.lessons if item.module == lesson.module]
    if all(item in passed for item in module):
        found.append(ModuleCompleted(lesson.module))
    if catalog.required(lesson) and catalog.course_complete(passed):
        found.append(CourseCompleted())
    return found


def complete(catalog: Catalog, passed: Collection[str]) -> list[ModuleCompleted | CourseCompleted]:
    """Every module (and the course) that `passed` completes: after two apps' progress is
    merged, what neither app completed alone may be complete now. Storage records each at
    most once per learner, so naming one already recorded adds nothing."""
    found: list[ModuleCompleted | CourseCompleted] = [
        ModuleCompleted(module.id)
        for module in catalog.modules
        if (lessons := [item.id for item in catalog.lessons if item.module == module.id])
        and all(item in passed for item in lessons)
    ]
    if catalog.course_complete(passed):
        found.append(CourseCompleted())
    return found
