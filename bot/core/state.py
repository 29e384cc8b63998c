"""The learner's conversation state: everything the core needs to answer the next input."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Mode(StrEnum):
    """Where the learner is in the conversation."""

    NEW = "new"
    CONSENT = "consent"
    MENU = "menu"
    MODULES = "modules"
    MODULE = "module"
    LESSON = "lesson"
    QUIZ = "quiz"
    QUIZ_DONE = "quiz_done"
    CONFIRM_ERASE = "confirm_erase"
    LANGUAGE = "language"
    HANDBOOK = "handbook"  # "Bác muốn hỏi gì?": the next typed text is searched
    HANDBOOK_ANSWER = "handbook_answer"  # one handbook answer shown, with the other hits
    # The profile, asked right after consent and changed with /hoso.
    PROFILE_PLACE = "profile_place"  # "Which commune?": the next typed text is searched
    PROFILE_PICK = "profile_pick"  # up to five numbered candidates for an ambiguous name
    PROFILE_GROUP = "profile_group"
    PROFILE_AGE = "profile_age"
    PROFILE_REMINDER = "profile_reminder"
    PROFILE = "profile"  # the profile shown, with what can be changed
    REMINDERS = "reminders"  # /nhacnho: the reminder time or off
    REVIEW_OFFER = "review_offer"  # "Ôn lại 3 câu?" at the start of a session
    REVIEW = "review"  # a review question on screen
    PROGRESS = "progress"  # /tiendo: the progress report, with retry and review buttons
    CERTIFICATE_NAME = "certificate_name"  # the name to print on the certificate (optional)
    COURSE_DONE = "course_done"  # the certificate sent; the official path explained
    LINK = "link"  # /lienket: a code shown, or a code from another channel expected
    # An ambassador's roster (/danhsach): a page of villagers, one villager's details, the
    # real-world skills to confirm for them, and "did you see it?" for one skill.
    ROSTER = "roster"
    VILLAGER = "villager"
    VILLAGER_SKILLS = "villager_skills"
    SKILL_CONFIRM = "skill_confirm"
    # Learning together (/hoccung), the ambassador's screens (bot.core.assisted_flow).
    ASSISTED = "assisted"  # the villagers to learn with, "add someone", "end"
    ASSISTED_ALIAS = "assisted_alias"  # the next typed text names a new villager
    ASSISTED_AGE = "assisted_age"
    ASSISTED_GROUP = "assisted_group"
    ASSISTED_ATTEST = "assisted_attest"  # the notice read aloud: did the villager agree?
    ASSISTED_ERASE = "assisted_erase"  # whose data to delete
    ASSISTED_ERASE_CONFIRM = "assisted_erase_confirm"
    # A session is on: the ambassador's inputs run on the villager's state (the service relays
    # them, bot.core.assisted_session), except /hoccung and its screens.
    ASSISTING = "assisting"
    # The self-check at the start (/tukiemtra): the offer, a question, the suggested start.
    SELFCHECK_OFFER = "selfcheck_offer"
    SELFCHECK = "selfcheck"
    SELFCHECK_RESULT = "selfcheck_result"
    # A family (Gia đình số, /giadinh, bot.core.family_flow): the family screen, joining one
    # (what is shared, agreed to), the alias to be known by, the age band when the profile has
    # none, choosing the helper, leaving.
    FAMILY = "family"
    FAMILY_JOIN = "family_join"
    FAMILY_ALIAS = "family_alias"
    FAMILY_AGE = "family_age"
    FAMILY_HELPER = "family_helper"
    FAMILY_LEAVE = "family_leave"
    # A contest (/thi): a timed question on screen, then the learner's result so far.
    CONTEST = "contest"
    CONTEST_DONE = "contest_done"


class TargetGroup(StrEnum):
    """The four official target groups of Decision 757 (the reporting dimension)."""

    PUPILS = "pupils"
    RESIDENTS = "residents"
    PUBLIC_SERVANTS = "public_servants"
    ENTERPRISE_WORKERS = "enterprise_workers"


class AgeBand(StrEnum):
    """An age band, never a birth date."""

    UNDER_16 = "under_16"
    FROM_16_TO_35 = "16_35"
    FROM_36_TO_59 = "36_59"
    FROM_60 = "60_plus"


class ReminderSlot(StrEnum):
    """When the learner likes a reminder; OFF sends none."""

    MORNING = "morning"
    NOON = "noon"
    EVENING = "evening"
    OFF = "off"


class Profile(BaseModel):
    """Who learned, for the reports: place, group, age band. No name, phone or ID, ever.

    `None` everywhere means "not said" (skipped or "không biết"), which reports count as
    unknown. `asked` is set once the profile questions were offered, answered or skipped.
    """

    model_config = ConfigDict(extra="ignore")

    province: str | None = None  # two-digit province code
    commune: str | None = None  # five-digit commune code
    admin_version: str | None = None  # the admin-unit data version the codes come from
    group: TargetGroup | None = None
    age_band: AgeBand | None = None
    reminder: ReminderSlot | None = None  # None: not chosen yet (treated as evening)
    asked: bool = False


class ReviewCard(BaseModel):
    """One wrongly answered question coming back for review, scheduled with FSRS.

    `card` is the `fsrs.Card.to_dict()` of the item; `due` is copied out of it so the core
    can count due items without building cards.
    """

    model_config = ConfigDict(extra="ignore")

    lesson_id: str
    question_id: str
    due: datetime
    card: dict[str, object] = Field(default_factory=dict)


class Streak(BaseModel):
    """Days with at least one completed step, in the learner's local calendar."""

    model_config = ConfigDict(extra="ignore")

    current: int = 0
    best: int = 0
    last_day: date | None = None  # the last local day with a completed step


class CertificateInfo(BaseModel):
    """The certificate issued for this learner (the row lives in storage too)."""

    model_config = ConfigDict(extra="ignore")

    code: str
    issued_at: datetime


class QuizProgress(BaseModel):
    """A quiz attempt in progress."""

    model_config = ConfigDict(extra="ignore")

    attempt: int = 1
    index: int = 0
    points: float = 0.0
    selected: list[str] = Field(default_factory=list)
    candidates: list[str] = Field(default_factory=list)
    last_points: float | None = None
    last_passed: bool | None = None
    review: bool = False  # a review round's answers, not a lesson quiz attempt


class SelfCheckProgress(BaseModel):
    """The self-check under way (or just finished): the option ids picked, one per question.

    Kept in the conversation state only, never scored or reported: the result screen is
    derived from it.
    """

    model_config = ConfigDict(extra="ignore")

    answers: list[str] = Field(default_factory=list)


class ContestProgress(BaseModel):
    """The learner's attempt at a contest (storage's `contest_attempt` row has the truth):
    the question on screen, when it was shown (the turn's clock), the score and time so far."""

    contest_id: int
    index: int = 0
    asked_at: datetime | None = None
    score: int = 0
    total_ms: int = 0
    total: int = 0  # questions in the contest
    finished: bool = False
    certificate: str | None = None  # the participation code, once finished


class AmbassadorRole(BaseModel):
    """The learner is a digital ambassador (Đại sứ số) of one commune (`/daisu CODE`).

    Mirrors the `ambassador` row (storage/ambassadors.py), so the core can decide what to show
    without a database: set when the service reports an appointed code, gone when the learner
    erases their data. `invite_code` is the personal invite (the `/start` payload and the code
    villagers type with `/thamgia`).
    """

    model_config = ConfigDict(extra="ignore")

    province: str  # two-digit province code
    commune: str  # five-digit commune code
    invite_code: str


class OfficialKind(StrEnum):
    """An official's role: which area's numbers they may see (`bot.core.scope`)."""

    COMMUNE = "commune"
    PROVINCE = "province"
    ADMIN = "admin"


class OfficialRole(BaseModel):
    """The learner is an official (`/canbo CODE`): mirrors their `official` row
    (storage/officials.py) so the core can answer without a database. The service checks the
    row itself before any official action; a revoked role is dropped from the state then."""

    model_config = ConfigDict(extra="ignore")

    public_id: str
    kind: OfficialKind
    province: str | None = None  # two-digit code: a commune or province official's
    commune: str | None = None  # five-digit code: a commune official's


class AssistedVillager(BaseModel):
    """A villager the ambassador learns together with, as the /hoccung list shows them."""

    model_config = ConfigDict(extra="ignore")

    id: str  # the villager learner's public id
    alias: str  # the name the ambassador chose (no real name is asked)


class AssistedSession(BaseModel):
    """The villager whose lessons the ambassador's inputs run on now, and since when it is
    quiet: the session ends on its own after `bot.core.assisted_flow.SESSION_IDLE`."""

    model_config = ConfigDict(extra="ignore")

    villager: str  # public id
    alias: str
    last_at: datetime  # the session's last input (or its start)


class VillagerDraft(BaseModel):
    """A villager being added: nothing is stored until the ambassador attests their consent."""

    model_config = ConfigDict(extra="ignore")

    alias: str
    age_band: AgeBand | None = None
    group: TargetGroup | None = None


class LearnerState(BaseModel):
    """Serialisable conversation state, stored as JSON with the learner.

    `turn` grows whenever new choices are shown, so a button from an older message can be told
    apart from a current one; `read` and `passed` mirror lesson progress for the pure core.
    """

    model_config = ConfigDict(extra="ignore")

    mode: Mode = Mode.NEW
    consent: bool = False
    locale: str | None = None
    turn: int = 0
    lesson_id: str | None = None
    module_id: str | None = None
    bubble: int = 0
    quiz: QuizProgress | None = None
    paused_quiz: QuizProgress | None = None  # a lesson quiz left for a review round
    attempts: dict[str, int] = Field(default_factory=dict)
    read: list[str] = Field(default_factory=list)
    passed: list[str] = Field(default_factory=list)
    # An invite (an ambassador's code from a /start payload or /thamgia) kept until consent:
    # the enrollment is recorded only once the learner has agreed. `invite_via`: "link" (a
    # deep link's payload) or "code" (typed with /thamgia).
    invite: str | None = None
    invite_via: str | None = None
    resume: Mode | None = None
    handbook_hits: list[str] = Field(default_factory=list)  # entry ids of the last search
    handbook_entry: str | None = None  # the entry on screen
    last_passed_at: datetime | None = None
    profile: Profile = Field(default_factory=Profile)
    profile_editing: bool = False  # one part changed from /hoso: come back there after it
    place_hits: list[str] = Field(default_factory=list)  # commune codes offered to pick from
    place_province: str | None = None  # a province typed on its own, the commune still to come
    reviews: list[ReviewCard] = Field(default_factory=list)
    review_queue: list[int] = Field(default_factory=list)  # indexes into `reviews`, this round
    review_offered_on: date | None = None  # the local day review was last offered
    streak: Streak = Field(default_factory=Streak)
    certificate: CertificateInfo | None = None
    vneid_reported: bool = False  # "đã được cấp chứng nhận trên VNeID", self-reported
    last_input_at: datetime | None = (
        None  # when the learner last wrote (sessions start after a gap)
    )
    link_code: str | None = None  # the code /lienket showed, while it is valid
    link_expires_at: datetime | None = None
    ambassador: AmbassadorRole | None = None  # set while the learner is a digital ambassador
    official: OfficialRole | None = None  # set while the learner is an official (/canbo)
    roster_page: int = 0  # the roster page on screen (0-based)
    villager: int | None = None  # the learner id of the villager whose details are on screen
    villager_skill: str | None = None  # the skill being confirmed for them
    # Learning together (an ambassador's only): the session on, the villagers /hoccung listed
    # (storage has the truth; this is what the numbered list showed), a villager being added,
    # one about to be erased, and the ambassador's own screen to come back to.
    assisting: AssistedSession | None = None
    villagers: list[AssistedVillager] = Field(default_factory=list)
    villager_draft: VillagerDraft | None = None
    villager_to_erase: str | None = None
    assisted_return: Mode | None = None
    # The self-check: the answers so far (or of the last one), and whether the offer at the
    # start was answered (taken or skipped): it is not made again, /tukiemtra still works.
    selfcheck: SelfCheckProgress | None = None
    selfcheck_asked: bool = False
    # A family being created ("new") or joined (its code) while the alias and age are asked;
    # the alias typed, kept until the age band is known.
    family_pending: str | None = None
    family_alias: str | None = None
    # The contest being played (or the last one played), see `bot.core.contest_flow`.
    contest: ContestProgress | None = None

    def to_json(self) -> str:
        """The JSON stored in the database."""
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def from_json(cls, raw: str | None) -> LearnerState:
        """Read stored JSON; a missing or unreadable value starts a fresh state."""
        if not raw:
            return cls()
        try:
            return cls.model_validate_json(raw)
        except ValueError:
            return cls()
