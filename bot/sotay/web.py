"""`GET /sotay` (and `/sotay?q=…`): the handbook as a public page a province links from its
portal, server-rendered (no script), searched by the chat's own handbook search.

The page is the same for everyone (no cookie, no learner, nothing recorded), so it may be
cached by browsers and proxies for a few minutes; the content changes only with a deployment.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from bot.core.catalog import Catalog
from bot.i18n import Translator
from bot.sotay.page import RESULT_LIMIT, PageLinks, render_page

STATIC_DIR = Path(__file__).resolve().parent / "static"
# A search is only the first words of what was typed: the handbook's questions are short.
MAX_QUERY = 200
CACHE = "public, max-age=300"
LINKS = PageLinks(css="/sotay/static/sotay.css", action="/sotay", chat="/")


class SotayRoutes:
    """The handbook page of one server.

    Args:
        catalog: the content (modules, lessons, handbook and its search index).
        translator: the page's language (the deployment's default locale and address form).
    """

    def __init__(self, catalog: Catalog, translator: Callable[[], Translator]) -> None:
        self.catalog = catalog
        self.translator = translator
        # The page without a search is the same for everyone: rendered once (a few ms).
        self._plain: str | None = None

    def add_routes(self, app: web.Application) -> None:
        """`/sotay`, `/sotay/` and the page's stylesheet."""
        app.router.add_get("/sotay", self.page)
        app.router.add_get("/sotay/", self.page)
        app.router.add_static("/sotay/static/", STATIC_DIR)

    async def page(self, request: web.Request) -> web.Response:
        """The categories with every entry; with `?q=`, the best answers first."""
        query = request.query.get("q")
        hits = []
        if query is not None:
            query = query[:MAX_QUERY]
            if query.strip():
                hits = self.catalog.handbook.search(query, limit=RESULT_LIMIT)
        if query is None:
            if self._plain is None:
                self._plain = render_page(self.catalog, self.translator(), LINKS)
            html = self._plain
        else:
            html = render_page(self.catalog, self.translator(), LINKS, query=query, hits=hits)
        response = web.Response(
            text=html,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": CACHE, "Vary": "Accept-Encoding"},
        )
        # The full list is ~90 kB of text, ~15 kB compressed: it matters on a village's 3G.
        response.enable_compression()
        return response


__all__ = ["LINKS", "SotayRoutes"]
