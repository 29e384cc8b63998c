"""The screens of progress and review: the /tiendo report and the "Ôn lại 3 câu?" offer.

Kept apart from `screens` and `choices` (which call in here) so the report's rules live in one
place: what counts as passed, as worth another try, as due for review.
"""

from __future__ import annotations

from bot.core.resume import certificate_due, resume_label, resume_point
from bot.core.skills import SKILLS, known
from bot.core.spaced import ROUND_SIZE, due
from bot.core.streak import local_day, running
from bot.core.turn import Turn
from lessons.models import Lesson

# Text bars: filled and empty blocks; a bar is at most this many blocks wide.
FULL, EMPTY = "▓", "░"
BAR_WIDTH = 10
# A module title is cut to this many characters, so its line (with its bar) fits a 360-pixel
# phone; a line of text alone holds about LINE_CHARS.
TITLE_CHARS = 24
LINE_CHARS = 34
# The report names this many quizzes to try again, then says how many more.
RETRY_NAMED = 3


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """A bar like ▓▓▓░░░░░░░: any progress shows a block, only all done fills the bar."""
    if total <= 0:
        return EMPTY * width
    filled = done * width // total
    if done and not filled:
        filled = 1
    return FULL * filled + EMPTY * (width - filled)


def short(title: str, limit: int = TITLE_CHARS) -> str:
    """A title cut at a word boundary, with "…" when cut."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" :,")
    return cut + "…"


def to_retry(turn: Turn) -> list[Lesson]:
    """Lessons whose quiz was tried but is not passed yet, in course order."""
    state = turn.state
    return [
        lesson
        for lesson in turn.ctx.catalog.lessons
        if state.attempts.get(lesson.id, 0) > 0
        and lesson.id not in state.passed
        and turn.ctx.catalog.quiz(lesson.id) is not None
    ]


def due_count(turn: Turn) -> int:
    """Review items due now whose question still exists."""
    return len(due(turn.state.reviews, turn.ctx.now, turn.ctx.catalog))


def progress_texts(turn: Turn, full: bool) -> list[str]:
    """The progress report: overall, per module, quizzes to retry, reviews due, the streak."""
    t, catalog, state = turn.t, turn.ctx.catalog, turn.state
    # The overall bar is the course: its required lessons (electives have their own lines).
    lessons = catalog.required_lessons
    passed = sum(1 for lesson in lessons if lesson.id in state.passed)
    overall = turn._("{bar} {passed}/{total} lessons ({percent})").format(
        bar=bar(passed, len(lessons)),
        passed=t.number(passed),
        total=t.number(len(lessons)),
        percent=t.percent(passed / len(lessons) if lessons else 0),
    )
    if not full:
        return [turn._("📊 Your progress") + "\n" + overall]
    lines = [turn._("📊 Your progress"), overall, ""]
    for module in catalog.modules:
        ids = [lesson.id for lesson in catalog.lessons if lesson.module == module.id]
        if not ids:
            continue
        done = sum(1 for lesson_id in ids if lesson_id in state.passed)
        mark = " ✅" if done == len(ids) else ""
        title = short(module.title)
        if not module.required:
            optional = turn._("(optional)")
            title = f"{short(module.title, TITLE_CHARS - len(optional) - 1)} {optional}"
        lines.append(
            f"{module.id}. {title} "
            f"{bar(done, len(ids), min(len(ids), BAR_WIDTH))} "
            f"{t.number(done)}/{t.number(len(ids))}{mark}"
        )
    lines.append("")
    retry = to_retry(turn)
    if retry:
        lines.append(turn._("🔁 Quizzes to try again:"))
        lines += [f"• {short(lesson.title, LINE_CHARS)}" for lesson in retry[:RETRY_NAMED]]
        if len(retry) > RETRY_NAMED:
            lines.append(
                turn._("…and {count} more").format(count=t.number(len(retry) - RETRY_NAMED))
            )
    waiting = due_count(turn)
    if waiting:
        lines.append(turn._("🧠 Questions to review: {count}").format(count=t.number(waiting)))
    lines.append(streak_line(turn))
    lines += real_skill_lines(turn)
    return ["\n".join(lines).rstrip()]


def real_skill_lines(turn: Turn) -> list[str]:
    """The real-world skills an ambassador confirmed for the learner, apart from the quizzes
    (none loaded or none confirmed: no lines)."""
    confirmed = known(turn.ctx.real_skills or ())
    if not confirmed:
        return []
    lines = ["", turn._("🏅 Done for real (confirmed by a digital ambassador):")]
    for item in confirmed:
        day = turn.t.day(item.confirmed_at, turn.ctx.zone)
        lines.append(f"✔ {turn._(SKILLS[item.skill])} · {day}")
    return lines


def streak_line(turn: Turn) -> str:
    """The streak, told kindly: the run that still counts, or the best one and a fresh start."""
    t, streak = turn.t, turn.state.streak
    days = running(streak, local_day(turn.ctx.now, turn.ctx.zone))
    if days:
        line = t.ngettext("🔥 {days} day in a row.", "🔥 {days} days in a row.", days)
        line = line.format(days=t.number(days))
        if streak.best > days:
            line += " " + turn._("Your best: {best}.").format(best=t.number(streak.best))
        return line
    if streak.best:
        return t.ngettext(
            "🌱 Your best run: {best} day in a row. One step today starts a new one!",
            "🌱 Your best run: {best} days in a row. One step today starts a new one!",
            streak.best,
        ).format(best=t.number(streak.best))
    return turn._("🌱 Finish one step today to start your learning streak!")


def progress_choices(turn: Turn) -> list[tuple[str, str]]:
    """Learn on (the certificate first, once the course is done), retry the first quiz not
    passed yet, review now, back to the menu."""
    found = []
    state = turn.state
    point = resume_point(state, turn.ctx.catalog)
    if point is not None and certificate_due(state, turn.ctx.catalog):
        # The course is done but an elective is left: the certificate first, as in the menu.
        found.append(("certificate", turn._("🎓 Get my certificate")))
    if point is not None:
        label = resume_label(point, turn.t, short(point.lesson.title, LINE_CHARS))
        found.append(("next_lesson", label))
    retry = to_retry(turn)
    if retry:
        label = turn._("🔁 Retry: {title}").format(title=short(retry[0].title, LINE_CHARS))
        found.append((f"retry.{retry[0].id}", label))
    waiting = min(due_count(turn), ROUND_SIZE)
    if waiting:
        label = turn.t.ngettext(
            "🧠 Review {count} question", "🧠 Review {count} questions", waiting
        ).format(count=turn.t.number(waiting))
        found.append(("review", label))
    return found + [("menu", turn._("Menu"))]


def offer_texts(turn: Turn, full: bool) -> list[str]:
    """The offer at the start of a session: "Ôn lại 3 câu?"."""
    count = min(due_count(turn), ROUND_SIZE)
    t = turn.t
    question = t.ngettext("🧠 Review {count} question?", "🧠 Review {count} questions?", count)
    text = question.format(count=t.number(count))
    if full:
        text += "\n" + turn._(
            "Questions you missed earlier come back now and then, so that you remember "
            "them. It takes about a minute."
        )
    return [text]


def offer_choices(turn: Turn) -> list[tuple[str, str]]:
    return [("review", turn._("Review now")), ("review_later", turn._("Later"))]
