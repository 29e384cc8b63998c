"""The conversation engine: a pure function of (state, input, content, clock) -> outcome.

Nothing here touches a database, a network or a platform type. Every prompt's choices are
derived from the state, so the engine can always re-show "where we are" after bad input
without changing anything, and a typed answer is matched against exactly the choices shown.

This module routes one input to the job that answers it: a command, a button tap, or typed
text (an answer, a keyword or a handbook question). The jobs live in their own modules.
"""

from __future__ import annotations

from bot.address_form import address
from bot.choice_match import Ambiguous, Match, Picked, match_choice
from bot.core.actions import act
from bot.core.ambassador_flow import ambassador_code_typed, answer_ambassador_code
from bot.core.assisted_flow import (
    end_idle_session,
    leave_when_elsewhere,
    refuse_in_session,
    type_alias,
)
from bot.core.assisted_inputs import SessionInput, session_input
from bot.core.certificate_flow import type_name
from bot.core.choices import choices
from bot.core.commands import KEYWORDS, command
from bot.core.consent import first_contact
from bot.core.context import Context
from bot.core.family_flow import type_family_alias
from bot.core.handbook_flow import HANDBOOK_HITS, ask_handbook
from bot.core.link_flow import answer_link, link_code_typed, not_a_code
from bot.core.messages import InboundMessage, InputKind
from bot.core.navigation import ask_which, unchanged
from bot.core.official_flow import (
    answer_issue,
    answer_official_code,
    bad_request,
    madaisu_typed,
    official_code_typed,
)
from bot.core.outcome import Outcome
from bot.core.profile_flow import type_place
from bot.core.quiz_flow import answer_short, clarify, typed_multiple
from bot.core.report_flow import answer_report, report_typed
from bot.core.review_flow import offer_at_session_start
from bot.core.screens import prompt
from bot.core.small_talk import Talk, answer_small_talk, small_talk
from bot.core.state import LearnerState, Mode
from bot.core.turn import Turn
from bot.text import clean, fold, is_meaningful
from quizzes.models import QuestionType

# Longer input is refused unread: no answer is that long, and matching costs time.
MAX_INPUT_CHARS = 2000
# Buttons on messages the bot sent first (reminders) carry "r:" instead of a turn number: they
# work whatever screen the learner is on, for these actions only.
PROACTIVE_PREFIX = "r"
PROACTIVE_ACTIONS = frozenset({"next_lesson", "reminders", "menu", "progress", "roster", "family"})
# Screens where typed text is usually something else (a place, a name, a question, a code):
# there only a number, a letter or a whole label picks a choice.
FREE_TEXT_MODES = frozenset(
    {
        Mode.PROFILE_PLACE,
        Mode.CERTIFICATE_NAME,
        Mode.HANDBOOK,
        Mode.HANDBOOK_ANSWER,
        Mode.LINK,
        Mode.ASSISTED_ALIAS,
        Mode.FAMILY_ALIAS,
    }
)
# The choices that mean yes or no, so "có" and "không" can be typed for them.
YES_NO_ACTIONS = (
    ("agree", "decline"),
    ("erase_yes", "erase_no"),
    ("true", "false"),
    ("review", "review_later"),
    ("selfcheck_start", "selfcheck_skip"),
    ("family_agree", "family_no"),
    ("family_leave_yes", "family"),
)


def handle(state: LearnerState, message: InboundMessage, ctx: Context) -> Outcome:
    """Answer one learner input; at the start of a session, offer the review items due."""
    turn = Turn(state, message, ctx)
    relayed = state.mode is Mode.ASSISTING and session_input(message) is SessionInput.VILLAGER
    if end_idle_session(turn) and relayed:
        # Meant for the villager of a session that has ended: not acted on for the ambassador.
        prompt(turn, full=True)
    elif turn.state.assisting is not None and session_input(message) in (
        SessionInput.ERASE,
        SessionInput.REFUSED,
    ):
        refuse_in_session(turn, erase=session_input(message) is SessionInput.ERASE)
    else:
        _route(turn)
    leave_when_elsewhere(turn)
    offer_at_session_start(turn)
    if turn.state.consent:
        # Even after bad input: the learner is here, the session goes on.
        turn.state.last_input_at = ctx.now
    return turn.outcome()


def _route(turn: Turn) -> Outcome:
    """Answer the input: a command, a button tap, or typed text."""
    message = turn.message
    kind = message.kind
    if turn.ctx.link is not None or link_code_typed(turn.before, message) is not None:
        return answer_link(turn, turn.ctx.link)
    if (
        turn.ctx.ambassador_code is not None
        or ambassador_code_typed(turn.before, message) is not None
    ):
        return answer_ambassador_code(turn, turn.ctx.ambassador_code)
    if turn.ctx.official_code is not None or official_code_typed(turn.before, message):
        return answer_official_code(turn, turn.ctx.official_code)
    if turn.ctx.official_report is not None or report_typed(turn.before, message):
        return answer_report(turn, turn.ctx.official_report)
    request = madaisu_typed(turn.before, message)
    if request is not None:
        if not request.valid and turn.state.official is not None:
            return bad_request(turn)
        return answer_issue(turn, request, turn.ctx.ambassador_issue)
    if turn.state.mode is Mode.NEW:
        return first_contact(turn)
    if kind is InputKind.UNSUPPORTED:
        return unchanged(
            turn,
            turn._("Sorry, I can only read text and button taps. Please type or tap a button."),
        )
    if kind is InputKind.COMMAND:
        return command(turn, message.command or "", message.args)
    if kind is InputKind.CHOICE:
        return _choice(turn, message.choice_id or "")
    return _text(turn, message.text)


def _choice(turn: Turn, choice_id: str) -> Outcome:
    number, _, action = choice_id.partition(":")
    if number == PROACTIVE_PREFIX and action in PROACTIVE_ACTIONS:
        return act(turn, action)
    offered = {a for a, _label in choices(turn)}
    if number != str(turn.state.turn) or action not in offered:
        return unchanged(
            turn, turn._("That button belongs to an earlier message. Here is where we are now:")
        )
    return act(turn, action)


def _text(turn: Turn, raw: str) -> Outcome:
    """Typed text: a command, an answer to the question on screen, a choice, a keyword or a
    handbook question, tried in that order."""
    if len(raw) > MAX_INPUT_CHARS:
        return unchanged(
            turn,
            turn._(
                "Your message is too long for me to read. Please send a short answer, or "
                "tap one of the buttons."
            ),
        )
    text = clean(raw)
    talk = small_talk(text)
    if not is_meaningful(text) and talk is None:
        return unchanged(
            turn,
            turn._("I didn't catch that. Please tap a button or type the number of an answer."),
        )
    if talk is Talk.NOD and not is_meaningful(text):
        return answer_small_talk(turn, talk)  # emoji alone: nothing else could read it
    if text.startswith("/"):
        name, *args = text[1:].split()
        return command(turn, name or "", tuple(args))
    question = turn.question()
    if question is not None and question.type is QuestionType.SHORT:
        return answer_short(turn, question, text)
    if question is not None and question.type is QuestionType.MULTIPLE:
        picked = typed_multiple(question, text)
        if picked:
            turn.state.quiz.selected = picked  # type: ignore[union-attr]
            return act(turn, "done")
    shown = choices(turn)
    found = _typed_choice(turn, text, shown)
    if isinstance(found, Picked):
        return act(turn, shown[found.index][0])
    if isinstance(found, Ambiguous) and question is not None:
        return clarify(turn, question, [shown[i][0] for i in found.indexes])
    if isinstance(found, Ambiguous) and fold(text) not in KEYWORDS:
        return unchanged(turn, ask_which(turn, [shown[i][1] for i in found.indexes]))
    state = turn.state
    if state.mode is Mode.CERTIFICATE_NAME and state.consent:
        return type_name(turn, text)
    if state.mode is Mode.ASSISTED_ALIAS and state.ambassador is not None:
        return type_alias(turn, text)
    if state.mode is Mode.FAMILY_ALIAS and state.consent:
        return type_family_alias(turn, text)
    keyword = KEYWORDS.get(fold(text))
    if keyword:
        return act(turn, keyword)
    if talk is not None:
        return answer_small_talk(turn, talk)
    if state.mode in (Mode.PROFILE_PLACE, Mode.PROFILE_PICK) and state.consent:
        return type_place(turn, text)
    # The handbook needs no consent: a search stores nothing.
    if state.mode in (Mode.HANDBOOK, Mode.HANDBOOK_ANSWER):
        return ask_handbook(turn, text)
    if state.mode is Mode.MENU:
        # Text that is no button or command may be a question: answer it if clearly so.
        hits = turn.ctx.catalog.handbook.search(text, HANDBOOK_HITS)
        if hits and hits[0].confident:
            return ask_handbook(turn, text, hits)
    if state.mode is Mode.LINK:
        return not_a_code(turn)
    if state.mode is Mode.CONSENT:
        return unchanged(turn, turn._("Please tap “I agree” or “I do not agree” first."))
    return unchanged(
        turn, turn._("I didn't understand that answer. Please tap a button or type its number.")
    )


def _typed_choice(turn: Turn, text: str, shown: list[tuple[str, str]]) -> Match:
    """Which choice on screen the typed text names, matched against the labels as the learner
    sees them (addressed as the deployment chose)."""
    if not shown:
        return None
    actions = [action for action, _label in shown]
    yes_no = next(
        (
            (actions.index(yes), actions.index(no))
            for yes, no in YES_NO_ACTIONS
            if yes in actions and no in actions
        ),
        None,
    )
    form = turn.ctx.address_form
    return match_choice(
        text,
        [address(label, form) for _action, label in shown],
        yes_no=yes_no,
        loose=turn.state.mode not in FREE_TEXT_MODES,
    )
