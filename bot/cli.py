"""The `hocvuso` command: run the bot, manage the database, check the content."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_ambassador import add_ambassador_commands
from bot.cli_contests import add_contest_commands
from bot.cli_handbook import add_handbook_commands
from bot.cli_officials import add_admin_commands
from bot.cli_outbox import add_outbox_commands
from bot.cli_reports import add_push_actions
from bot.cli_summary import add_report_commands
from bot.cli_targets import add_targets_commands
from bot.errors import ConfigurationError, ContentError

if TYPE_CHECKING:
    from bot.settings import Settings

EXIT_CONFIG = 2
EXIT_CONTENT = 1


def _settings() -> Settings:
    from bot.settings import load_settings

    return load_settings()


def cmd_run(_args: argparse.Namespace) -> int:
    """Start the bot."""
    from bot.app import serve

    settings = _settings()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The schema check only reads the revision: Alembic's chatter about it would bury a
    # start-up error's one line.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    asyncio.run(serve(settings))
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply the migrations."""
    from bot.startup import database_revision
    from storage import current_revision, upgrade

    settings = _settings()
    database_revision(settings)  # one line naming the setting if the database is out of reach
    upgrade(settings.database_url, args.revision)
    print(f"database is at revision {current_revision(settings.database_url)}")
    return 0


def cmd_db_current(_args: argparse.Namespace) -> int:
    """Print the schema revision."""
    from bot.startup import database_revision
    from storage import head_revision

    settings = _settings()
    current, head = database_revision(settings), head_revision()
    print(f"database: {current or 'empty'}; code expects: {head}")
    return 0 if current == head else 1


def cmd_db_prune(_args: argparse.Namespace) -> int:
    """Delete expired rows once (what `hocvuso run` does every night)."""
    from bot.errors import StorageError
    from bot.maintenance import prune_once
    from bot.startup import check_database
    from storage import Storage

    settings = _settings()
    check_database(settings)

    async def run() -> int:
        storage = Storage.open(settings.database_url)
        try:
            pruned = await prune_once(storage, settings)
        except StorageError as exc:
            print(f"hocvuso: pruning stopped: {exc}", file=sys.stderr)
            return 1
        finally:
            await storage.close()
        if pruned is None:
            print("another hocvuso process is pruning right now; nothing done")
            return 0
        print(
            f"deleted {pruned.inbox_events} processed inbox events and "
            f"{pruned.processed_messages} processed-message keys older than "
            f"{settings.retention_days} days, {pruned.outbox_messages} sent outbox messages "
            f"older than {settings.outbox_retention_days} days"
        )
        return 0

    return asyncio.run(run())


def cmd_content_check(args: argparse.Namespace) -> int:
    """Validate every lesson, quiz, handbook entry, drawing and the self-check."""
    from bot.content import load_catalog
    from bot.pictures import picture_problems

    drawings = picture_problems(args.lessons)
    try:
        catalog = load_catalog(args.lessons, args.quizzes)
    except ContentError as exc:
        raise ContentError([*exc.problems, *drawings]) from None
    if drawings:
        raise ContentError(drawings)
    quizzes = len(catalog.quizzes)
    questions = [q for quiz in catalog.quizzes.values() for q in quiz.questions]
    drills = sum(q.drill for q in questions)
    acting = sum(q.asks_what_to_do for q in questions)
    electives = sum(not module.required for module in catalog.modules)
    modules = f"{len(catalog.modules)} modules" + (f" ({electives} elective)" if electives else "")
    selfcheck = catalog.selfcheck
    asked = f", self-check {len(selfcheck.questions)} questions" if selfcheck is not None else ""
    print(
        f"content OK: {modules}, {len(catalog.lessons)} lessons, "
        f"{quizzes} quizzes ({drills} scam drills, {acting} asking what to do), "
        f"{len(catalog.handbook)} handbook entries"
        f"{asked} (version {catalog.version})"
    )
    return 0


def cmd_content_images(args: argparse.Namespace) -> int:
    """Render the lesson drawings to PNG (those missing or older than their SVG)."""
    from bot.pictures import build_dir, build_pictures

    report = build_pictures(args.lessons, force=args.force)
    if report.problems:
        raise ContentError(report.problems)
    print(
        f"pictures: {len(report.rendered)} rendered, {report.fresh} up to date, in "
        f"{build_dir(args.lessons)}"
    )
    return 0


def cmd_import_gift(args: argparse.Namespace) -> int:
    """Read a Moodle GIFT file into `quizzes/<module>/<lesson>.yaml`, checked before writing.

    Questions hocvuso cannot ask are skipped and the rest imported, each skip and each change
    printed as a warning with its GIFT line; it fails only when nothing could be imported.
    """
    from lessons.loader import read_lessons
    from quizzes.gift import gift_to_quiz
    from quizzes.loader import quiz_path, quiz_yaml

    source: Path = args.file
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"hocvuso: cannot read {source}: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    quiz, notes = gift_to_quiz(text, args.lesson, args.pass_mark)
    lessons, _lesson_problems = read_lessons(args.lessons)
    if args.lesson not in {loaded.item.id for loaded in lessons}:
        raise ContentError(
            [
                f"{source}:1: there is no lesson {args.lesson} in {args.lessons}; write the "
                "lesson first, or check the --lesson id"
            ]
        )
    if quiz is None:
        raise ContentError([f"{source}:{note.line}: {note.message}" for note in notes])
    target = quiz_path(args.lesson, args.quizzes)
    if target.exists() and not args.force:
        print(
            f"hocvuso: {target} already exists; nothing was written. Use --force to replace it.",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    for note in notes:
        print(f"{source}:{note.line}: warning: {note.message}", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(quiz_yaml(quiz), encoding="utf-8")
    skipped = sum(note.skipped for note in notes)
    print(
        f"wrote {target}: {len(quiz.questions)} questions"
        + (f" ({skipped} skipped, see the warnings)" if skipped else "")
        + f", pass mark {quiz.pass_mark:g}. Run `hocvuso content check` next."
    )
    return 0


def cmd_export_gift(args: argparse.Namespace) -> int:
    """Print (or write) the quiz of a lesson as Moodle GIFT."""
    from quizzes.gift_export import quiz_to_gift
    from quizzes.loader import quiz_path, read_quiz

    path = quiz_path(args.lesson, args.quizzes)
    if not path.exists():
        print(f"hocvuso: lesson {args.lesson} has no quiz ({path} is missing)", file=sys.stderr)
        return EXIT_CONTENT
    loaded, problems = read_quiz(path)
    if loaded is None:
        raise ContentError(problems)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    text = quiz_to_gift(loaded.item, f"quizzes/{path.parent.name}/{path.name}")
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}: {len(loaded.item.questions)} questions")
    return 0


def _lesson_id(value: str) -> str:
    if not re.match(r"^[A-Z][0-9]{1,2}$", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a lesson id like E2 or F12")
    return value


def _pass_mark(value: str) -> float:
    try:
        mark = float(value.replace(",", "."))
    except ValueError:
        mark = -1.0
    if not 0 < mark <= 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give a share between 0 and 1, e.g. 0.75")
    return mark


def _content_dirs(parser: argparse.ArgumentParser, *, lessons: bool = True) -> None:
    from lessons.loader import LESSONS_DIR
    from quizzes.loader import QUIZZES_DIR

    if lessons:
        parser.add_argument(
            "--lessons",
            type=Path,
            default=LESSONS_DIR,
            metavar="DIR",
            help="the lessons folder (default: the shipped lessons/)",
        )
    parser.add_argument(
        "--quizzes",
        type=Path,
        default=QUIZZES_DIR,
        metavar="DIR",
        help="the quizzes folder (default: the shipped quizzes/)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with help in plain words."""
    parser = argparse.ArgumentParser(
        prog="hocvuso", description="Run and manage the hocvuso digital-skills chatbot."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start the bot (web chat on HOCVUSO_HTTP_HOST:PORT)")
    run.set_defaults(func=cmd_run)

    db = commands.add_parser("db", help="manage the database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db_commands.add_parser("upgrade", help="create or update the tables")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    up.set_defaults(func=cmd_db_upgrade)
    current = db_commands.add_parser("current", help="show the schema revision")
    current.set_defaults(func=cmd_db_current)
    prune = db_commands.add_parser(
        "prune",
        help="delete processed inbox events and message keys older than "
        "HOCVUSO_RETENTION_DAYS, sent outbox messages older than HOCVUSO_OUTBOX_RETENTION_DAYS",
    )
    prune.set_defaults(func=cmd_db_prune)

    content = commands.add_parser("content", help="work with lessons and quizzes")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    check = content_commands.add_parser(
        "check", help="validate every lesson, quiz and handbook file"
    )
    _content_dirs(check)
    check.set_defaults(func=cmd_content_check)

    images = content_commands.add_parser(
        "images", help="render the lesson drawings (lessons/images/*.svg) to PNG"
    )
    images.add_argument("--force", action="store_true", help="render every drawing again")
    _content_dirs(images)
    images.set_defaults(func=cmd_content_images)

    gift_in = content_commands.add_parser(
        "import-gift", help="turn a Moodle GIFT file into the quiz of a lesson"
    )
    gift_in.add_argument("file", type=Path, metavar="FILE", help="the GIFT file (UTF-8 text)")
    gift_in.add_argument("--lesson", required=True, type=_lesson_id, help="lesson id, e.g. E2")
    gift_in.add_argument(
        "--pass-mark",
        type=_pass_mark,
        default=None,
        help="share of points to pass (default: from the file, else 0.75)",
    )
    gift_in.add_argument(
        "--force", action="store_true", help="replace the lesson's quiz if it exists"
    )
    _content_dirs(gift_in)
    gift_in.set_defaults(func=cmd_import_gift)

    gift_out = content_commands.add_parser(
        "export-gift", help="print the quiz of a lesson as Moodle GIFT"
    )
    gift_out.add_argument("--lesson", required=True, type=_lesson_id, help="lesson id, e.g. E2")
    gift_out.add_argument(
        "-o", "--output", type=Path, default=None, metavar="FILE", help="write to FILE"
    )
    _content_dirs(gift_out, lessons=False)
    gift_out.set_defaults(func=cmd_export_gift)

    add_handbook_commands(commands, _content_dirs)
    add_outbox_commands(commands)
    add_ambassador_commands(commands)
    add_targets_commands(commands)
    add_admin_commands(commands)
    add_contest_commands(commands)
    add_push_actions(add_report_commands(commands))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `hocvuso` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigurationError as exc:
        # One line, whatever a driver or platform put in the message: the operator's terminal
        # or journal shows what to fix at a glance.
        print(f"hocvuso: {' '.join(str(exc).split())}", file=sys.stderr)
        for option in exc.options:
            print(f"  {option}", file=sys.stderr)
        return EXIT_CONFIG
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"hocvuso: {len(exc.problems)} content problem(s) found", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
