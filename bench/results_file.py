"""Where every benchmark puts its figures, and the table they make.

Each benchmark calls `record(name, figures, sizes=...)`: its figures (one key each, as named in
`GOALS` where a goal exists) are merged into `bench/results/latest.json` with the sizes it ran
at, the versions of what was measured and the machine's CPU count. `python bench/run.py` runs
them all (or `--quick`: smaller sizes, under three minutes) and prints `table()`, which the
README shows between its `bench:start` / `bench:end` markers.

Figures are ratios against a baseline measured in the same run wherever the machine's noise
would otherwise decide the result; absolute figures are kept beside them for the sizing table.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
PACKAGES = (
    "python-telegram-bot",
    "aiohttp",
    "sqlalchemy",
    "aiosqlite",
    "psycopg",
    "pydantic",
)

# figure -> (comparison, goal, what it measures): the goals, checked in `table()`.
GOALS: dict[str, tuple[str, float, str]] = {
    "throughput_vs_bare_aiogram": (">=", 1.0, "whole product vs bare aiogram echo"),
    "throughput_vs_bare_aiogram_rtt50": (">=", 1.0, "same, Bot API answering after 50 ms"),
    "p99_ms": ("<=", 50.0, "latency p99 at a steady 200 updates/s"),
    "p99_ms_during_contest": ("<=", 100.0, "ordinary learners' p99 during a contest"),
    "webchat_vs_echo": (">=", 0.5, "web chat vs bare aiohttp JSON echo"),
    "summary_ms_sqlite": ("<=", 100.0, "province summary, 1M learners, SQLite"),
    "summary_ms_postgres": ("<=", 100.0, "province summary, 1M learners, PostgreSQL"),
    "summary_speedup_vs_raw": (">=", 100.0, "summary vs GROUP BY over raw events"),
    "fanout_fraction_of_limit": (">=", 0.95, "announcement fan-out vs Telegram's 30/s"),
    "fanout_429s": ("<=", 0.0, "429 answers during the fan-out"),
    "rss_mb": ("<=", 200.0, "serving process, 1M learners in the database"),
    "startup_s": ("<=", 2.0, "start until /readyz, full curriculum"),
    "scaleout_2_workers": (">=", 1.7, "two workers on one PostgreSQL vs one"),
}


def machine() -> dict[str, Any]:
    """The facts a figure depends on: CPUs, Python, the measured packages' versions."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "versions": versions,
    }


def load() -> dict[str, Any]:
    """The results file as it stands ({} when there is none or it is unreadable)."""
    try:
        data = json.loads(RESULTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record(
    benchmark: str,
    figures: dict[str, float | int | None],
    *,
    sizes: dict[str, Any],
    quick: bool,
    notes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge one benchmark's figures into `bench/results/latest.json` and print them as JSON.
    Returns the whole file's content."""
    data = load()
    data["machine"] = machine()
    data.setdefault("benchmarks", {})[benchmark] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "sizes": sizes,
        "figures": figures,
        **({"notes": notes} if notes else {}),
    }
    data.setdefault("figures", {}).update(figures)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    json.dump({benchmark: figures, "sizes": sizes}, sys.stdout, indent=2)
    print()
    return data


def _met(figure: str, value: Any) -> str:
    goal = GOALS.get(figure)
    if goal is None or not isinstance(value, (int, float)):
        return ""
    comparison, target, _what = goal
    ok = value >= target if comparison == ">=" else value <= target
    return "yes" if ok else "**no**"


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return "n/a" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def table(data: dict[str, Any] | None = None) -> str:
    """The Markdown table of every recorded figure: benchmark, figure, value, goal, met."""
    data = load() if data is None else data
    lines = ["| benchmark | figure | value | goal | met |", "|---|---|---|---|---|"]
    for name, result in sorted(data.get("benchmarks", {}).items()):
        suffix = " (quick)" if result.get("quick") else ""
        for figure, value in result.get("figures", {}).items():
            goal = GOALS.get(figure)
            wanted = f"{goal[0]} {goal[1]:g}" if goal else ""
            lines.append(
                f"| {name}{suffix} | `{figure}` | {_shown(value)} | {wanted} | "
                f"{_met(figure, value)} |"
            )
    facts = data.get("machine", {})
    lines.append("")
    lines.append(
        f"Machine: {facts.get('cpu_count', '?')} CPUs, Python {facts.get('python', '?')}; "
        f"sizes and versions in `bench/results/latest.json`."
    )
    return "\n".join(lines)


__all__ = ["GOALS", "RESULTS", "load", "machine", "record", "table"]
