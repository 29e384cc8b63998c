"""`hocvuso targets import FILE.csv` and `hocvuso targets show`: the population and target share
per commune × target group × year that officials' reports measure against.

A file with any problem is refused whole (every problem printed as `FILE:LINE: message`);
a good file replaces what was stored for its years and communes, in one transaction. Where no
file gave a commune's targets, the provincial plan's defaults apply, without a population.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_outbox import EXIT_FAILED, _with_storage
from bot.core.state import TargetGroup
from bot.errors import ConfigurationError

if TYPE_CHECKING:
    from bot.places import Places
    from storage import Replaced, Storage, TargetRecord

EXIT_REFUSED = 1


def cmd_targets_import(args: argparse.Namespace) -> int:
    """Check a targets CSV and, when it has no problem, store all of it."""
    from bot.places.data import load_places
    from bot.service import utc_now
    from bot.targets import parse_targets
    from storage import StorageError, TargetRow

    source: Path = args.file
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        print(f"hocvuso: cannot read {source}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_REFUSED
    except UnicodeDecodeError as exc:
        print(
            f"hocvuso: {source} is not UTF-8 text (byte {exc.start}); save it from the "
            "spreadsheet as 'CSV UTF-8'. Nothing was imported.",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    places = load_places()
    parsed = parse_targets(text, str(source), places)
    if parsed.problems:
        for problem in parsed.problems:
            print(problem, file=sys.stderr)
        print(
            f"hocvuso: {len(parsed.problems)} problem(s) in {source}; nothing was imported",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    rows = [
        TargetRow(
            year=line.year,
            province_code=line.province_code,
            commune_code=line.commune_code,
            group=line.group,
            population=line.population,
            target_percent=line.target_percent,
        )
        for line in parsed.lines
    ]
    now = utc_now()

    async def store(storage: Storage) -> Replaced:
        return await storage.targets.replace(rows, source=source.name, now=now)

    try:
        replaced = _with_storage(store)
    except StorageError as exc:
        print(f"hocvuso: nothing was imported: {exc}", file=sys.stderr)
        return EXIT_FAILED
    communes = len({row.commune_code for row in rows})
    years = ", ".join(str(year) for year in sorted({row.year for row in rows}))
    print(
        f"imported {replaced.inserted} target(s) for {communes} commune(s), year {years}, "
        f"from {source.name} (admin-unit data {places.version}); "
        f"{replaced.deleted} earlier row(s) of those communes and years replaced"
    )
    return 0


def _commune_code(places: Places, given: str) -> str:
    text = given.strip()
    if (
        text.isascii()
        and text.isdigit()
        and len(text) <= 5
        and places.commune(f"{int(text):05d}") is not None
    ):
        return f"{int(text):05d}"
    raise ConfigurationError(
        f"there is no commune with code {text} in the admin-unit data (version {places.version}); "
        "give the 5-digit code of a commune or ward, e.g. --commune 00004"
    )


def _commune_label(places: Places, code: str) -> str:
    commune = places.commune(code)
    return commune.name if commune else "?"


def cmd_targets_show(args: argparse.Namespace) -> int:
    """Print the stored targets; where a commune has none, the plan's defaults."""
    from bot.places.data import load_places
    from bot.service import utc_now
    from bot.targets import default_target_percent
    from storage import StorageError

    places = load_places()
    commune = None if args.commune is None else _commune_code(places, args.commune)

    async def read(storage: Storage) -> list[TargetRecord]:
        return await storage.targets.rows(year=args.year, commune=commune)

    try:
        records = _with_storage(read)
    except StorageError as exc:
        print(f"hocvuso: cannot read the targets: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print("year  commune  group               population  target  source")
    for record in records:
        row = record.row
        print(
            f"{row.year}  {row.commune_code}    {row.group.value:<18}  {row.population:>10}  "
            f"{row.target_percent:>5g}%  {record.source} "
            f"({_commune_label(places, row.commune_code)})"
        )
    if records and commune is None:
        return 0
    # One commune, or nothing loaded at all: the groups no file gave follow the plan.
    years = [args.year] if args.year is not None else sorted({r.row.year for r in records})
    loaded = {(r.row.year, r.row.group) for r in records}
    for year in years or [utc_now().year]:
        for group in TargetGroup:
            if (year, group) in loaded:
                continue
            percent = default_target_percent(group, year)
            shown = "none" if percent is None else f"{percent:g}%"
            print(
                f"{year}  {commune or '*':<7}  {group.value:<18}  {'unknown':>10}  {shown:>6}  "
                "provincial plan (no file)"
            )
    return 0


def _year(value: str) -> int:
    from bot.targets.csv_file import MAX_YEAR, MIN_YEAR

    if not (value.isascii() and value.isdigit()) or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise argparse.ArgumentTypeError(f"--year: give a year from {MIN_YEAR} to {MAX_YEAR}")
    return int(value)


def add_targets_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`hocvuso targets import` and `hocvuso targets show`."""
    targets = commands.add_parser(
        "targets", help="population and target share per commune, group and year"
    )
    actions = targets.add_subparsers(dest="targets_command", required=True, metavar="ACTION")
    load = actions.add_parser(
        "import",
        help="load a CSV (year,commune_code,target_group,population,target_percent; "
        "see docs/targets-template.csv): all of it, or nothing when a line is wrong",
    )
    load.add_argument("file", type=Path, metavar="FILE", help="the CSV file (UTF-8)")
    load.set_defaults(func=cmd_targets_import)
    show = actions.add_parser("show", help="print the loaded targets (or the plan's defaults)")
    show.add_argument("--commune", default=None, metavar="CODE", help="one commune's 5-digit code")
    show.add_argument("--year", type=_year, default=None, metavar="Y", help="one year")
    show.set_defaults(func=cmd_targets_show)


__all__ = ["add_targets_commands", "cmd_targets_import", "cmd_targets_show"]
