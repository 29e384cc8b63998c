"""Which area an official may see and act on: one rule, checked on the server for every
official command (and, later, every page, API call and export)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.state import OfficialKind, OfficialRole


@dataclass(frozen=True)
class Scope:
    """An official's area: a commune official's commune, a province official's province,
    everything for an administrator."""

    kind: OfficialKind
    province: str | None = None
    commune: str | None = None

    @classmethod
    def of(cls, role: OfficialRole) -> Scope:
        return cls(role.kind, role.province, role.commune)

    def allows(self, province: str | None, commune: str | None) -> bool:
        """Whether the area (a commune in `province`, or the province alone when `commune`
        is None) is this official's to see. A commune official sees only their commune, never
        the province it belongs to."""
        if self.kind is OfficialKind.ADMIN:
            return True
        if self.kind is OfficialKind.PROVINCE:
            return self.province is not None and province == self.province
        return commune is not None and commune == self.commune and province == self.province


__all__ = ["Scope"]
