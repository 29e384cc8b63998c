"""The summary document as a PNG chart an official can read on a phone: how far each commune
(or, in one commune's document, each target group) is towards its target, and the weekly trend.

Made from the `hocvuso.summary/1` document (small counts already "<5"): a hidden count is drawn
as a grey hatched stub marked "<5", never as a number.

Bars are the all-modules rows (`module` None). They show `percent_of_target` when any of them
has a target (population and share), with a dashed line at 100 %; otherwise
`course_completed`. A row with a target whose percentage is None had its count hidden (decision
34: the percentage would give it back); a row without a target says so.

Matplotlib's object API (`Figure`, no pyplot) keeps rendering free of global state, so charts
can be drawn from several threads. Every text uses the DejaVu Sans files shipped with the
certificates: they have every Vietnamese letter, whatever fonts the server has.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bot.reports.export import PlaceName
from bot.reports.labels import (
    CHART_HIDDEN,
    CHART_MORE,
    CHART_NO_TARGET,
    CHART_TARGET,
    CHART_WEEKLY,
    NO_COMMUNE,
    NO_DATA,
    PERIOD,
    SUPPRESSED_NOTE,
    Words,
    words,
)
from bot.reports.model import SUPPRESSED

# The certificates' fonts (bot/certificate/fonts), found by path: importing bot.certificate
# would load storage and the PDF library for nothing.
FONTS = Path(__file__).resolve().parent.parent / "certificate" / "fonts"
REGULAR_FONT = FONTS / "DejaVuSans.ttf"
BOLD_FONT = FONTS / "DejaVuSans-Bold.ttf"

# 900 × 1100 pixels: a phone shows it at 360 px wide with the labels still readable.
WIDTH_IN, HEIGHT_IN, DPI = 6.0, 1100 / 150, 150
MAX_BARS = 18  # more would be unreadable on a phone; the XLSX has every row
GREEN = "#0b6e4f"  # the web chat's and certificates' green
LIGHT_GREEN = "#7fbf9f"
GREY = "#9e9e9e"
INK = "#1b1b1b"
RED = "#b03a2e"
HIDDEN_FILL = "#e0e0e0"
HEADROOM = 1.6  # the weekly panel's top part is the legend's
NOTE_HEIGHT = 0.035  # of the figure, kept free at the bottom for the "<5" note


@dataclass(frozen=True)
class Bar:
    """One bar: its label and value; `hidden` for a "<5", `value` None for no number at all."""

    label: str
    value: float | None
    hidden: bool = False


@cache
def _fonts() -> tuple[FontProperties, FontProperties]:
    # Registered so the font is known by name too; the FontProperties point at the files
    # themselves, so matplotlib's own copy of DejaVu or a system font is never picked instead.
    for path in (REGULAR_FONT, BOLD_FONT):
        font_manager.fontManager.addfont(str(path))
    return FontProperties(fname=REGULAR_FONT), FontProperties(fname=BOLD_FONT)


def _font(size: float, *, bold: bool = False) -> FontProperties:
    regular, heavy = _fonts()
    font = (heavy if bold else regular).copy()
    font.set_size(size)
    return font


def _plain(text: str) -> str:
    # Matplotlib reads "$...$" as mathematics: a name or title with two dollar signs would be
    # typeset, or fail to draw.
    return text.replace("$", r"\$")


def _hidden_patch(say: Words) -> Patch:
    return Patch(facecolor=HIDDEN_FILL, edgecolor=GREY, hatch="///", label=say(CHART_HIDDEN))


def _has_target(row: Mapping[str, Any]) -> bool:
    population, percent = row.get("target_population"), row.get("target_percent")
    return bool(population) and bool(percent)


def _bars(doc: Mapping[str, Any], say: Words, places: PlaceName | None) -> tuple[list[Bar], bool]:
    """The bars and whether they are percentages of target (else course completions)."""
    # A document filtered to one module may carry that module's rows only.
    rows = [row for row in doc["rows"] if row.get("module") is None] or list(doc["rows"])
    percent = any(_has_target(row) for row in rows)
    communes = [row.get("commune_code") for row in rows]
    one_commune = len(set(communes)) <= 1
    one_row_each = len(set(communes)) == len(communes)
    bars = []
    for row in rows:
        province, commune = row.get("province_code"), row.get("commune_code")
        group = say.group(row.get("group"), short=True)
        if commune is None:
            place = say(NO_COMMUNE)
        else:
            place = places(province, commune) if places else commune
        label = group if one_commune else place if one_row_each else f"{place} · {group}"
        if percent:
            value = row.get("percent_of_target")
            hidden = value is None and _has_target(row)
            bars.append(Bar(label, float(value) if value is not None else None, hidden))
        else:
            count = row.get("course_completed")
            hidden = count == SUPPRESSED
            bars.append(Bar(label, float(count) if isinstance(count, int) else None, hidden))
    return bars, percent


def _draw_bars(ax: Axes, bars: Sequence[Bar], percent: bool, say: Words, more: int) -> None:
    small, tiny = _font(8), _font(7)
    values = [bar.value for bar in bars if bar.value is not None]
    top = max([*values, 0.0])
    right = max(110.0, top * 1.15) if percent else max(5.0, top * 1.2)
    stub = right * 0.03  # a hidden count's stub: visible, but no length that means anything
    positions = list(range(len(bars)))
    for y, bar in zip(positions, bars, strict=True):
        if bar.hidden:
            ax.barh(y, stub, color=HIDDEN_FILL, edgecolor=GREY, hatch="///", height=0.6)
            ax.text(
                stub + right * 0.01, y, SUPPRESSED, va="center", color=GREY, fontproperties=small
            )
        elif bar.value is None:
            ax.text(
                right * 0.01, y, say(CHART_NO_TARGET), va="center", color=GREY, fontproperties=tiny
            )
        else:
            reached = percent and bar.value >= 100
            ax.barh(
                y, bar.value, color=GREEN if reached or not percent else LIGHT_GREEN, height=0.6
            )
            shown = say.tr.number(bar.value) + ("%" if percent else "")
            ax.text(
                bar.value + right * 0.01, y, shown, va="center", color=INK, fontproperties=small
            )
    names = [_plain(textwrap.shorten(bar.label, 26, placeholder="…")) for bar in bars]
    ax.set_yticks(positions, names)
    for label in ax.get_yticklabels():
        label.set_fontproperties(small)
    ax.set_ylim(len(bars) - 0.5, -0.5)  # the document's first row at the top
    ax.set_xlim(0, right)
    ticks = [tick for tick in ax.get_xticks() if 0 <= tick <= right]
    suffix = "%" if percent else ""
    ax.set_xticks(ticks, [say.tr.number(tick) + suffix for tick in ticks])
    for label in ax.get_xticklabels():
        label.set_fontproperties(tiny)
    name = "percent_of_target" if percent else "course_completed"
    ax.set_xlabel(say.long(name), fontproperties=small)
    if percent:
        ax.axvline(100, color=RED, linestyle="--", linewidth=1)
    handles: list[Artist] = []
    if percent:
        handles.append(Line2D([], [], color=RED, linestyle="--", label=say(CHART_TARGET)))
    if any(bar.hidden for bar in bars):
        handles.append(_hidden_patch(say))
    if handles:
        ax.legend(handles=handles, prop=tiny, loc="lower right", frameon=False)
    if more:
        ax.set_title(say(CHART_MORE).format(count=more), fontproperties=tiny, loc="left")
    ax.spines[["top", "right"]].set_visible(False)


def _draw_weekly(ax: Axes, weekly: Sequence[Mapping[str, Any]], say: Words) -> None:
    small, tiny = _font(8), _font(7)
    xs = list(range(len(weekly)))
    lessons = [point.get("lessons_completed") for point in weekly]
    done = [point.get("course_completed") for point in weekly]
    lesson_top = max([v for v in lessons if isinstance(v, int)] + [5])
    for x, value in zip(xs, lessons, strict=True):
        if isinstance(value, int):
            ax.bar(x, value, color=LIGHT_GREEN, width=0.7)
        else:  # "<5": a hatched stub and the mark, not a height
            ax.bar(x, lesson_top * 0.04, color=HIDDEN_FILL, edgecolor=GREY, hatch="///", width=0.7)
            ax.text(x, lesson_top * 0.06, SUPPRESSED, ha="center", color=GREY, fontproperties=tiny)
    ax.set_ylim(0, lesson_top * HEADROOM)
    twin = ax.twinx()
    done_top = max([v for v in done if isinstance(v, int)] + [5])
    shown = [float(v) if isinstance(v, int) else float("nan") for v in done]
    twin.plot(xs, shown, color=GREEN, marker="o", markersize=3, linewidth=1.5)
    for x, value in zip(xs, done, strict=True):
        if not isinstance(value, int):
            # A hollow grey point low on the line's axis, its "<5" in the line's colour: read
            # as the completions' mark, not the lessons'.
            low = done_top * 0.06
            twin.plot([x], [low], marker="o", markersize=4, color=GREY, fillstyle="none")
            twin.text(x + 0.08, low, SUPPRESSED, va="center", color=GREEN, fontproperties=tiny)
    twin.set_ylim(0, done_top * HEADROOM)
    step = max(1, len(xs) // 8)  # at most about eight dates under a phone-wide panel
    ax.set_xticks(
        xs[::step], [date.fromisoformat(p["week_start"]).strftime("%d/%m") for p in weekly][::step]
    )
    for axis in (ax, twin):
        axis.set_yticks(axis.get_yticks(), [say.tr.number(t) for t in axis.get_yticks()])
        for label in (*axis.get_xticklabels(), *axis.get_yticklabels()):
            label.set_fontproperties(tiny)
    ax.set_ylim(0, lesson_top * HEADROOM)
    twin.set_ylim(0, done_top * HEADROOM)
    ax.set_title(say(CHART_WEEKLY), fontproperties=small, loc="left")
    handles: list[Artist] = [
        Patch(color=LIGHT_GREEN, label=say.long("lessons_completed")),
        Line2D([], [], color=GREEN, marker="o", markersize=3, label=say.long("course_completed")),
    ]
    if SUPPRESSED in lessons:
        handles.append(_hidden_patch(say))
    if SUPPRESSED in done:
        hidden = Line2D([], [], color=GREY, marker="o", fillstyle="none", linestyle="none")
        hidden.set_label(say(CHART_HIDDEN))
        handles.append(hidden)
    ax.legend(handles=handles, prop=tiny, loc="upper left", frameon=False)
    ax.spines[["top"]].set_visible(False)
    twin.spines[["top"]].set_visible(False)


def chart_figure(
    doc: Mapping[str, Any],
    title: str,
    *,
    places: PlaceName | None = None,
    locale: str = "vi",
) -> Figure:
    """The chart as a matplotlib `Figure` (with an Agg canvas); `chart_png` saves it.

    Args and the figure's content: as `chart_png`.
    """
    say = words(locale)
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(
        _plain(textwrap.fill(title, 48)), fontproperties=_font(12, bold=True), color=INK
    )
    bars, percent = _bars(doc, say, places)
    weekly = doc.get("weekly") or []
    grid = figure.add_gridspec(2 if weekly else 1, 1, height_ratios=[3, 1.3] if weekly else [1])
    ax = figure.add_subplot(grid[0])
    period = doc.get("period") or {}
    if period.get("from") and period.get("to"):
        start, end = (say.tr.day(date.fromisoformat(period[key])) for key in ("from", "to"))
        ax.text(
            0,
            1.02,
            say(PERIOD).format(start=start, end=end),
            transform=ax.transAxes,
            fontproperties=_font(8),
            color=GREY,
            va="bottom",
        )
    if bars:
        _draw_bars(ax, bars[:MAX_BARS], percent, say, max(0, len(bars) - MAX_BARS))
    else:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            say(NO_DATA),
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontproperties=_font(16, bold=True),
            color=GREY,
        )
    if weekly:
        _draw_weekly(figure.add_subplot(grid[1]), weekly, say)
    if any(bar.hidden for bar in bars) or any(SUPPRESSED in p.values() for p in weekly):
        # Constrained layout places the axes only: the note gets its own strip at the bottom.
        engine = figure.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            engine.set(rect=(0, NOTE_HEIGHT, 1, 1 - NOTE_HEIGHT))
        figure.text(
            0.01,
            0.002,
            textwrap.fill(say(SUPPRESSED_NOTE), 110),
            fontproperties=_font(5.5),
            color=GREY,
            va="bottom",
        )
    return figure


def chart_png(
    doc: Mapping[str, Any],
    title: str,
    *,
    places: PlaceName | None = None,
    locale: str = "vi",
) -> bytes:
    """The document as a PNG chart, 900 × 1100 pixels.

    Args:
        doc: a `hocvuso.summary/1` document, small counts already suppressed.
        title: the heading, already in the reader's language (e.g. the area's name).
        places: a commune's display name from (province code, commune code); else codes.
        locale: the language of the chart's words ("vi" or "en").

    Returns:
        The PNG file's bytes; the same document gives the same bytes. A document without
        rows gives a figure saying "Chưa có số liệu" (no data yet).
    """
    figure = chart_figure(doc, title, places=places, locale=locale)
    buffer = io.BytesIO()
    # No "Software" chunk (it names the matplotlib version): same document, same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


__all__ = ["BOLD_FONT", "REGULAR_FONT", "chart_figure", "chart_png"]
