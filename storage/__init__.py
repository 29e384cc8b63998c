"""Storage: SQLModel tables, the repository API and Alembic migrations."""

from storage.migrate import current_revision, head_revision, upgrade
from storage.repository import Duplicate, LearnerRecord, Storage, UnitOfWork

__all__ = [
    "Duplicate",
    "LearnerRecord",
    "Storage",
    "UnitOfWork",
    "current_revision",
    "head_revision",
    "upgrade",
]
