"""What each action does: the action names behind buttons, commands and keywords.

An action is the part of a choice id after "<turn>:" ("menu", "lesson.A1", "opt.b"); commands
and typed keywords name the same actions. Most actions need the learner's consent first.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.ambassador_flow import (
    AMBASSADOR_ACTIONS,
    ask_for_code,
    refuse,
    show_invite,
)
from bot.core.assisted_flow import assisted_action, open_desk
from bot.core.assisted_menus import ASSISTED_PREFIX
from bot.core.catalog import CHECK_PREFIX
from bot.core.certificate_flow import issue as issue_certificate
from bot.core.certificate_flow import open_certificate, rename, report_vneid
from bot.core.consent import agree, ask_consent, decline, erase, privacy
from bot.core.contest_flow import answer_contest, start_contest
from bot.core.contest_screens import CONTEST_PREFIX
from bot.core.events import LocaleChanged
from bot.core.family_flow import (
    FAMILY_PREFIXES,
    agree_to_join,
    ask_helper,
    ask_leave,
    cancel,
    family_action,
    leave,
    new_family,
    open_family,
)
from bot.core.help_and_progress import show_help, show_progress
from bot.core.lesson_flow import answer_check, continue_lesson, next_lesson, open_lesson
from bot.core.link_flow import enter_code, show_link
from bot.core.navigation import back_from_detour, detour, go
from bot.core.official_flow import ask_for_code as ask_for_official_code
from bot.core.official_flow import refuse as refuse_official
from bot.core.outcome import Outcome
from bot.core.profile_flow import (
    choose,
    edit,
    reminders,
    show_profile,
    skip_all,
    start_profile,
)
from bot.core.quiz_flow import answer_choice, finish_multiple, retry_quiz, start_quiz
from bot.core.review_flow import skip_review, start_review
from bot.core.roster_flow import (
    ROSTER_ACTIONS,
    SKILL_PREFIX,
    VILLAGER_PREFIX,
    back_to_roster,
    back_to_villager,
    confirm_skill,
    nudge_one,
    nudge_stalled,
    open_roster,
    open_skills,
    open_villager,
    pick_skill,
    turn_page,
)
from bot.core.selfcheck_flow import (
    answer_selfcheck,
    open_selfcheck,
    skip_selfcheck,
    start_selfcheck,
)
from bot.core.selfcheck_screens import SELFCHECK_PREFIX
from bot.core.state import Mode
from bot.core.turn import Turn

# Actions open before consent: deciding about it needs them. Erasing is open too, so a learner
# can always remove what little is stored. Linking too: a new app links before agreeing there
# (the agreement given on the other app applies; see `bot.core.link_flow`). Reading lessons
# and the handbook stores nothing, so they are open as well (decision 22).
WITHOUT_CONSENT = frozenset(
    {
        "agree",
        "decline",
        "privacy",
        "help",
        "language",
        "erase",
        "erase_yes",
        "erase_no",
        "link",
        "link_enter",
        "menu",
        "modules",
        "next_lesson",
        "continue",
        "reread",
        "handbook",
        "back",
        # The self-check keeps nothing but the conversation state.
        "selfcheck",
        "selfcheck_start",
        "selfcheck_skip",
    }
)
# Actions with a value after a dot that are open before consent, as above.
PREFIXES_WITHOUT_CONSENT = (
    "module.",
    "lesson.",
    "hb.",
    "locale.",
    CHECK_PREFIX,
    SELFCHECK_PREFIX,
)


def _handlers(turn: Turn) -> dict[str, Callable[[], None]]:
    return {
        "agree": lambda: agree(turn),
        "decline": lambda: decline(turn),
        "privacy": lambda: privacy(turn),
        "menu": lambda: go(turn, Mode.MENU),
        "modules": lambda: go(turn, Mode.MODULES),
        "help": lambda: show_help(turn),
        "progress": lambda: show_progress(turn),
        "language": lambda: detour(turn, Mode.LANGUAGE),
        "erase": lambda: detour(turn, Mode.CONFIRM_ERASE),
        "erase_yes": lambda: erase(turn),
        "erase_no": lambda: back_from_detour(turn),
        "next_lesson": lambda: next_lesson(turn),
        "continue": lambda: continue_lesson(turn),
        "quiz": lambda: start_quiz(turn),
        "retry": lambda: start_quiz(turn),
        "reread": lambda: open_lesson(turn, turn.state.lesson_id or ""),
        "true": lambda: answer_choice(turn, "true"),
        "false": lambda: answer_choice(turn, "false"),
        "done": lambda: finish_multiple(turn),
        "handbook": lambda: go(turn, Mode.HANDBOOK),
        "profile": lambda: show_profile(turn),
        "profile_start": lambda: start_profile(turn),
        "reminders": lambda: reminders(turn),
        "back": lambda: back_from_detour(turn),
        "skip": lambda: choose(turn, "skip"),
        "skip_all": lambda: skip_all(turn),
        "retype": lambda: choose(turn, "retype"),
        "other_province": lambda: choose(turn, "other_province"),
        "certificate": lambda: open_certificate(turn),
        "cert_noname": lambda: issue_certificate(turn, ""),
        "cert_rename": lambda: rename(turn),
        "vneid_done": lambda: report_vneid(turn),
        "review": lambda: start_review(turn),
        "review_later": lambda: skip_review(turn),
        "link": lambda: show_link(turn),
        "link_enter": lambda: enter_code(turn),
        # `/daisu` alone (with a code, the engine answers before any action).
        "ambassador_code": lambda: ask_for_code(turn),
        "official_code": lambda: ask_for_official_code(turn),
        "invite": lambda: show_invite(turn),
        "roster": lambda: open_roster(turn),
        "roster_back": lambda: back_to_roster(turn),
        "roster_next": lambda: turn_page(turn, 1),
        "roster_prev": lambda: turn_page(turn, -1),
        "nudge": lambda: nudge_one(turn),
        "nudge_stalled": lambda: nudge_stalled(turn),
        "skills": lambda: open_skills(turn),
        "skill_yes": lambda: confirm_skill(turn),
        "skill_no": lambda: back_to_villager(turn),
        "villager": lambda: back_to_villager(turn),
        "assisted": lambda: open_desk(turn),
        "selfcheck": lambda: open_selfcheck(turn),
        "selfcheck_start": lambda: start_selfcheck(turn),
        "selfcheck_skip": lambda: skip_selfcheck(turn),
        "family": lambda: open_family(turn),
        "family_new": lambda: new_family(turn),
        "family_agree": lambda: agree_to_join(turn),
        "family_no": lambda: cancel(turn),
        "family_helper": lambda: ask_helper(turn),
        "family_leave": lambda: ask_leave(turn),
        "family_leave_yes": lambda: leave(turn),
        "contest": lambda: start_contest(turn),
    }


# Actions with a value after a dot, answered by the profile flow.
PROFILE_PREFIXES = ("place.", "group.", "age.", "remind.")


def act(turn: Turn, action: str) -> Outcome:
    """Carry out one action; one that keeps results asks for consent first."""
    if not turn.state.consent and not _open_without_consent(action):
        ask_consent(turn)
        return turn.outcome()
    handlers = _handlers(turn)
    if action in ("issue_ambassador_code", "official_report"):
        # The engine answers `/madaisu` typed with consent; any other way in is refused.
        return refuse_official(turn)
    if action in handlers:
        if action in AMBASSADOR_ACTIONS | ROSTER_ACTIONS and turn.state.ambassador is None:
            return refuse(turn)
        handlers[action]()
    elif action.startswith((VILLAGER_PREFIX, SKILL_PREFIX)):
        if turn.state.ambassador is None or not turn.state.consent:
            return refuse(turn)
        if action.startswith(VILLAGER_PREFIX):
            open_villager(turn, action.removeprefix(VILLAGER_PREFIX))
        else:
            pick_skill(turn, action.removeprefix(SKILL_PREFIX))
    elif action.startswith(ASSISTED_PREFIX):
        if turn.state.ambassador is None:
            return refuse(turn)
        assisted_action(turn, action)
    elif action.startswith(FAMILY_PREFIXES):
        family_action(turn, action)
    elif action.startswith(PROFILE_PREFIXES):
        choose(turn, action)
    elif action.startswith("edit."):
        edit(turn, action.removeprefix("edit."))
    elif action.startswith("module."):
        turn.state.module_id = action.removeprefix("module.")
        go(turn, Mode.MODULE)
    elif action.startswith("lesson."):
        open_lesson(turn, action.removeprefix("lesson."))
    elif action.startswith(CHECK_PREFIX):
        answer_check(turn, action.removeprefix(CHECK_PREFIX))
    elif action.startswith(CONTEST_PREFIX):
        answer_contest(turn, action.removeprefix(CONTEST_PREFIX))
    elif action.startswith(SELFCHECK_PREFIX):
        answer_selfcheck(turn, action.removeprefix(SELFCHECK_PREFIX))
    elif action.startswith("retry."):
        retry_quiz(turn, action.removeprefix("retry."))
    elif action.startswith("opt."):
        answer_choice(turn, action.removeprefix("opt."))
    elif action.startswith("hb."):
        turn.state.handbook_entry = action.removeprefix("hb.")
        go(turn, Mode.HANDBOOK_ANSWER)
    elif action.startswith("locale."):
        turn.state.locale = action.removeprefix("locale.")
        turn.events.append(LocaleChanged(turn.state.locale))
        turn.say(turn._("Language changed to English."))
        back_from_detour(turn)
    return turn.outcome()


def _open_without_consent(action: str) -> bool:
    return action in WITHOUT_CONSENT or action.startswith(PREFIXES_WITHOUT_CONSENT)
