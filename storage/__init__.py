"""Storage: SQLModel tables, the repository API and Alembic migrations.

The public names are here; everything else in `storage/` (engines, connections, tables) is
internal. See `storage/repository.py` for the repositories `Storage` exposes.
"""

from bot.errors import StorageError
from storage.ambassadors import (
    AmbassadorRecord,
    Ambassadors,
    EnrollmentRecord,
    IssuedCode,
    format_code,
    normalise_ambassador_code,
    normalise_invite_code,
)
from storage.assisted import Assisted, AssistedSplit, VillagerRecord
from storage.certificates import CertificateRecord, Certificates, normalise_code
from storage.contests import AttemptRecord, ContestRecord, Contests
from storage.families import (
    Families,
    FamilyCertificateRecord,
    NewlyDigital,
    is_family_certificate,
    queue_family_news,
)
from storage.identities import Identities, Reach
from storage.inbox import MAX_ERROR, MAX_EVENT_KEY, Inbox, InboxItem
from storage.leader import LeaderLock
from storage.links import Links, Redemption
from storage.maintenance import Pruned, Retention
from storage.migrate import current_revision, head_revision, upgrade
from storage.officials import IssuedOfficialCode, OfficialRecord, Officials
from storage.outbox import EXPIRES_AT as OUTBOX_EXPIRES_AT
from storage.outbox import STATUSES as OUTBOX_STATUSES
from storage.outbox import Outbox, OutboxItem
from storage.outbox_rows import OutboxEntry
from storage.reminders import (
    ReminderCandidate,
    ReminderFilter,
    ReminderFire,
    Reminders,
    reminder_key,
)
from storage.reports import Active, Area, Cell, CellKey, Reports
from storage.repository import Storage, UnitOfWork, dumps_replies
from storage.rollups import Difference as RollupDifference
from storage.roster import Rosters, WeekActivity, WeeklyCandidate, WeeklyFire
from storage.secrets import IssuedSecret, SecretKind, SecretRecord, Secrets, hash_secret
from storage.targets import Replaced, TargetRecord, TargetRow, Targets
from storage.tokens import NO_EXPIRY, Claim, RefreshJournal, TokenPair, TokenStore
from storage.turns import Duplicate, LearnerRecord, LoadedTurn, SavedTurn, TurnKey
from storage.xapi import CompletionRecord, XapiFeed

__all__ = [
    "Families",
    "FamilyCertificateRecord",
    "is_family_certificate",
    "NewlyDigital",
    "queue_family_news",
    "AttemptRecord",
    "ContestRecord",
    "Contests",
    "Active",
    "Area",
    "Cell",
    "CellKey",
    "Reports",
    "RollupDifference",
    "Replaced",
    "IssuedSecret",
    "SecretKind",
    "SecretRecord",
    "Secrets",
    "hash_secret",
    "TargetRecord",
    "TargetRow",
    "Targets",
    "Rosters",
    "WeekActivity",
    "WeeklyCandidate",
    "WeeklyFire",
    "AmbassadorRecord",
    "Ambassadors",
    "Assisted",
    "AssistedSplit",
    "EnrollmentRecord",
    "IssuedCode",
    "IssuedOfficialCode",
    "OfficialRecord",
    "Officials",
    "format_code",
    "normalise_ambassador_code",
    "normalise_invite_code",
    "VillagerRecord",
    "MAX_ERROR",
    "MAX_EVENT_KEY",
    "NO_EXPIRY",
    "OUTBOX_EXPIRES_AT",
    "OUTBOX_STATUSES",
    "CertificateRecord",
    "CompletionRecord",
    "Certificates",
    "Claim",
    "Duplicate",
    "Identities",
    "Inbox",
    "InboxItem",
    "LeaderLock",
    "LearnerRecord",
    "Links",
    "LoadedTurn",
    "Outbox",
    "OutboxEntry",
    "OutboxItem",
    "Pruned",
    "Reach",
    "Redemption",
    "RefreshJournal",
    "ReminderCandidate",
    "ReminderFilter",
    "ReminderFire",
    "Reminders",
    "Retention",
    "SavedTurn",
    "Storage",
    "StorageError",
    "TokenPair",
    "TokenStore",
    "TurnKey",
    "UnitOfWork",
    "XapiFeed",
    "current_revision",
    "dumps_replies",
    "head_revision",
    "normalise_code",
    "reminder_key",
    "upgrade",
]
