"""`hocvuso report summary` and `hocvuso report reconcile`: the officials' numbers from the
command line, and the check that the rollups still add up to the log.

The summary is read as someone outside every commune reads it: counts of 1–4 learners are
"<5" (decision 34), whatever the format.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli_outbox import EXIT_FAILED, _with_storage
from bot.core.state import TargetGroup
from bot.errors import ConfigurationError

if TYPE_CHECKING:
    from storage import RollupDifference, Storage

FORMATS = ("table", "json", "csv", "xlsx")
EXIT_DIFFERENT = 1


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


def cmd_report_summary(args: argparse.Namespace) -> int:
    """Print (or write to -o FILE) a summary of an area and period."""
    from bot.contests.summary import contests_section
    from bot.core.scope import Scope
    from bot.core.state import OfficialKind
    from bot.reports.build import OutOfScope, ReportContext, build_summary
    from bot.reports.export import to_csv, to_table, to_xlsx
    from bot.reports.model import Filters, document
    from bot.service import utc_now
    from bot.settings import load_settings
    from storage import StorageError

    if args.format == "xlsx" and args.output is None:
        raise ConfigurationError("an XLSX summary is a file: add -o FILE.xlsx")
    if args.start and args.end and args.start > args.end:
        raise ConfigurationError("--from is after --to: give the period's first day first")
    settings = load_settings()
    context = ReportContext.load(settings.zone)
    filters = Filters(
        province=args.province,
        commune=args.commune,
        group=args.group,
        module=args.module,
        start=args.start,
        end=args.end,
    )
    _check_area(context, filters)

    async def summarise(storage: Storage) -> dict[str, Any]:
        summary = await build_summary(
            storage, context, Scope(OfficialKind.ADMIN), filters, utc_now()
        )
        found = document(summary, viewer=None)
        if args.format == "json":
            found["contests"] = await contests_section(
                storage,
                settings.zone,
                province=filters.province,
                commune=filters.commune,
                group=filters.group,
                start=filters.start,
                end=filters.end,
            )
        return found

    try:
        doc = _with_storage(summarise)
    except (StorageError, OutOfScope) as exc:
        print(f"hocvuso: no summary: {exc}", file=sys.stderr)
        return EXIT_FAILED
    body: bytes
    if args.format == "json":
        body = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
    elif args.format == "csv":
        body = to_csv(doc)
    elif args.format == "xlsx":
        body = to_xlsx(doc, places=context.label)
    else:
        body = to_table(doc, context.label).encode()
    if args.output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    else:
        args.output.write_bytes(body)
        print(f"wrote the summary ({args.format}, {len(doc['rows'])} rows) to {args.output}")
    return 0


def _check_area(context: Any, filters: Any) -> None:
    places = context.places
    if filters.province is not None and places.province(filters.province) is None:
        raise ConfigurationError(
            f"unknown province code {filters.province!r}: give the 2-digit code "
            "(`hocvuso admin grant --help` lists how to find it)"
        )
    if filters.commune is not None:
        commune = places.commune(context.successors.current(filters.commune))
        if commune is None:
            raise ConfigurationError(f"unknown commune code {filters.commune!r}: 5 digits")
        if filters.province is not None and commune.province_code != filters.province:
            raise ConfigurationError(
                f"commune {filters.commune} is in province {commune.province_code}, "
                f"not {filters.province}"
            )


def cmd_report_reconcile(args: argparse.Namespace) -> int:  # noqa: ARG001 - argparse's signature
    """Recompute the rollups from the log and print every difference."""
    from storage import StorageError

    async def compare(storage: Storage) -> list[RollupDifference]:
        return await storage.reports.reconcile()

    try:
        differences = _with_storage(compare)
    except StorageError as exc:
        print(f"hocvuso: cannot reconcile: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not differences:
        print("the rollups match the log: no difference")
        return 0
    for difference in differences:
        key = " ".join(
            str(part.isoformat() if hasattr(part, "isoformat") else part or "-")
            for part in difference.key
        )
        print(
            f"{key} {difference.column}: stored {difference.stored}, "
            f"the log says {difference.recomputed}"
        )
    print(
        f"hocvuso: {len(differences)} difference(s) between the rollups and the log; a write "
        "path does not count its events (report it), the summaries are wrong until fixed",
        file=sys.stderr,
    )
    return EXIT_DIFFERENT


def add_report_commands(commands: argparse._SubParsersAction) -> Any:  # type: ignore[type-arg]
    """`hocvuso report ...` on the `hocvuso` parser's subcommands; returns the `report`
    parser's actions, for the other modules' actions (the push: `bot/cli_reports.py`)."""
    report = commands.add_parser(
        "report", help="the officials' numbers: summaries, checks, the push to the province"
    )
    actions = report.add_subparsers(dest="report_command", required=True, metavar="ACTION")
    add_summary_actions(actions)
    return actions


def add_summary_actions(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`summary` and `reconcile` on the `hocvuso report` parser's actions."""
    summary = actions.add_parser(
        "summary", help="the officials' summary of an area and period (small counts as <5)"
    )
    summary.add_argument("--province", metavar="CODE", help="2-digit province code")
    summary.add_argument("--commune", metavar="CODE", help="5-digit commune code")
    summary.add_argument("--group", choices=[group.value for group in TargetGroup])
    summary.add_argument("--module", metavar="ID", help="one module (A–F)")
    summary.add_argument("--from", dest="start", type=_day, metavar="DATE", help="YYYY-MM-DD")
    summary.add_argument("--to", dest="end", type=_day, metavar="DATE", help="YYYY-MM-DD")
    summary.add_argument("--format", choices=FORMATS, default="table")
    summary.add_argument("-o", "--output", type=Path, metavar="FILE")
    summary.set_defaults(func=cmd_report_summary)
    actions.add_parser(
        "reconcile", help="recompute the rollups from the log and print any difference"
    ).set_defaults(func=cmd_report_reconcile)


__all__ = [
    "add_report_commands",
    "add_summary_actions",
    "cmd_report_reconcile",
    "cmd_report_summary",
]
