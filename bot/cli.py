"""The `hocvuso` command: run the bot, manage the database, check the content."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

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
    asyncio.run(serve(settings))
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply the migrations."""
    from storage.migrate import current_revision, upgrade

    settings = _settings()
    upgrade(settings.database_url, args.revision)
    print(f"database is at revision {current_revision(settings.database_url)}")
    return 0


def cmd_db_current(_args: argparse.Namespace) -> int:
    """Print the schema revision."""
    from storage.migrate import current_revision, head_revision

    settings = _settings()
    current, head = current_revision(settings.database_url), head_revision()
    print(f"database: {current or 'empty'}; code expects: {head}")
    return 0 if current == head else 1


def cmd_content_check(_args: argparse.Namespace) -> int:
    """Validate every lesson and quiz."""
    from bot.content import load_catalog

    catalog = load_catalog()
    quizzes = len(catalog.quizzes)
    print(
        f"content OK: {len(catalog.modules)} modules, {len(catalog.lessons)} lessons, "
        f"{quizzes} quizzes (version {catalog.version})"
    )
    return 0


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

    content = commands.add_parser("content", help="work with lessons and quizzes")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    check = content_commands.add_parser("check", help="validate every lesson and quiz file")
    check.set_defaults(func=cmd_content_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `hocvuso` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigurationError as exc:
        print(f"hocvuso: {exc}", file=sys.stderr)
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
