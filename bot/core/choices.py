"""The menus: which (action, label) pairs each screen offers, derived from the state alone.

Because the choices follow from the state, a button tap is checked against exactly what the
current screen shows, and a typed answer is matched against those labels.
"""

from __future__ import annotations

from bot.core.assisted_menus import ASSISTED_MODES, assisted_choices
from bot.core.catalog import CHECK_PREFIX, bubbles
from bot.core.contest_screens import CONTEST_MODES, contest_choices
from bot.core.family_screens import FAMILY_MODES, family_choices
from bot.core.messages import Choice
from bot.core.profile_menus import PROFILE_MODES, profile_choices
from bot.core.progress_screens import offer_choices, progress_choices
from bot.core.resume import certificate_due, resume_label, resume_point
from bot.core.roster_screens import ROSTER_MODES, roster_mode_choices
from bot.core.selfcheck_screens import SELFCHECK_MODES, selfcheck_choices
from bot.core.state import Mode
from bot.core.turn import Turn
from bot.i18n import SUPPORTED_LOCALES
from lessons.models import Module
from quizzes.models import QuestionType

# Each language is named in itself, so a learner who cannot read the current one finds theirs.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def choices(turn: Turn) -> list[tuple[str, str]]:
    """The (action, label) pairs the current prompt offers, derived from the state."""
    _, state, catalog = turn._, turn.state, turn.ctx.catalog
    mode = state.mode
    if mode in PROFILE_MODES:
        return profile_choices(turn)
    if mode is Mode.NEW:
        # After erasure: any input starts afresh, the button says so.
        return [("start", _("Start again"))]
    if mode in ASSISTED_MODES:
        return assisted_choices(turn)
    if mode in SELFCHECK_MODES:
        return selfcheck_choices(turn)
    if mode in CONTEST_MODES:
        return contest_choices(turn)
    if mode is Mode.CONSENT:
        return [
            ("agree", _("I agree")),
            ("decline", _("I do not agree")),
            ("privacy", _("What data do you keep?")),
        ]
    if mode is Mode.MENU:
        found = []
        point = resume_point(state, catalog)
        if certificate_due(state, catalog):
            # The course is complete: the certificate first, then an elective if any is left.
            found.append(("certificate", _("🎓 Get my certificate")))
        if point is not None:
            found.append(("next_lesson", resume_label(point, turn.t)))
        handbook = [("handbook", _("Handbook: questions and answers"))]
        asked = state.profile.asked or not state.consent
        profile = [] if asked else [("profile_start", _("4 short questions"))]
        return (
            found
            + [("modules", _("All lessons"))]
            + (handbook if len(catalog.handbook) else [])
            + [("progress", _("My progress"))]
            + profile
            + [("help", _("Help"))]
        )
    if mode is Mode.MODULES:
        filled = {lesson.module for lesson in catalog.lessons}
        modules = [m for m in catalog.modules if m.id in filled]
        # Titles only: every channel numbers its menus already ("1. A. …" read twice).
        return [(f"module.{m.id}", module_label(turn, m)) for m in modules] + [
            ("menu", _("Back to menu"))
        ]
    if mode is Mode.MODULE:
        lessons = [lesson for lesson in catalog.lessons if lesson.module == state.module_id]
        return [
            (f"lesson.{lesson.id}", _mark(lesson.id in state.passed) + lesson.title)
            for lesson in lessons
        ] + [("modules", _("Back"))]
    if mode is Mode.LESSON:
        lesson = turn.lesson()
        if lesson is None:
            return [("menu", _("Menu"))]
        steps = bubbles(lesson)
        step = steps[min(state.bubble, len(steps) - 1)]
        if step.check is not None:
            return [
                (f"{CHECK_PREFIX}{index}", option.text)
                for index, option in enumerate(step.check.options)
            ] + [("menu", _("Menu"))]
        if state.bubble < len(steps) - 1:
            label = _("I did it ▶") if step.try_ is not None else _("Continue ▶")
            return [("continue", label), ("menu", _("Menu"))]
        return [("quiz", _("Take the quiz")), ("menu", _("Later"))]
    if mode in (Mode.QUIZ, Mode.REVIEW):
        return _quiz_choices(turn)
    if mode is Mode.PROGRESS:
        return progress_choices(turn)
    if mode is Mode.REVIEW_OFFER:
        return offer_choices(turn)
    if mode is Mode.QUIZ_DONE:
        passed = bool(state.quiz and state.quiz.last_passed)
        if passed:
            point = resume_point(state, catalog)
            found = []
            if certificate_due(state, catalog):
                found.append(("certificate", _("🎓 Get my certificate")))
            if point is not None:
                found.append(("next_lesson", _("Next: {title}").format(title=point.lesson.title)))
            return found + [("menu", _("Menu"))]
        return [
            ("retry", _("Try the quiz again")),
            ("reread", _("Read the lesson again")),
            ("menu", _("Later")),
        ]
    if mode is Mode.CONFIRM_ERASE:
        return [("erase_yes", _("Yes, delete my data")), ("erase_no", _("No, keep it"))]
    if mode is Mode.LANGUAGE:
        return [(f"locale.{code}", LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES]
    if mode is Mode.HANDBOOK:
        return [("menu", _("Back to menu"))]
    if mode is Mode.HANDBOOK_ANSWER:
        return _handbook_choices(turn)
    if mode is Mode.LINK:
        entered = [("link_enter", _("I have a code from another app"))]
        return (entered if link_code_shown(turn) else []) + [("menu", _("Menu"))]
    if mode in ROSTER_MODES:
        return roster_mode_choices(turn)
    if mode in FAMILY_MODES:
        return family_choices(turn)
    return []


def module_label(turn: Turn, module: Module) -> str:
    """A module's title, marked "(optional)" for an elective."""
    if module.required:
        return module.title
    return f"{module.title} {turn._('(optional)')}"


def link_code_shown(turn: Turn) -> bool:
    """Whether the link screen shows a code that still works (else it waits for one)."""
    expires = turn.state.link_expires_at
    return turn.state.link_code is not None and expires is not None and expires > turn.ctx.now


def rendered_choices(turn: Turn) -> tuple[Choice, ...]:
    """The choices as buttons: ids carry the turn, so taps on older messages can be told."""
    number = turn.state.turn
    return tuple(Choice(f"{number}:{action}", label) for action, label in choices(turn))


def _handbook_choices(turn: Turn) -> list[tuple[str, str]]:
    _, state, catalog = turn._, turn.state, turn.ctx.catalog
    found = []
    entry = catalog.handbook.entry(state.handbook_entry or "")
    lesson = catalog.lesson(entry.lesson) if entry else None
    if lesson is not None:
        label = _("📘 Open the lesson: {title}").format(title=lesson.title)
        found.append((f"lesson.{lesson.id}", label))
    for other_id in state.handbook_hits:
        other = catalog.handbook.entry(other_id)
        if other is not None and other_id != state.handbook_entry:
            found.append((f"hb.{other.id}", "❓ " + other.question))
    return found + [("handbook", _("Ask another question")), ("menu", _("Menu"))]


def _quiz_choices(turn: Turn) -> list[tuple[str, str]]:
    question, progress = turn.question(), turn.state.quiz
    if question is None or progress is None:
        return []
    if question.type is QuestionType.TRUE_FALSE:
        return [("true", turn._("True")), ("false", turn._("False"))]
    if question.type is QuestionType.SHORT:
        return []
    options = question.options
    if progress.candidates:
        options = [o for o in options if o.id in progress.candidates]
    if question.type is QuestionType.MULTIPLE:
        return [
            (f"opt.{o.id}", ("☑ " if o.id in progress.selected else "☐ ") + o.text)
            for o in options
        ] + [("done", turn._("Done"))]
    return [(f"opt.{o.id}", o.text) for o in options]


def _mark(done: bool) -> str:
    return "✅ " if done else ""
