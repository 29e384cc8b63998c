"""The handbook page as HTML: categories (the course modules), each entry with its question,
answer and lesson, and the search results. One renderer for `/sotay` and the static export.

Everything from the content or the visitor is escaped here, once; the page has no inline script
or style, so it runs under the server's Content-Security-Policy (bot/security.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from bot.core.catalog import Catalog
from bot.handbook import Hit
from bot.i18n import N_, Translator
from bot.text import fold
from lessons.models import HandbookEntry, Lesson, Module

TITLE = N_("Digital skills handbook")
INTRO = N_(
    "Short answers to everyday questions about phones and the internet, each with the lesson "
    "that teaches it."
)
SEARCH_LABEL = N_("Search the handbook")
SEARCH_BUTTON = N_("Search")
SEARCH_HINT = N_("Type a few words, with or without accents: chuyen tien, ma OTP, chu to…")
TOPICS = N_("Topics")
RESULTS = N_("Answers for “{query}”")
NO_HIT = N_("No answer fits “{query}” yet. Try other words, or look through the topics below.")
EMPTY = N_("Type a few words to search, for example “chuyển tiền”.")
LESSON = N_("Lesson {id}: {title}")
CHAT = N_("Learn with the chatbot")
SHOW_ALL = N_("All topics")
QUESTIONS = N_("{count} questions")
ENTRIES = N_("Questions and answers")
NOSCRIPT_SEARCH = N_("Search needs JavaScript here; every answer is listed below by topic.")
# How many results a search shows (the chat shows 3; a page has room for more).
RESULT_LIMIT = 8


@dataclass(frozen=True)
class Section:
    """One category: a course module and its handbook entries, in the handbook's order."""

    module: Module
    entries: tuple[HandbookEntry, ...]

    @property
    def anchor(self) -> str:
        return f"chu-de-{self.module.id.lower()}"


@dataclass(frozen=True)
class PageLinks:
    """Where the page's files and links point: absolute paths on the server, relative ones in
    the static export (so it opens from disk).

    Attributes:
        css: the stylesheet.
        script: the search script of the static export; None on the server (no script).
        action: the search form's target; None: the form is only the script's (static export).
        chat: the web chat, to learn the lesson; None: no link (an export without a server).
    """

    css: str
    script: str | None = None
    action: str | None = None
    chat: str | None = None


def sections(catalog: Catalog) -> list[Section]:
    """The modules in course order with their entries; a module without entries is left out."""
    module_of = {lesson.id: lesson.module for lesson in catalog.lessons}
    result = []
    for module in sorted(catalog.modules, key=lambda m: m.order):
        entries = tuple(
            e for e in catalog.handbook.entries if module_of.get(e.lesson) == module.id
        )
        if entries:
            result.append(Section(module, entries))
    return result


def render_page(
    catalog: Catalog,
    t: Translator,
    links: PageLinks,
    *,
    query: str | None = None,
    hits: Sequence[Hit] = (),
) -> str:
    """The whole page. `query` None: no search asked; "" or blank: asked with no words."""
    lessons = {lesson.id: lesson for lesson in catalog.lessons}
    parts = sections(catalog)
    body: list[str] = [_header(t, links, query)]
    body.append('<main id="main">')
    if query is not None:
        body.append(_results(t, links, lessons, query, hits))
    if links.script is not None:
        # The export's script fills this in; without it, the full list below is the page.
        body.append(
            '<section id="results" class="results" aria-live="polite" hidden>'
            f'<h2 id="results-title" data-template="{escape(t.gettext(RESULTS))}"></h2>'
            '<p id="no-hit" class="kind" hidden>'
            f'{escape(t.gettext(NO_HIT))}</p><p id="empty" class="kind" hidden>'
            f"{escape(t.gettext(EMPTY))}</p>"
            '<ol id="result-list" class="entries"></ol></section>'
        )
    show_all = query is None or not hits or links.script is not None
    # Results alone on the server's page: the topics lead back to the full list.
    body.append(_topics(t, parts, "" if show_all else links.action or ""))
    if show_all:
        body.append(f'<h2 class="all" id="tat-ca">{escape(t.gettext(ENTRIES))}</h2>')
        for section in parts:
            body.append(_section(t, links, lessons, section))
    body.append("</main>")
    return _document(t, links, "\n".join(body))


def _document(t: Translator, links: PageLinks, body: str) -> str:
    script = f'<script src="{escape(links.script)}" defer></script>\n' if links.script else ""
    return (
        "<!doctype html>\n"
        f'<html lang="{escape(t.locale)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="theme-color" content="#0b6e4f">\n'
        f"<title>{escape(t.gettext(TITLE))}</title>\n"
        f'<link rel="stylesheet" href="{escape(links.css)}">\n{script}'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _header(t: Translator, links: PageLinks, query: str | None) -> str:
    value = escape(query or "")
    action = f' action="{escape(links.action)}"' if links.action else ""
    hidden = "" if links.action else " hidden"
    chat = (
        f'<p class="chat"><a class="button" href="{escape(links.chat)}">'
        f"{escape(t.gettext(CHAT))}</a></p>"
        if links.chat
        else ""
    )
    noscript = (
        f'<noscript><p class="kind">{escape(t.gettext(NOSCRIPT_SEARCH))}</p></noscript>'
        if links.script
        else ""
    )
    return (
        '<header class="top">'
        f'<h1><span aria-hidden="true">📖 </span>{escape(t.gettext(TITLE))}</h1>'
        f'<p class="intro">{escape(t.gettext(INTRO))}</p>'
        f'<form id="search" class="search" role="search" method="get"{action}{hidden}>'
        f'<label for="q">{escape(t.gettext(SEARCH_LABEL))}</label>'
        '<div class="row">'
        f'<input id="q" name="q" type="search" value="{value}" maxlength="200" '
        'autocomplete="off" enterkeyhint="search" aria-describedby="hint">'
        f'<button type="submit">{escape(t.gettext(SEARCH_BUTTON))}</button></div>'
        f'<p id="hint" class="hint">{escape(t.gettext(SEARCH_HINT))}</p>'
        f"</form>{noscript}{chat}</header>"
    )


def _results(
    t: Translator,
    links: PageLinks,
    lessons: dict[str, Lesson],
    query: str,
    hits: Sequence[Hit],
) -> str:
    shown = " ".join(query.split())
    if not shown:
        return f'<section class="results"><p class="kind">{escape(t.gettext(EMPTY))}</p></section>'
    if not hits:
        text = t.gettext(NO_HIT).format(query=shown)
        return (
            f'<section class="results" aria-labelledby="results-title">'
            f'<h2 id="results-title" class="sr">{escape(t.gettext(RESULTS).format(query=shown))}'
            f'</h2><p class="kind">{escape(text)}</p></section>'
        )
    items = "".join(_entry(t, links, lessons, hit.entry, level=3) for hit in hits)
    return (
        '<section class="results" aria-labelledby="results-title">'
        f'<h2 id="results-title">{escape(t.gettext(RESULTS).format(query=shown))}</h2>'
        f'<ol class="entries">{items}</ol>'
        f'<p><a href="#chu-de">{escape(t.gettext(SHOW_ALL))}</a></p></section>'
    )


def _topics(t: Translator, parts: Sequence[Section], page: str) -> str:
    items = "".join(
        f'<li><a href="{escape(page)}#{s.anchor}">{escape(s.module.title)}'
        f' <span class="count">({escape(t.gettext(QUESTIONS).format(count=len(s.entries)))})'
        "</span></a></li>"
        for s in parts
    )
    return (
        f'<nav class="topics" id="chu-de" aria-labelledby="topics-title">'
        f'<h2 id="topics-title">{escape(t.gettext(TOPICS))}</h2><ul>{items}</ul></nav>'
    )


def _section(t: Translator, links: PageLinks, lessons: dict[str, Lesson], section: Section) -> str:
    items = "".join(_entry(t, links, lessons, e, level=4) for e in section.entries)
    return (
        f'<section class="topic" id="{section.anchor}" aria-labelledby="{section.anchor}-t">'
        f'<h3 id="{section.anchor}-t">{escape(section.module.title)}</h3>'
        f'<ol class="entries">{items}</ol></section>'
    )


def _entry(
    t: Translator,
    links: PageLinks,
    lessons: dict[str, Lesson],
    entry: HandbookEntry,
    *,
    level: int,
) -> str:
    lesson = lessons.get(entry.lesson)
    title = lesson.title if lesson else entry.lesson
    label = escape(t.gettext(LESSON).format(id=entry.lesson, title=title))
    # The export's script searches the keywords too, folded as the server folds typed words.
    keywords = " ".join(fold(k) for k in entry.keywords)
    data = f' data-k="{escape(keywords, quote=True)}"' if links.script else ""
    return (
        f'<li class="entry" id="{escape(entry.id)}"{data}>'
        f'<h{level} class="q">{escape(entry.question)}</h{level}>'
        f'<p class="a">{escape(entry.answer)}</p>'
        f'<p class="lesson"><span aria-hidden="true">📘 </span>{label}</p></li>'
    )


__all__ = ["PageLinks", "RESULT_LIMIT", "Section", "render_page", "sections"]
