"""Domain events: the facts the core reports, which storage applies in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ConsentChanged:
    """The learner agreed to (or declined, or withdrew) the privacy notice of `version`."""

    given: bool
    version: str


@dataclass(frozen=True)
class LocaleChanged:
    """The learner chose another interface language."""

    locale: str


@dataclass(frozen=True)
class LessonStarted:
    """The learner opened a lesson."""

    lesson_id: str


@dataclass(frozen=True)
class LessonCompleted:
    """The learner read every bubble of a lesson."""

    lesson_id: str


@dataclass(frozen=True)
class QuestionAnswered:
    """One answer to one quiz question (every answer is kept)."""

    lesson_id: str
    attempt: int
    question_id: str
    answer: str
    correct: bool
    points: float


@dataclass(frozen=True)
class QuizFinished:
    """A quiz attempt ended, passed or completed-but-failed."""

    lesson_id: str
    attempt: int
    points: float
    max_points: int
    passed: bool


@dataclass(frozen=True)
class ModuleCompleted:
    """Every lesson of a module is passed (recorded once per learner and module)."""

    module_id: str


@dataclass(frozen=True)
class CourseCompleted:
    """Every lesson of the course is passed (recorded once per learner)."""


@dataclass(frozen=True)
class ReviewAnswered:
    """One review item answered: it comes back later (wrong) or much later (right)."""

    lesson_id: str
    question_id: str
    correct: bool
    due: datetime


@dataclass(frozen=True)
class CertificateIssued:
    """A certificate of completion, with the name the learner chose to print (may be empty).

    The name is stored only on the certificate row, nowhere else.
    """

    code: str
    display_name: str
    modules: tuple[str, ...]
    lessons: int


@dataclass(frozen=True)
class OfficialCertificationReported:
    """The learner says the national platform certified them on VNeID (self-reported)."""


@dataclass(frozen=True)
class LinkCodeIssued:
    """/lienket showed a one-time code; typing it on another channel links the two."""

    code: str
    expires_at: datetime


@dataclass(frozen=True)
class Enrolled:
    """The learner joined through an ambassador's invite (after consent; the first one wins).

    `via`: "link" (a deep link's payload) or "code" (`/thamgia CODE`); storage adds the channel
    the turn came on and the time.
    """

    ambassador_id: int
    via: str


@dataclass(frozen=True)
class NudgeQueued:
    """An ambassador nudged one of their villagers (`learner_id`, not the ambassador).

    Storage records it once per villager and local `day` (`scheduled_fire`, kind "nudge") and,
    only then, queues the message (`text` with `choices` as (id, label) pairs, in the villager's
    language) for the villager's reachable app, due at `not_before` and skipped after
    `expires_at` (quiet hours).
    """

    learner_id: int
    day: date
    not_before: datetime
    expires_at: datetime
    text: str
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SkillConfirmed:
    """Ambassador `ambassador_id` saw villager `learner_id` do `skill` for real (one of
    `bot.core.skills.SKILLS`); storage keeps the first confirmation of each skill."""

    learner_id: int
    skill: str
    ambassador_id: int


@dataclass(frozen=True)
class VillagerAdded:
    """An ambassador added a villager without a smartphone, attesting that they agreed to the
    privacy notice read aloud (learning together, /hoccung).

    Storage creates the villager's learner (no channel identity; consent `consent_version`,
    given now), their `assisted_learner` row (`alias`, attested now) and their enrollment
    ("assisted", the ambassador's channel). `bot.core.assisted_session.villager_state` is
    the villager's first state.
    """

    public_id: str
    alias: str
    consent_version: str
    # The villager's profile: the ambassador's commune, the age band and group chosen (values
    # of `AgeBand` and `TargetGroup`, None when skipped).
    province: str
    commune: str
    admin_version: str | None = None
    age_band: str | None = None
    group: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class VillagerErased:
    """The ambassador deleted a villager's data (theirs only: storage checks whose it is)."""

    public_id: str


@dataclass(frozen=True)
class AssistedSessionOpened:
    """A learning-together session (re)opened with villager `public_id` in this turn: the
    service loads that villager and shows where they are (nothing is stored for it)."""

    public_id: str


@dataclass(frozen=True)
class FamilyCreated:
    """The learner created a family (Gia đình số) with invite `code`, known there as `alias`;
    storage makes them its first member and its helper."""

    code: str
    alias: str


@dataclass(frozen=True)
class FamilyJoined:
    """The learner agreed to share their progress with family `family_id` and joined it as
    `alias` (a member may be in one family: storage refuses a second)."""

    family_id: int
    alias: str


@dataclass(frozen=True)
class FamilyLeft:
    """The learner left family `family_id` ("Rời gia đình")."""

    family_id: int


@dataclass(frozen=True)
class FamilyHelperChosen:
    """A member chose `learner_id` as the family's helper (a member of the same family)."""

    family_id: int
    learner_id: int


@dataclass(frozen=True)
class ContestStarted:
    """The learner starts their one attempt at a contest (storage refuses a second one); the
    area and group are those of the profile now."""

    contest_id: int
    province: str
    commune: str
    group: str


@dataclass(frozen=True)
class ContestAnswered:
    """One contest answer, timed on the server: `ms` from the question shown to the answer
    (capped at the limit), `correct` False for a late answer."""

    contest_id: int
    question_id: str
    correct: bool
    ms: int


@dataclass(frozen=True)
class ContestFinished:
    """The last contest question answered: the participation certificate's code."""

    contest_id: int
    score: int
    total_ms: int
    certificate_code: str


@dataclass(frozen=True)
class DataErased:
    """The learner asked for their personal data to be deleted."""


DomainEvent = (
    ConsentChanged
    | LocaleChanged
    | LessonStarted
    | LessonCompleted
    | QuestionAnswered
    | QuizFinished
    | ModuleCompleted
    | CourseCompleted
    | ReviewAnswered
    | CertificateIssued
    | OfficialCertificationReported
    | LinkCodeIssued
    | Enrolled
    | NudgeQueued
    | SkillConfirmed
    | VillagerAdded
    | VillagerErased
    | AssistedSessionOpened
    | FamilyCreated
    | FamilyJoined
    | FamilyLeft
    | FamilyHelperChosen
    | ContestStarted
    | ContestAnswered
    | ContestFinished
    | DataErased
)
