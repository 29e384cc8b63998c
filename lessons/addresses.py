"""No tappable address in learner-facing text, except a short list of genuine official sites.

Chat apps (Zalo, Telegram, the web chat's own linkifier, SMS) turn `something.com`,
`www.something`, `https://…`, `name@something.vn` and `@handle` into links. A scam address
taught in a drill must never be tappable from our lesson, and a made-up one could be registered
by anyone later; so fake addresses are written "defanged", with `[.]` for each dot
(`vneid-capnhat[.]com`), and handles without their `@` ("tài khoản tên viecnhe_luongcao").

`address_problems()` reports every address or handle in the text a learner reads (every value of
a lesson, quiz, handbook or module file, except the `sources` an author cites and `image` paths)
that is not on `OFFICIAL_SITES`, as `file:line: field: message`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from lessons.yamlfile import YamlDocument

# The genuine official sites learners may tap, each with why it is genuine. An address is allowed
# when its host is one of these or a part of one (`m.dichvucong.gov.vn` under `gov.vn`). Add a
# site only when the content names it and it is run by the State (or by the official body the
# lesson sends the learner to); a bank's or a shop's site is not, since a look-alike is the scam.
OFFICIAL_SITES: dict[str, str] = {
    "gov.vn": (
        "Vietnam's government domain: VNNIC registers .gov.vn names only for Party and State "
        "bodies, so every *.gov.vn site is official (dichvucong.gov.vn, vneid.gov.vn, "
        "binhdanhocvuso.gov.vn, tingia.gov.vn, moh.gov.vn, nchmf.gov.vn in the lessons)"
    ),
    "tinnhiemmang.vn": (
        "Tín nhiệm mạng, run by the National Cyber Security Centre (NCSC) of the Authority of "
        "Information Security: look up whether a website or organisation is trustworthy"
    ),
    "khonggianmang.vn": (
        "the Authority of Information Security's anti-fraud portal; canhbao.khonggianmang.vn is "
        "where scams are looked up and reported"
    ),
    "tongdai111.vn": (
        "the national child-protection hotline 111, run for the Ministry that protects children"
    ),
}

# Top-level domains that make a bare `name.tld` an address. A curated list, not every country
# code: the generic ones scam links use, Vietnam's, and the country codes seen in scam SMS. Two-
# letter codes that are everyday Vietnamese words typed without accents (ba, to, do, la, in, co,
# an) are left out, so "xong.Do do" is not taken for an address.
# fmt: off
TLDS = frozenset((
    "com", "net", "org", "info", "biz", "edu", "gov", "int", "mil", "top", "xyz", "site",
    "online", "shop", "store", "link", "click", "live", "club", "vip", "pro", "win", "icu",
    "fun", "space", "website", "tech", "app", "dev", "cloud", "asia", "mobi", "name", "work",
    "life", "world", "today", "news", "email", "support", "services", "finance", "bank",
    "money", "loan", "cash", "games", "game", "bet", "casino", "buzz", "cyou", "rest", "bond",
    "sbs", "cfd", "lol", "monster", "quest", "help", "best", "ltd", "group", "gold", "plus",
    "vn", "me", "cn", "ru", "us", "uk", "tk", "ml", "ga", "cf", "gq", "ws", "pw", "cc", "tv",
    "io", "ly", "su", "kr", "jp", "sg", "th", "hk", "tw", "ph", "id", "my", "kh",
))
# fmt: on
_LETTERS = "A-Za-z"
_LABEL = rf"[{_LETTERS}0-9](?:[{_LETTERS}0-9-]*[{_LETTERS}0-9])?"
# Where an address ends: not inside a longer word, not before another real dot and label.
_END = rf"(?![\w-]|\.[{_LETTERS}0-9])"
_SCHEME = re.compile(r"(?<![\w])(?:https?|ftp)://([^\s/?#\"'“”‘’<>()\[\]]*)[^\s\"'“”‘’<>()]*")
_WWW = re.compile(rf"(?<![\w.@-])www\.(?:{_LABEL}\.)*{_LABEL}{_END}", re.IGNORECASE)
_EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]+@((?:{_LABEL}\.)+[{_LETTERS}]{{2,24}}){_END}")
_HOST = re.compile(rf"(?<![\w@-])(?:{_LABEL}\.)+([{_LETTERS}]{{2,24}}){_END}")
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")

# Values no learner reads: the pages an author cites and picture paths.
NOT_SHOWN = frozenset({"sources", "image"})
_DEFANG_HINT = (
    "chat apps make it a link anyone can tap; write a fake address with [.] for each dot "
    "(vneid-capnhat[.]com) and say once that [.] is a dot, or, for a genuine official site, "
    "add it to OFFICIAL_SITES in lessons/addresses.py"
)


def official(host: str) -> bool:
    """Whether a host name is one of `OFFICIAL_SITES` or a part of one."""
    host = host.lower().rstrip(".")
    return any(host == site or host.endswith(f".{site}") for site in OFFICIAL_SITES)


def find_addresses(text: str) -> Iterator[tuple[int, str, str]]:
    """Every tappable address or handle in `text` that is not official: (offset, text, kind).

    `kind` is "address" or "handle". Defanged addresses (`[.]`), numbers ("1.000", "v2.1"),
    file names (`.apk`) and suffixes spoken of alone (".com") are not addresses.
    """
    taken: list[tuple[int, int]] = []

    def free(match: re.Match[str]) -> bool:
        start, end = match.span()
        if any(start < b and a < end for a, b in taken):
            return False
        taken.append((start, end))
        return True

    found: list[tuple[int, str, str]] = []
    for match in _SCHEME.finditer(text):
        if free(match) and not official(match.group(1).split(":")[0].split("@")[-1]):
            found.append((match.start(), match.group(), "address"))
    for match in _WWW.finditer(text):
        if free(match) and not official(match.group()):
            found.append((match.start(), match.group(), "address"))
    for match in _EMAIL.finditer(text):
        if free(match) and not official(match.group(1)):
            found.append((match.start(), match.group(), "address"))
    for match in _HOST.finditer(text):
        if match.group(1).lower() in TLDS and free(match) and not official(match.group()):
            found.append((match.start(), match.group(), "address"))
    for match in _HANDLE.finditer(text):
        if free(match):
            found.append((match.start(), match.group(), "handle"))
    yield from sorted(found)


def _scalars(
    node: yaml.Node | None, at: tuple[int | str, ...] = ()
) -> Iterator[tuple[yaml.ScalarNode, tuple[int | str, ...]]]:
    """The value scalars of a document a learner may read, with where each sits."""
    if isinstance(node, yaml.ScalarNode):
        yield node, at
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _scalars(item, (*at, index))
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) not in NOT_SHOWN:
                yield from _scalars(value, (*at, str(key.value)))


def address_problems(doc: YamlDocument) -> list[str]:
    """`file:line: field: message` for every address or handle a learner could tap.

    The line is the one the address is written on, also inside a multi-line (`|`) text.
    """
    # The node marks count characters of the text the parser read: the NFC form.
    text = unicodedata.normalize("NFC", doc.text.removeprefix("\ufeff"))
    problems = []
    for node, at in _scalars(doc.root):
        source = text[node.start_mark.index : node.end_mark.index]
        field = ".".join(map(str, at)) or "(file)"
        for offset, found, kind in find_addresses(source):
            line = node.start_mark.line + source.count("\n", 0, offset) + 1
            if kind == "handle":
                message = (
                    f"account handle {found!r}: chat apps make it a link anyone can tap; write "
                    f"the name without @, as 'tài khoản tên {found[1:]}'"
                )
            else:
                message = f"web address {found!r} is not an official site: {_DEFANG_HINT}"
            problems.append(f"{doc.path}:{line}: {field}: {message}")
    return problems
