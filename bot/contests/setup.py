"""Setting up a contest: the checks, the question set (from our quizzes or a GIFT file), the
stored row and its announcement through the outbox to the learners in scope.

Used by `hocvuso contest create` and the dashboard's form alike, so both refuse the same things
with the same words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.catalog import Catalog
from bot.core.contest_flow import contest_playable
from bot.core.scope import Scope
from bot.core.state import TargetGroup
from bot.i18n import N_, Translator
from bot.outbox import queue_announcement
from bot.places import Places
from quizzes.gift import gift_to_quiz
from quizzes.models import Question
from storage import ContestRecord, Storage

MAX_TITLE = 120
MIN_SECONDS, MAX_SECONDS = 5, 120
MAX_QUESTIONS = 30
DEFAULT_QUESTIONS, DEFAULT_SECONDS = 10, 20
MAX_WINDOW = timedelta(days=31)


class ContestError(ValueError):
    """A contest that cannot be set up: `reason` is an English message id with `{fields}`
    (`str()` gives it filled in, for the CLI; `translated()` for the dashboard)."""

    def __init__(self, reason: str, **fields: object) -> None:
        super().__init__(reason.format(**fields))
        self.reason, self.fields = reason, fields

    def translated(self, tr: Translator) -> str:
        """The reason in the reader's language."""
        return tr.gettext(self.reason).format(**self.fields)


@dataclass(frozen=True)
class ContestDraft:
    """What an official asks for. `lessons` or `gift` (the text of a GIFT file) gives the
    questions; with neither, every lesson's quiz."""

    title: str
    opens_at: datetime
    closes_at: datetime
    province: str | None = None
    commune: str | None = None
    group: TargetGroup | None = None
    questions: int = DEFAULT_QUESTIONS
    seconds: int = DEFAULT_SECONDS
    lessons: tuple[str, ...] = ()
    gift: str | None = None
    gift_name: str = ""


def question_set(
    draft: ContestDraft, catalog: Catalog, rng: random.Random | None = None
) -> tuple[list[Question], str]:
    """The contest's questions (single choice or true/false only: one tap each) and where
    they came from.

    Raises:
        ContestError: an unknown lesson, an unreadable GIFT file, or too few questions.
    """
    rng = rng or random.Random()  # noqa: S311 - picking questions, not a secret
    if draft.gift is not None:
        quiz, notes = gift_to_quiz(draft.gift, "X1")
        if quiz is None:
            why = "; ".join(f"line {note.line}: {note.message}" for note in notes[:3])
            raise ContestError(
                N_("the GIFT file has no question a contest can ask ({why})"), why=why
            )
        pool = [q for q in quiz.questions if contest_playable(q)]
        source = f"gift {draft.gift_name}".strip()
        ordered = pool[: draft.questions]
    else:
        ids = draft.lessons or tuple(lesson.id for lesson in catalog.lessons)
        pool = []
        for lesson_id in ids:
            quiz = catalog.quiz(lesson_id)
            if catalog.lesson(lesson_id) is None:
                raise ContestError(N_("there is no lesson {lesson}"), lesson=lesson_id)
            if quiz is not None:
                pool.extend(q for q in quiz.questions if contest_playable(q))
        source = "lessons " + ",".join(draft.lessons) if draft.lessons else "all lessons"
        ordered = rng.sample(pool, min(draft.questions, len(pool)))
    if len(ordered) < draft.questions:
        raise ContestError(
            N_(
                "only {count} questions can be asked (single choice or true/false): ask for "
                "that many at most"
            ),
            count=len(pool),
        )
    # Ids unique within the contest (two lessons may both have a "q1").
    return [q.model_copy(update={"id": f"c{i + 1}"}) for i, q in enumerate(ordered)], source


def checked(draft: ContestDraft, places: Places, scope: Scope | None, now: datetime) -> None:
    """Refuse a draft that cannot run or lies outside the official's scope (None: the
    operator's CLI, everything).

    Raises:
        ContestError: why, in plain words.
    """
    if not draft.title.strip() or len(draft.title) > MAX_TITLE:
        raise ContestError(N_("the title must have 1 to {limit} characters"), limit=MAX_TITLE)
    if draft.opens_at.tzinfo is None or draft.closes_at.tzinfo is None:
        raise ContestError(N_("give the opening and closing times with their zone"))
    if draft.closes_at <= draft.opens_at:
        raise ContestError(N_("the contest must close after it opens"))
    if draft.closes_at <= now:
        raise ContestError(N_("the closing time has passed already"))
    if draft.closes_at - draft.opens_at > MAX_WINDOW:
        raise ContestError(N_("a contest can stay open for 31 days at most"))
    if not MIN_SECONDS <= draft.seconds <= MAX_SECONDS:
        raise ContestError(
            N_("seconds per question: {low} to {high}"), low=MIN_SECONDS, high=MAX_SECONDS
        )
    if not 1 <= draft.questions <= MAX_QUESTIONS:
        raise ContestError(N_("questions per player: 1 to {high}"), high=MAX_QUESTIONS)
    province = draft.province
    if draft.commune is not None:
        commune = places.commune(draft.commune)
        if commune is None and len(places):
            raise ContestError(N_("there is no commune {code}"), code=draft.commune)
        province = commune.province_code if commune is not None else province
    elif province is not None and len(places) and places.province(province) is None:
        raise ContestError(N_("there is no province {code}"), code=province)
    if scope is not None:
        if province is None and draft.commune is None:
            if scope.kind.value != "admin":
                raise ContestError(
                    N_("name your commune or province: the contest is for your area")
                )
        elif not scope.allows(province, draft.commune):
            raise ContestError(N_("that area is outside yours"))


async def create_contest(
    storage: Storage,
    catalog: Catalog,
    places: Places,
    draft: ContestDraft,
    now: datetime,
    *,
    tr: Translator,
    zone: ZoneInfo,
    scope: Scope | None = None,
    official_id: int | None = None,
    created_by: str = "",
    rng: random.Random | None = None,
) -> tuple[ContestRecord, int]:
    """Check, store and announce a contest; returns it and how many learners were written to.

    Raises:
        ContestError: the draft cannot run (nothing stored).
        StorageError: nothing was stored (or the contest was, and the announcement not).
    """
    checked(draft, places, scope, now)
    questions, source = question_set(draft, catalog, rng)
    province = draft.province
    if draft.commune is not None:
        commune = places.commune(draft.commune)
        province = commune.province_code if commune is not None else province
    record = await storage.contests.create(
        now,
        title=draft.title.strip(),
        opens_at=draft.opens_at,
        closes_at=draft.closes_at,
        seconds=draft.seconds,
        questions=[q.model_dump(mode="json", exclude_defaults=True) for q in questions],
        province=province,
        commune=draft.commune,
        group=draft.group.value if draft.group else None,
        source=source,
        official_id=official_id,
        created_by=created_by,
    )
    text = announcement(record, tr, zone)
    reached = await queue_announcement(
        storage,
        text,
        now,
        key=f"contest:{record.id}:announce",
        province=record.province,
        commune=record.commune,
        group=draft.group,
    )
    return record, reached


def announcement(record: ContestRecord, tr: Translator, zone: ZoneInfo) -> str:
    """The message learners in scope get when a contest is set up."""
    return tr.gettext(
        "🏆 Contest “{title}”: {count} questions, {seconds} seconds each. Open from {opens} "
        "to {closes}. Type /thi to play (one attempt per person)."
    ).format(
        title=record.title,
        count=tr.number(len(record.questions)),
        seconds=tr.number(record.seconds),
        opens=tr.moment(record.opens_at, zone),
        closes=tr.moment(record.closes_at, zone),
    )


def parse_lessons(raw: str | None) -> tuple[str, ...]:
    """ "A1,B2" -> ("A1", "B2")."""
    return tuple(part.strip().upper() for part in (raw or "").split(",") if part.strip())


__all__ = [
    "ContestDraft",
    "ContestError",
    "announcement",
    "checked",
    "create_contest",
    "parse_lessons",
    "question_set",
]
