"""The links that open the bot with an invite code (an ambassador's or a family's), one per
place the bot can be reached: Telegram's deep link, Messenger's referral link and the web chat.
"""

from __future__ import annotations

from urllib.parse import quote

from bot.core.context import PublicLinks


def web_invite_link(links: PublicLinks, code: str) -> str:
    """The web chat opened with the invite (`/?start=<code>`)."""
    return f"{links.web.rstrip('/')}/?start={quote(code)}"


def telegram_invite_link(links: PublicLinks, code: str) -> str | None:
    """The Telegram deep link (`/start <code>`), or None when the bot's username is unknown."""
    if not links.telegram_bot:
        return None
    return f"https://t.me/{links.telegram_bot}?start={quote(code)}"


def messenger_invite_link(links: PublicLinks, code: str) -> str | None:
    """The Messenger link (`m.me/<page>?ref=<code>`: a referral carrying the invite), or None
    without Messenger."""
    if not links.messenger_page:
        return None
    return f"https://m.me/{links.messenger_page}?ref={quote(code)}"


def invite_links(links: PublicLinks, code: str) -> list[tuple[str, str]]:
    """Every link that opens the bot with invite `code`: (platform, link), the chat apps first
    and the web chat last."""
    found = [
        ("Telegram", telegram_invite_link(links, code)),
        ("Messenger", messenger_invite_link(links, code)),
        ("web", web_invite_link(links, code)),
    ]
    return [(platform, link) for platform, link in found if link is not None]


__all__ = ["invite_links", "messenger_invite_link", "telegram_invite_link", "web_invite_link"]
