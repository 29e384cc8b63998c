"""The families' tables (Gia đình số, `storage/families.py`). Imported by `storage/tables.py`,
which they extend."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table
from sqlmodel import Field, SQLModel

from storage.tables import _utc


class Family(SQLModel, table=True):
    """A family: its invite code, its helper, and whether it is a "Gia đình số" now.

    `province_code`/`commune_code`: where it is counted while digital (the helper's commune,
    else the first member's with one, when it became digital); `certificate_code`: its
    certificate, once issued (kept if the family later falls below the rule)."""

    __tablename__ = "family"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    helper_learner_id: int | None = Field(default=None, foreign_key="learner.id")
    created_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    digital: bool = Field(default=False, index=True)
    digital_since: datetime | None = _utc(nullable=True)  # type: ignore[assignment]
    province_code: str | None = Field(default=None, max_length=2)
    commune_code: str | None = Field(default=None, max_length=5)
    certificate_code: str | None = Field(default=None, max_length=16)


class FamilyMember(SQLModel, table=True):
    """A learner's membership: one family each, under the alias they chose."""

    __tablename__ = "family_member"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    alias: str = Field(max_length=32)
    joined_at: datetime = _utc(nullable=False)  # type: ignore[assignment]


class FamilyCertificate(SQLModel, table=True):
    """A family's certificate: no names, no members, so it stays verifiable after the family
    changes, shrinks or is gone (`/verify/<code>`)."""

    __tablename__ = "family_certificate"

    code: str = Field(max_length=16, primary_key=True)
    issued_at: datetime = _utc(nullable=False)  # type: ignore[assignment]
    province_code: str | None = Field(default=None, max_length=2)
    commune_code: str | None = Field(default=None, max_length=5)
    members: int = 0


family_t: Table = Family.__table__  # type: ignore[attr-defined]
family_member_t: Table = FamilyMember.__table__  # type: ignore[attr-defined]
family_certificate_t: Table = FamilyCertificate.__table__  # type: ignore[attr-defined]

__all__ = [
    "Family",
    "FamilyCertificate",
    "FamilyMember",
    "family_certificate_t",
    "family_member_t",
    "family_t",
]
