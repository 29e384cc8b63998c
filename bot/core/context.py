"""What the engine may read besides the learner's state: content, clock and defaults.

The caller builds it (from the settings, the loaded catalog and the clock), so the core reads
no settings and no clock of its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.address_form import AddressForm
from bot.core.catalog import Catalog
from bot.core.families import FamilyContext
from bot.core.skills import ConfirmedSkill
from bot.core.state import AmbassadorRole, OfficialRole
from bot.core.villagers import Roster
from bot.places.index import Places
from quizzes.models import Question

# The privacy notice the learner agrees to; a new version is recorded with each consent.
CONSENT_VERSION = "2026-12"


# Codes a learner reads aloud or types: no 0/O or 1/I/L to confuse.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(length: int = 10) -> str:
    """An unguessable code (certificates); callers may pass their own source to the engine."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def random_digits(length: int = 6) -> str:
    """A short code of digits, easy to type on any phone (one-time link codes)."""
    return "".join(secrets.choice("0123456789") for _ in range(length))


def random_public_id() -> str:
    """A new learner's public id (a villager added by an ambassador; storage makes the others)."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class Companion:
    """A villager an ambassador learns together with (storage's `assisted_learner` rows)."""

    public_id: str
    alias: str


class LinkStatus(StrEnum):
    """What became of a link code typed on another channel (the service checks it)."""

    LINKED = "linked"  # this identity now belongs to the learner who asked for the code
    UNKNOWN = "unknown"  # no such code (mistyped, or already used)
    EXPIRED = "expired"
    SAME = "same"  # the code belongs to this very learner


@dataclass(frozen=True)
class LinkResult:
    """The service's answer to a link code typed in this turn."""

    status: LinkStatus
    code: str


class AmbassadorStatus(StrEnum):
    """What became of an ambassador code typed with `/daisu CODE` (the service checks it)."""

    APPOINTED = "appointed"  # the learner is now an ambassador of the code's commune
    UNKNOWN = "unknown"  # no such code: mistyped, or never issued
    USED_UP = "used_up"  # used as many times as it may be
    EXPIRED = "expired"
    # The learner's profile names another commune, or they serve another commune already.
    WRONG_COMMUNE = "wrong_commune"
    ALREADY = "already"  # already an ambassador of this very commune: nothing changed


@dataclass(frozen=True)
class AmbassadorCodeResult:
    """The service's answer to `/daisu CODE` typed in this turn.

    `role` is the learner's role (new when APPOINTED, the one they have when ALREADY);
    `commune` is the code's commune (for WRONG_COMMUNE: where the code is valid).
    """

    status: AmbassadorStatus
    role: AmbassadorRole | None = None
    commune: str | None = None


class OfficialStatus(StrEnum):
    """What became of an official code typed with `/canbo CODE` (the service checks it)."""

    APPOINTED = "appointed"
    UNKNOWN = "unknown"
    USED_UP = "used_up"
    EXPIRED = "expired"
    ALREADY = "already"  # an official already: nothing changed, the code is not used


@dataclass(frozen=True)
class OfficialCodeResult:
    """The service's answer to `/canbo CODE`; `role` is the learner's (new or kept)."""

    status: OfficialStatus
    role: OfficialRole | None = None


class IssueStatus(StrEnum):
    """What became of an official's `/madaisu` (an ambassador code for a commune)."""

    ISSUED = "issued"
    NOT_OFFICIAL = "not_official"  # no active official row (never, or revoked)
    NEED_COMMUNE = "need_commune"  # a province official or admin must name the commune
    UNKNOWN_COMMUNE = "unknown_commune"  # no commune with that code
    OUT_OF_SCOPE = "out_of_scope"  # a commune outside the official's area


@dataclass(frozen=True)
class OfficialReport:
    """The service's answer to `/baocao`: the official's area summed up as they may see it
    (counts already "<5" where decision 34 hides them), a one-time dashboard link and a
    link to the chart. `role` None: the learner is no official (any more)."""

    role: OfficialRole | None
    area: str = ""
    start: date | None = None
    end: date | None = None
    totals: Mapping[str, int | str] = field(default_factory=dict)
    percent_of_target: float | None = None
    login_url: str | None = None
    login_hours: int = 0
    chart_url: str | None = None
    chart_image: str | None = None  # the reply picture channels draw (`bot.reports.media`)


@dataclass(frozen=True)
class AmbassadorIssue:
    """The service's answer to `/madaisu`: the new code (plain, shown once) when ISSUED.
    `role` is the official's role as storage has it (None: none any more)."""

    status: IssueStatus
    role: OfficialRole | None = None
    commune: str | None = None
    code: str | None = None
    max_uses: int = 1
    expires_at: datetime | None = None


class InviteStatus(StrEnum):
    """Whose invite code a learner came with (a /start payload or `/thamgia CODE`)."""

    FOUND = "found"  # an active ambassador's invite
    UNKNOWN = "unknown"  # no such invite (mistyped, another payload, or a former ambassador)
    OWN = "own"  # the learner's own invite code: ignored


@dataclass(frozen=True)
class InviteResult:
    """The service's look-up of the invite code in play this turn (`code`, normalised).

    `enrolled`: the learner already has an enrollment; the first invite wins, so a second one
    changes nothing.
    """

    code: str
    status: InviteStatus
    ambassador_id: int | None = None
    province: str | None = None
    commune: str | None = None
    enrolled: bool = False


@dataclass(frozen=True)
class PublicLinks:
    """Where people reach the bot from outside, for the invite links `/moi` shows.

    `web`: the server's public address (HOCVUSO_PUBLIC_URL), the web chat at its root;
    `telegram_bot`: the bot's username (from getMe at start-up), None without Telegram;
    `messenger_page`: the Facebook Page's username or id (m.me/<page>), None without Messenger.
    """

    web: str = ""
    telegram_bot: str | None = None
    messenger_page: str | None = None


class ContestStatus(StrEnum):
    """What the service found for a learner's `/thi` (or their contest answer)."""

    OPEN = "open"  # a contest of their area and group is open, not played yet (or in progress)
    PLAYED = "played"  # they have an attempt at the open contest already
    NONE = "none"  # no contest open for their area and group now
    NO_PLACE = "no_place"  # their profile names no commune: no contest can be theirs


@dataclass(frozen=True)
class ContestOffer:
    """The contest a turn is about, loaded by the service: the questions (stored whole with
    the contest), the window and the seconds per question."""

    status: ContestStatus
    contest_id: int = 0
    title: str = ""
    closes_at: datetime | None = None
    seconds: int = 20
    questions: tuple[Question, ...] = ()
    # The attempt stored for this learner (PLAYED): its score, to remind them.
    score: int | None = None


@dataclass(frozen=True)
class Context:
    """What the engine may read besides the state: content, clock and defaults."""

    catalog: Catalog
    now: datetime
    default_locale: str = "vi"
    # How the learner is addressed in Vietnamese: the deployment's choice (bot.address_form).
    address_form: AddressForm = AddressForm.BAC
    consent_version: str = CONSENT_VERSION
    zone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    places: Places = field(default_factory=Places.empty)
    # Sources of new codes (random by default; tests pass predictable ones).
    certificate_code: Callable[[], str] = random_code
    link_code: Callable[[], str] = random_digits
    # Set by the service for a turn in which a link code was typed (see `LinkResult`).
    link: LinkResult | None = None
    # Set by the service for a turn in which `/daisu CODE` was typed.
    ambassador_code: AmbassadorCodeResult | None = None
    # Set by the service for a turn in which `/canbo CODE` or `/madaisu` was typed.
    official_code: OfficialCodeResult | None = None
    ambassador_issue: AmbassadorIssue | None = None
    # Set by the service for a turn in which `/baocao` was typed.
    official_report: OfficialReport | None = None
    # Set by the service when an invite code is in play (typed, a payload, or kept till consent).
    invite: InviteResult | None = None
    links: PublicLinks = field(default_factory=PublicLinks)
    # Set by the service when the input concerns an ambassador's roster (`bot.core.needs`).
    roster: Roster | None = None
    # The learner's own confirmed real-world skills, set when the input may show `/tiendo`.
    real_skills: tuple[ConfirmedSkill, ...] | None = None
    # Set by the service when an ambassador opens /hoccung: their villagers, oldest first.
    villagers: tuple[Companion, ...] | None = None
    villager_id: Callable[[], str] = random_public_id
    # Set by the service when the input concerns the learner's family (`bot.core.needs`).
    family: FamilyContext | None = None
    family_code: Callable[[], str] = lambda: "GD" + random_code(6)
    # Set by the service for `/thi` and while a contest is played (`bot.core.needs`).
    contest: ContestOffer | None = None
