"""`hocvuso contest create|list|results`: contests set up by the operator for an area.

    hocvuso contest create --title T --opens ISO --closes ISO [--province CODE | --commune CODE]
        [--group G] [--questions N] [--seconds S] [--lessons ID,… | --gift FILE]
    hocvuso contest list
    hocvuso contest results ID [--json]

Creating stores the contest and queues its announcement to the learners in scope through the
outbox; the results job writes each player's result at the close (decision 41).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli_outbox import EXIT_FAILED, _target_group, _with_storage
from bot.errors import ConfigurationError

if TYPE_CHECKING:
    from storage import AttemptRecord, ContestRecord, Storage

EXIT_REFUSED = 1


def _moment(value: str) -> datetime:
    """An ISO date and time; without a zone, the deployment's local time."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is no ISO date and time; give e.g. 2026-12-20T08:00"
        ) from exc
    return parsed


def cmd_contest_create(args: argparse.Namespace) -> int:
    """Check, store and announce a contest."""
    from bot.cli_places import commune_named, province_named
    from bot.content import load_catalog
    from bot.contests.setup import ContestDraft, ContestError, create_contest, parse_lessons
    from bot.i18n import translator
    from bot.places.data import load_places
    from bot.service import utc_now
    from bot.settings import load_settings
    from storage import StorageError

    settings = load_settings()
    zone = settings.zone
    places = load_places()
    if args.province is not None and args.commune is not None:
        raise ConfigurationError("give --province or --commune, not both")
    province = None if args.province is None else province_named(places, args.province).code
    commune = None if args.commune is None else commune_named(places, args.commune).code
    gift = None
    if args.gift is not None:
        if args.lessons is not None:
            raise ConfigurationError("give --lessons or --gift, not both")
        try:
            gift = Path(args.gift).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"cannot read {args.gift} as UTF-8 text ({exc})") from exc
    opens, closes = (
        moment if moment.tzinfo else moment.replace(tzinfo=zone)
        for moment in (args.opens, args.closes)
    )
    draft = ContestDraft(
        title=args.title,
        opens_at=opens,
        closes_at=closes,
        province=province,
        commune=commune,
        group=None if args.group is None else _target_group(args.group),
        questions=args.questions,
        seconds=args.seconds,
        lessons=parse_lessons(args.lessons),
        gift=gift,
        gift_name=Path(args.gift).name if args.gift else "",
    )
    catalog = load_catalog()
    tr = translator(settings.default_locale, settings.default_locale, settings.address_form)

    async def create(storage: Storage) -> tuple[ContestRecord, int]:
        return await create_contest(
            storage, catalog, places, draft, utc_now(), tr=tr, zone=zone, created_by="cli"
        )

    try:
        record, reached = _with_storage(create)
    except ContestError as exc:
        print(f"hocvuso: no contest was created: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except StorageError as exc:
        print(f"hocvuso: no contest was created: {exc}", file=sys.stderr)
        return EXIT_FAILED
    opens = f"{record.opens_at.astimezone(zone):%Y-%m-%d %H:%M}"
    closes = f"{record.closes_at.astimezone(zone):%Y-%m-%d %H:%M}"
    print(
        f"contest {record.id} created: {record.title!r}, {len(record.questions)} questions of "
        f"{record.seconds} s ({record.source}), open {opens} to {closes}; announcement queued "
        f"for {reached} learner(s)"
    )
    return 0


def cmd_contest_list(args: argparse.Namespace) -> int:
    """Print the latest contests."""
    from bot.settings import load_settings
    from storage import StorageError

    zone = load_settings().zone

    async def read(storage: Storage) -> list[ContestRecord]:
        return await storage.contests.listed()

    try:
        records = _with_storage(read)
    except StorageError as exc:
        print(f"hocvuso: cannot read the contests: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print("id  opens             closes            area      group       q   s  results  title")
    for r in records:
        area = r.commune or r.province or "all"
        print(
            f"{r.id:<3} {r.opens_at.astimezone(zone):%Y-%m-%d %H:%M}  "
            f"{r.closes_at.astimezone(zone):%Y-%m-%d %H:%M}  {area:<8}  {r.group or 'all':<10} "
            f"{len(r.questions):>2} {r.seconds:>3}  {'ready' if r.results_at else '-':<7}  "
            f"{r.title}"
        )
    return 0


def cmd_contest_results(args: argparse.Namespace) -> int:
    """Participation and results per commune × group (counts of 1–4 shown as "<5")."""
    from bot.contests.standings import results_document
    from bot.settings import load_settings
    from storage import StorageError

    zone = load_settings().zone

    async def read(storage: Storage) -> tuple[ContestRecord | None, list[AttemptRecord]]:
        found = await storage.contests.get(args.id)
        return found, (await storage.contests.attempts(args.id) if found else [])

    try:
        found, attempts = _with_storage(read)
    except StorageError as exc:
        print(f"hocvuso: cannot read the contest: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if found is None:
        print(
            f"hocvuso: there is no contest {args.id}; see `hocvuso contest list`",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    document = results_document(found, attempts, None, zone)
    if args.json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    state = "final" if document["results_ready"] else "so far (the contest has not closed)"
    print(f"contest {found.id} {found.title!r}: results {state}")
    print("commune  group               players  finished  average")
    for row in document["rows"]:
        print(_row(row))
    return 0


def _row(row: dict[str, Any]) -> str:
    average = "-" if row["average_score"] is None else f"{row['average_score']:g}"
    return (
        f"{row['commune'] or '?':<7}  {row['group'] or '?':<18}  {row['players']!s:>7}  "
        f"{row['finished']!s:>8}  {average:>7}"
    )


def add_contest_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`hocvuso contest create|list|results`."""
    from bot.contests.setup import DEFAULT_QUESTIONS, DEFAULT_SECONDS

    contest = commands.add_parser("contest", help="timed quiz contests for an area's learners")
    actions = contest.add_subparsers(dest="contest_command", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", help="set up a contest and announce it to the learners in its area and group"
    )
    create.add_argument("--title", required=True, help="the contest's name, shown to learners")
    create.add_argument(
        "--opens", required=True, type=_moment, metavar="ISO", help="e.g. 2026-12-20T08:00"
    )
    create.add_argument(
        "--closes", required=True, type=_moment, metavar="ISO", help="closing, local time"
    )
    create.add_argument("--province", default=None, metavar="CODE", help="a province's learners")
    create.add_argument("--commune", default=None, metavar="CODE", help="a commune's learners")
    create.add_argument("--group", default=None, metavar="G", help="one target group only")
    create.add_argument(
        "--questions", type=int, default=DEFAULT_QUESTIONS, metavar="N", help="per player"
    )
    create.add_argument(
        "--seconds", type=int, default=DEFAULT_SECONDS, metavar="S", help="per question"
    )
    create.add_argument(
        "--lessons", default=None, metavar="ID,…", help="questions from these lessons' quizzes"
    )
    create.add_argument("--gift", default=None, metavar="FILE", help="questions from a GIFT file")
    create.set_defaults(func=cmd_contest_create)
    listed = actions.add_parser("list", help="the latest contests")
    listed.set_defaults(func=cmd_contest_list)
    results = actions.add_parser("results", help="participation and results per commune and group")
    results.add_argument("id", type=int, metavar="ID")
    results.add_argument("--json", action="store_true", help="print the JSON document")
    results.set_defaults(func=cmd_contest_results)


__all__ = ["add_contest_commands"]
