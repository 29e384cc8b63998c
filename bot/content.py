"""Loading the content catalog: every module, lesson, quiz and handbook entry, cross-checked.

The `Catalog` type lives in the core (`bot.core.catalog`), which reads it without the YAML
loaders; it is re-exported here so `from bot.content import Catalog, load_catalog` keeps working.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.core.catalog import Catalog
from bot.errors import ContentError
from bot.handbook import Handbook
from lessons.handbook import HandbookEntry, read_handbook
from lessons.loader import lesson_files, read_lessons, read_modules
from lessons.models import IMAGE_SUFFIXES, LESSONS_DIR, Lesson, SelfCheck
from lessons.pictures import SVG_SUFFIX, PictureProblem, read_svg
from lessons.rules import course_problems
from lessons.selfcheck import read_selfcheck
from lessons.yamlfile import Loaded
from quizzes.loader import QUIZZES_DIR, quiz_files, quiz_path, read_quizzes
from quizzes.models import Quiz

__all__ = ["Catalog", "content_version", "load_catalog"]


def content_version(paths: list[Path]) -> str:
    """A short hash of the content files, stored with every completion."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _lesson_problems(
    lessons: list[Loaded[Lesson]], module_ids: set[str], lessons_dir: Path, alts: dict[str, str]
) -> list[str]:
    """Cross-file lesson checks: unique ids and orders, known modules, pictures that exist
    (the alt texts of the drawings they name go in `alts`)."""
    problems: list[str] = []
    first: dict[str, Loaded[Lesson]] = {}
    orders: dict[tuple[str, int], Loaded[Lesson]] = {}
    for loaded in lessons:
        lesson = loaded.item
        if lesson.id in first:
            other = first[lesson.id]
            problems.append(
                f"{loaded.where('id')}: id: duplicate lesson id {lesson.id}: "
                f"{other.where('id')} has it too; every lesson needs its own id"
            )
        first.setdefault(lesson.id, loaded)
        slot = (lesson.module, lesson.order)
        if slot in orders and orders[slot].item.id != lesson.id:
            problems.append(
                f"{loaded.where('order')}: order: lessons {orders[slot].item.id} and "
                f"{lesson.id} both have order {lesson.order} in module {lesson.module}"
            )
        orders.setdefault(slot, loaded)
        if lesson.module not in module_ids:
            problems.append(
                f"{loaded.where('module')}: module: {lesson.module} is not in modules.yaml"
            )
        problems += _image_problems(loaded, lessons_dir, alts)
    return problems


def _image_problems(loaded: Loaded[Lesson], lessons_dir: Path, alts: dict[str, str]) -> list[str]:
    """A lesson's pictures: under lessons/, existing, of a kind the channels can show; a
    drawing (SVG) with its alt text (its `<title>`), whose problems name the SVG's line too."""
    problems: list[str] = []
    root = lessons_dir.resolve()
    lesson = loaded.item
    images: list[tuple[tuple[str | int, ...], str | None]] = [(("image",), lesson.image)]
    images += [(("bubbles", i, "image"), b.image) for i, b in enumerate(lesson.bubbles)]
    for location, image in images:
        if image is None:
            continue
        target = (lessons_dir / image).resolve()
        where = f"{loaded.where(*location)}: {'.'.join(map(str, location))}"
        if not target.is_relative_to(root):
            problems.append(
                f"{where}: {image} is outside lessons/; put pictures in lessons/images/"
            )
        elif not target.is_file():
            problems.append(
                f"{where}: broken image reference: {image} does not exist under lessons/"
            )
        elif target.suffix.lower() not in IMAGE_SUFFIXES:
            problems.append(
                f"{where}: {image} is not a picture the channels can show; use "
                f"{', '.join(IMAGE_SUFFIXES)}"
            )
        elif target.suffix.lower() == SVG_SUFFIX:
            try:
                alts[image] = read_svg(target).alt
            except PictureProblem as exc:
                problems.append(f"{where}: {image} cannot be used ({target}:{exc.line}: {exc})")
    return problems


def _quiz_problems(
    quizzes: list[Loaded[Quiz]],
    lessons: dict[str, Loaded[Lesson]],
    lessons_dir: Path,
    quizzes_dir: Path,
) -> list[str]:
    """Every quiz closes a known lesson, once; every lesson has a quiz.

    A lesson or quiz file that exists but failed to load has its own problems already: it is
    not reported again as missing.
    """
    problems: list[str] = []
    first: dict[str, Loaded[Quiz]] = {}
    for loaded in quizzes:
        lesson_id = loaded.item.lesson
        if lesson_id in first:
            problems.append(
                f"{loaded.where('lesson')}: lesson: a second quiz for lesson {lesson_id} "
                f"(the first is {first[lesson_id].where('lesson')})"
            )
        first.setdefault(lesson_id, loaded)
        if lesson_id not in lessons and not _lesson_file(lessons_dir, lesson_id).exists():
            problems.append(
                f"{loaded.where('lesson')}: lesson: broken lesson reference: no lesson has "
                f"the id {lesson_id}"
            )
    for lesson_id, lesson in lessons.items():
        if lesson_id not in first and not quiz_path(lesson_id, quizzes_dir).exists():
            problems.append(
                f"{lesson.where('id')}: lesson {lesson_id} has no quiz: add "
                f"quizzes/{lesson_id[:1]}/{lesson_id}.yaml"
            )
    return problems


def _lesson_file(lessons_dir: Path, lesson_id: str) -> Path:
    return lessons_dir / lesson_id[:1] / f"{lesson_id}.yaml"


def _handbook_problems(
    entries: list[Loaded[HandbookEntry]], lessons: dict[str, Loaded[Lesson]], lessons_dir: Path
) -> list[str]:
    """Every handbook entry links to a lesson that exists (one that failed has its problems)."""
    return [
        f"{loaded.where('lesson')}: {'.'.join(map(str, loaded.at))}.lesson: broken lesson "
        f"reference: no lesson has the id {loaded.item.lesson}"
        for loaded in entries
        if loaded.item.lesson not in lessons
        and not _lesson_file(lessons_dir, loaded.item.lesson).exists()
    ]


def _selfcheck_problems(
    selfcheck: Loaded[SelfCheck] | None, module_ids: set[str], lessons: dict[str, Loaded[Lesson]]
) -> list[str]:
    """Every self-check question probes a module that exists and has lessons (the suggestion
    is that module's first lesson)."""
    if selfcheck is None:
        return []
    problems = []
    filled = {loaded.item.module for loaded in lessons.values()}
    for index, question in enumerate(selfcheck.item.questions):
        where = f"{selfcheck.where('questions', index, 'module')}: questions.{index}.module"
        if question.module not in module_ids:
            problems.append(f"{where}: module {question.module} is not in modules.yaml")
        elif question.module not in filled:
            problems.append(
                f"{where}: module {question.module} has no lessons yet, so there is nowhere to "
                "suggest starting"
            )
    return problems


def load_catalog(lessons_dir: Path = LESSONS_DIR, quizzes_dir: Path = QUIZZES_DIR) -> Catalog:
    """Load and cross-check all content.

    Raises:
        ContentError: listing every problem as `file:line: message`.
    """
    modules, modules_doc, problems = read_modules(lessons_dir)
    lessons, lesson_problems = read_lessons(lessons_dir)
    quizzes, quiz_problems = read_quizzes(quizzes_dir)
    entries, handbook_problems = read_handbook(lessons_dir)
    selfcheck, selfcheck_problems = read_selfcheck(lessons_dir)
    problems += lesson_problems + quiz_problems + handbook_problems + selfcheck_problems

    by_id: dict[str, Loaded[Lesson]] = {}
    for loaded in lessons:
        by_id.setdefault(loaded.item.id, loaded)
    alts: dict[str, str] = {}
    problems += _lesson_problems(lessons, {module.id for module in modules}, lessons_dir, alts)
    problems += _quiz_problems(quizzes, by_id, lessons_dir, quizzes_dir)
    problems += _handbook_problems(entries, by_id, lessons_dir)
    problems += _selfcheck_problems(selfcheck, {module.id for module in modules}, by_id)
    # The house rules of the second edition (lessons/rules/): words, lengths, claims.
    problems += course_problems(lessons_dir, modules_doc, lessons, quizzes, entries)
    if not lessons and not lesson_problems:
        problems.append(f"{lessons_dir}:1: no lesson files found")
    if problems:
        raise ContentError(problems)

    order = {module.id: module.order for module in modules}
    ordered = sorted(
        (loaded.item for loaded in by_id.values()),
        key=lambda lesson: (order[lesson.module], lesson.order, lesson.id),
    )
    # The version names what a learner completed: lessons and quizzes, not the handbook.
    paths = [lessons_dir / "modules.yaml", *lesson_files(lessons_dir), *quiz_files(quizzes_dir)]
    return Catalog(
        modules=tuple(modules),
        lessons=tuple(ordered),
        quizzes={loaded.item.lesson: loaded.item for loaded in quizzes},
        version=content_version(paths),
        lessons_dir=lessons_dir,
        handbook=Handbook(tuple(loaded.item for loaded in entries)),
        selfcheck=selfcheck.item if selfcheck is not None else None,
        pictures=alts,
    )
