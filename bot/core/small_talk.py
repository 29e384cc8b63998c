"""Small talk: "xin chào", "cảm ơn", "ok", "giúp tôi với", "👍" get a short friendly answer.

Learners greet and thank the bot like a person; such words are no handbook question and no
wrong answer. A small table, read with accents optional; polite particles and forms of
address ("ạ", "nhé", "bạn", "em") around the words do not matter. A message of emoji alone
is a friendly nod too.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from bot.core.navigation import go, unchanged
from bot.core.outcome import Outcome
from bot.core.state import Mode
from bot.core.turn import Turn
from bot.i18n import N_
from bot.text import clean, words


class Talk(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    NOD = "nod"
    HELP = "help"


# Folded phrases, once the particles below are dropped.
PHRASES: dict[str, Talk] = {
    **dict.fromkeys(
        (
            "xin chao",
            "chao",
            "chao buoi sang",
            "chao buoi toi",
            "hello",
            "helo",
            "hi",
            "hey",
            "alo",
            "a lo",
            "halo",
        ),
        Talk.GREETING,
    ),
    **dict.fromkeys(
        ("cam on", "xin cam on", "thank", "thanks", "thank you", "tks", "thanks you"),
        Talk.THANKS,
    ),
    **dict.fromkeys(
        ("ok", "oke", "okay", "okie", "okela", "vang", "da", "u", "uh", "um", "duoc", "dc", "yes"),
        Talk.NOD,
    ),
    **dict.fromkeys(
        (
            "giup",
            "giup toi",
            "giup minh",
            "giup tui",
            "cuu",
            "cuu toi",
            "help me",
            "toi can giup",
            "toi can giup do",
            "lam sao",
            "lam the nao",
        ),
        Talk.HELP,
    ),
}
# Particles and forms of address that do not change what is said: "cảm ơn bạn nhiều nhé".
PARTICLES = frozenset(
    {"a", "ah", "nhe", "nha", "nhieu", "voi", "oi", "di", "ban", "bot", "ad", "admin"}
    | {"em", "chau", "bac", "co", "chu", "anh", "chi", "hoc", "vu", "so"}
)
# What each kind of small talk gets before the menu.
ANSWERS = {
    Talk.GREETING: N_("Hello! 😊 Nice to hear from you."),
    Talk.THANKS: N_("You are very welcome! Write any time you need something."),
    Talk.NOD: N_("All right! 👍"),
    Talk.HELP: N_(
        "Don't worry, let's go step by step. Choose something below, or type your question "
        "in a few words. For help in person, type /trogiup."
    ),
}
# In the middle of these the step stays on screen: the menu would leave it.
KEEP_STEP = frozenset(
    {
        Mode.CONSENT,
        Mode.LESSON,
        Mode.QUIZ,
        Mode.REVIEW,
        Mode.REVIEW_OFFER,
        Mode.PROFILE_PLACE,
        Mode.PROFILE_PICK,
        Mode.PROFILE_GROUP,
        Mode.PROFILE_AGE,
        Mode.PROFILE_REMINDER,
        Mode.REMINDERS,
        Mode.CERTIFICATE_NAME,
        Mode.CONFIRM_ERASE,
        Mode.LANGUAGE,
        Mode.LINK,
        Mode.SELFCHECK_OFFER,
        Mode.SELFCHECK,
    }
)


def small_talk(text: str) -> Talk | None:
    """Which small talk a cleaned text is, if any: a phrase of the table, or emoji alone."""
    if _emoji_only(text):
        return Talk.NOD
    found = words(text)
    kept = [word for word in found if word not in PARTICLES] or found
    # "alo alo", "ok ok": a word said twice is said once.
    once = [word for i, word in enumerate(kept) if i == 0 or word != kept[i - 1]]
    return PHRASES.get(" ".join(once))


def answer_small_talk(turn: Turn, talk: Talk) -> Outcome:
    """The friendly answer, then the menu; a step in progress stays on screen instead."""
    text = turn._(ANSWERS[talk])
    if turn.state.mode in KEEP_STEP:
        return unchanged(turn, text)
    turn.say(text)
    go(turn, Mode.MENU)
    return turn.outcome()


def _emoji_only(text: str) -> bool:
    """Symbols (emoji) and nothing that reads as words or digits."""
    text = clean(text)
    symbols = [ch for ch in text if unicodedata.category(ch) in ("So", "Sk")]
    return bool(symbols) and not any(ch.isalnum() for ch in text)
