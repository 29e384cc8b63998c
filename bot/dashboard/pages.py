"""The dashboard's page shell and its small pages (sign in, refusals), as HTML strings.

Everything shown is escaped here (`e()`); the pages carry no script at all and one stylesheet
from this server (`/dashboard/static/dashboard.css`), so the strict policy of
`bot.dashboard.headers` holds.
"""

from __future__ import annotations

import html
from string import Template

from bot.i18n import N_, Translator

STYLESHEET = "/dashboard/static/dashboard.css"
LOGIN_PATH = "/dashboard/login"
LOGOUT_PATH = "/dashboard/logout"

_SHELL = Template(
    """<!doctype html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>$title</title>
<link rel="stylesheet" href="$stylesheet">
</head>
<body>
$header<main>
$body
</main>
</body>
</html>
"""
)

APP_NAME = N_("Học vụ số: officials' dashboard")
SIGN_IN = N_("Sign in")
SIGN_IN_TITLE = N_("Sign in to the dashboard")
SIGN_IN_TEXT = N_(
    "This link signs you in to the numbers of your area. Tap the button to continue. The link "
    "works once."
)
NEED_LINK = N_("A sign-in link is needed")
NEED_LINK_TEXT = N_(
    "To see the dashboard, ask for a sign-in link: type /baocao in the chat with the Học vụ số "
    "bot, or ask the administrator."
)
SIGNED_OUT = N_("You have signed out.")
LINK_DEAD = N_("This sign-in link no longer works")
LINK_DEAD_TEXT = N_(
    "The link has already been used, has expired or was withdrawn. Ask for a new one: type "
    "/baocao in the chat with the Học vụ số bot, or ask the administrator."
)
REFUSED = N_("Not allowed")
BAD_FILTER = N_("These filters cannot be read")
BACK = N_("Back to the dashboard")
UNAVAILABLE = N_("The numbers cannot be shown right now")
UNAVAILABLE_TEXT = N_("Sorry, the server cannot reach its database. Please try again later.")
FORBIDDEN_FORM = N_(
    "This form has expired or did not come from the dashboard. Open the dashboard again and retry."
)


def e(value: object) -> str:
    """Text made safe for HTML, attributes included."""
    return html.escape(str(value), quote=True)


def page(t: Translator, title: str, body: str, *, header: str = "") -> str:
    """A whole page: the shell around `body` (already HTML)."""
    full = f"{title} · {t.gettext(APP_NAME)}" if title else t.gettext(APP_NAME)
    return _SHELL.substitute(
        lang=e(t.locale), title=e(full), stylesheet=STYLESHEET, header=header, body=body
    )


def message(t: Translator, title: str, text: str, *, link: tuple[str, str] | None = None) -> str:
    """A page that only says something (and maybe links on)."""
    more = f'<p><a class="button" href="{e(link[0])}">{e(link[1])}</a></p>' if link else ""
    return page(
        t,
        title,
        f'<section class="note"><h1>{e(title)}</h1><p>{e(text)}</p>{more}</section>',
    )


def login_confirm(t: Translator, token: str) -> str:
    """The page a sign-in link opens: one button that spends the link. Chat apps fetch links
    to draw previews; a page that spends nothing until the button is tapped keeps the link for
    its official."""
    title = t.gettext(SIGN_IN_TITLE)
    body = (
        f'<section class="note"><h1>{e(title)}</h1><p>{e(t.gettext(SIGN_IN_TEXT))}</p>'
        f'<form method="post" action="{LOGIN_PATH}">'
        f'<input type="hidden" name="t" value="{e(token)}">'
        f'<button type="submit">{e(t.gettext(SIGN_IN))}</button></form></section>'
    )
    return page(t, title, body)


def need_link(t: Translator, *, signed_out: bool = False) -> str:
    """Where anyone without a session lands."""
    lead = f"<p>{e(t.gettext(SIGNED_OUT))}</p>" if signed_out else ""
    title = t.gettext(NEED_LINK)
    return page(
        t,
        title,
        f'<section class="note"><h1>{e(title)}</h1>{lead}<p>{e(t.gettext(NEED_LINK_TEXT))}</p>'
        "</section>",
    )


def link_dead(t: Translator) -> str:
    """A used, expired or withdrawn sign-in link."""
    return message(t, t.gettext(LINK_DEAD), t.gettext(LINK_DEAD_TEXT))


def refused(t: Translator, status: int, text: str) -> str:
    """A filter refused (403 outside the area, 400 malformed), with the way back."""
    title = t.gettext(REFUSED if status == 403 else BAD_FILTER)
    return message(t, title, text, link=("/dashboard", t.gettext(BACK)))


def unavailable(t: Translator) -> str:
    """The database did not answer."""
    return message(t, t.gettext(UNAVAILABLE), t.gettext(UNAVAILABLE_TEXT))


def bad_form(t: Translator) -> str:
    """A POST without the session's form token (or from another site)."""
    return message(
        t, t.gettext(REFUSED), t.gettext(FORBIDDEN_FORM), link=("/dashboard", t.gettext(BACK))
    )


__all__ = [
    "LOGIN_PATH",
    "LOGOUT_PATH",
    "STYLESHEET",
    "bad_form",
    "e",
    "link_dead",
    "login_confirm",
    "message",
    "need_link",
    "page",
    "refused",
    "unavailable",
]
