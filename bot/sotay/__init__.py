"""The public "Sổ tay học vụ số" for provincial portals: the server-rendered page (`/sotay`),
and the same page written as static files (`hocvuso handbook export --html DIR`)."""

from __future__ import annotations

from bot.sotay.export import export_html
from bot.sotay.page import PageLinks, Section, render_page, sections
from bot.sotay.web import SotayRoutes

__all__ = ["PageLinks", "Section", "SotayRoutes", "export_html", "render_page", "sections"]
