"""`hocvuso handbook export --html DIR`: the handbook page as static files, for portals that
only host files. Links are relative, so the folder also opens from disk (file://).

    DIR/index.html   every entry by topic (readable without script), and the search form
    DIR/sotay.css    the page's style (the server's own)
    DIR/sotay.js     the search in the browser: accentless, best first
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core.catalog import Catalog
from bot.i18n import Translator
from bot.sotay.page import PageLinks, render_page
from bot.sotay.web import STATIC_DIR

FILES = ("sotay.css", "sotay.js")


def export_html(
    catalog: Catalog, t: Translator, directory: Path, *, chat_url: str | None = None
) -> list[Path]:
    """Write the static handbook into `directory` (created if missing) and return the files.

    Args:
        catalog: the content.
        t: the page's language.
        directory: where to write; files of the same names are replaced, nothing else touched.
        chat_url: the web chat's public address for the page's "learn" link; None: no link.
    """
    directory.mkdir(parents=True, exist_ok=True)
    links = PageLinks(css="sotay.css", script="sotay.js", chat=chat_url)
    index = directory / "index.html"
    index.write_text(render_page(catalog, t, links), encoding="utf-8")
    written = [index]
    for name in FILES:
        shutil.copyfile(STATIC_DIR / name, directory / name)
        written.append(directory / name)
    return written


__all__ = ["FILES", "export_html"]
