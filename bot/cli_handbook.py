"""`hocvuso handbook export --html DIR`: the "Sổ tay học vụ số" as static files (bot.sotay)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_handbook_export(args: argparse.Namespace) -> int:
    """Write index.html, sotay.css and sotay.js into the folder and list them."""
    from bot.content import load_catalog
    from bot.errors import ConfigurationError
    from bot.i18n import translator
    from bot.settings import load_settings
    from bot.sotay import export_html

    settings = load_settings()
    catalog = load_catalog(args.lessons, args.quizzes)
    t = translator(settings.default_locale, "vi", settings.address_form)
    try:
        written = export_html(catalog, t, args.html, chat_url=args.chat_url)
    except OSError as exc:
        raise ConfigurationError(
            f"--html {args.html}: cannot write there ({exc.strerror or exc}); give a folder "
            "you may write to"
        ) from exc
    for path in written:
        print(path)
    print(f"{len(catalog.handbook)} handbook entries; open {args.html / 'index.html'}")
    return 0


def add_handbook_commands(commands: Any, content_dirs: Any) -> None:
    """The `handbook` command and its `export` action, added to the `hocvuso` parser."""
    handbook = commands.add_parser("handbook", help='the handbook ("Sổ tay học vụ số")')
    actions = handbook.add_subparsers(dest="handbook_command", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write the handbook as static web pages (index.html, CSS, search script) that "
        "open from disk or any web host",
    )
    export.add_argument(
        "--html", required=True, type=Path, metavar="DIR", help="the folder to write into"
    )
    export.add_argument(
        "--chat-url",
        default=None,
        metavar="URL",
        help="the web chat's public address (e.g. https://hocvuso.tinh.gov.vn/), for a "
        '"learn with the chatbot" link on the page; without it, no link',
    )
    content_dirs(export)
    export.set_defaults(func=cmd_handbook_export)


__all__ = ["add_handbook_commands", "cmd_handbook_export"]
