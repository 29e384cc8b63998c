"""Contest results, pure: ranks (score, then total time), rank bands, the standings by commune
and by unit, and the document officials read (per commune × group), small counts suppressed as
in reports (decision 34). No names: a player is a rank and a band, an area is a count and an
average.

"Unit" is the learner's target group (public servants, pupils, residents, enterprise workers,
adults): the only unit the profile knows (decision 41).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.scope import Scope
from bot.i18n import Translator
from bot.places import Places
from bot.reports.labels import words
from bot.reports.model import SUPPRESS_BELOW, reveals, shown
from storage import AttemptRecord, ContestRecord

# Bands a player is told, by the share of players ranked at or above them.
BANDS: tuple[tuple[float, str], ...] = ((0.10, "10%"), (0.25, "25%"), (0.50, "50%"))
# Areas listed in a player's message at most.
TOP_AREAS = 5


@dataclass(frozen=True)
class Ranked:
    """A player's place: rank 1 is best; equal score and time share a rank."""

    attempt: AttemptRecord
    rank: int
    of: int

    @property
    def band(self) -> str | None:
        """ "10%" for the top tenth, "25%", "50%"; None below the top half."""
        for share, label in BANDS:
            if self.rank <= max(1, int(share * self.of)):
                return label
        return None


@dataclass(frozen=True)
class AreaLine:
    """One commune's (or unit's) standing: players and their average score (None when the
    number of players is too small to show)."""

    key: str
    players: int | str
    average: float | None


def ranked(attempts: Sequence[AttemptRecord]) -> list[Ranked]:
    """Every attempt with at least one answer, best first: more right answers, then less
    time; the same score and time share a rank."""
    played = sorted(
        (a for a in attempts if a.answered > 0), key=lambda a: (-a.score, a.total_ms, a.id)
    )
    found: list[Ranked] = []
    for index, attempt in enumerate(played):
        before = found[-1] if found else None
        same = (
            before is not None
            and before.attempt.score == attempt.score
            and before.attempt.total_ms == attempt.total_ms
        )
        rank = before.rank if same and before is not None else index + 1
        found.append(Ranked(attempt, rank, len(played)))
    return found


def standings(attempts: Sequence[AttemptRecord], by: str) -> list[AreaLine]:
    """Players and average score per commune (`by` "commune") or unit (`by` "group"), best
    average first; an area with fewer than 5 players shows "<5" and no average (its average
    would tell one person's score)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for attempt in attempts:
        if attempt.answered > 0:
            key = attempt.commune if by == "commune" else attempt.group
            groups[key].append(attempt.score)
    lines = [
        AreaLine(
            key,
            shown(len(scores), False),
            round(sum(scores) / len(scores), 1) if len(scores) >= SUPPRESS_BELOW else None,
        )
        for key, scores in groups.items()
    ]
    return sorted(lines, key=lambda line: (line.average is None, -(line.average or 0), line.key))


def result_text(
    contest: ContestRecord,
    player: Ranked,
    attempts: Sequence[AttemptRecord],
    tr: Translator,
    places: Places,
) -> str:
    """The message a player gets at the close: their score, their band, the standings."""
    total = len(contest.questions)
    lines = [
        tr.gettext("🏆 Results of “{title}”").format(title=contest.title),
        tr.gettext(
            "You answered {score} of {total} right in {seconds} seconds: rank {rank} of {count}."
        ).format(
            score=tr.number(player.attempt.score),
            total=tr.number(total),
            seconds=tr.number(round(player.attempt.total_ms / 1000, 1)),
            rank=tr.number(player.rank),
            count=tr.number(player.of),
        ),
    ]
    band = player.band
    if band is not None:
        lines.append(tr.gettext("🎉 You are in the top {band}!").format(band=band))
    else:
        lines.append(tr.gettext("Thank you for taking part: every contest teaches something."))
    lines.append(tr.gettext("Standings by commune (average right answers):"))
    lines.extend(
        _area_lines(standings(attempts, "commune"), tr, lambda key: _commune(places, key))
    )
    w = words(tr.locale)
    lines.append(tr.gettext("Standings by group:"))
    lines.extend(_area_lines(standings(attempts, "group"), tr, lambda key: w.group(key or None)))
    if player.attempt.certificate_code and player.attempt.finished_at is not None:
        lines.append(
            tr.gettext("Your participation certificate code: {code}").format(
                code=player.attempt.certificate_code
            )
        )
    return "\n".join(lines)


def _area_lines(lines: Sequence[AreaLine], tr: Translator, name: Any) -> list[str]:
    shown_lines = []
    for number, line in enumerate(lines[:TOP_AREAS], start=1):
        players = line.players if isinstance(line.players, str) else tr.number(line.players)
        if line.average is None:
            text = tr.gettext("{n}. {area}: {players} players").format(
                n=number, area=name(line.key), players=players
            )
        else:
            text = tr.gettext("{n}. {area}: {average} ({players} players)").format(
                n=number, area=name(line.key), average=tr.number(line.average), players=players
            )
        shown_lines.append(text)
    return shown_lines


def _commune(places: Places, code: str) -> str:
    commune = places.commune(code) if code else None
    return commune.name if commune is not None else (code or "?")


def results_document(
    contest: ContestRecord,
    attempts: Sequence[AttemptRecord],
    viewer: Scope | None,
    zone: ZoneInfo,
) -> dict[str, Any]:
    """A contest for officials (the summary JSON, the dashboard): participation and results
    per commune × group, counts of 1–4 "<5" except for the commune's own officials, an
    average only where its count is shown. Rows outside the viewer's scope are left out."""
    cells: dict[tuple[str, str, str], list[AttemptRecord]] = defaultdict(list)
    for attempt in attempts:
        if viewer is not None and not viewer.allows(attempt.province, attempt.commune):
            continue
        cells[(attempt.province, attempt.commune, attempt.group)].append(attempt)
    rows = []
    for (province, commune, group), found in sorted(cells.items()):
        revealed = reveals(viewer, commune)
        finished = [a for a in found if a.finished_at is not None]
        players = len(found)
        visible = revealed or players >= SUPPRESS_BELOW
        rows.append(
            {
                "province": province or None,
                "commune": commune or None,
                "group": group or None,
                "players": shown(players, revealed),
                "finished": shown(len(finished), revealed),
                "average_score": (
                    round(sum(a.score for a in found) / players, 2) if visible else None
                ),
            }
        )
    return {
        "id": contest.id,
        "title": contest.title,
        "opens_at": contest.opens_at.astimezone(zone).isoformat(),
        "closes_at": contest.closes_at.astimezone(zone).isoformat(),
        "province": contest.province,
        "commune": contest.commune,
        "group": contest.group,
        "questions": len(contest.questions),
        "seconds": contest.seconds,
        "results_ready": contest.results_at is not None,
        "rows": rows,
    }


__all__ = ["AreaLine", "Ranked", "ranked", "result_text", "results_document", "standings"]
