"""Onboarding and the learner's data: first contact, consent, welcome back, erasure.

Nothing is saved before the learner agrees, but lessons and the handbook are open all the
same; what keeps results (quizzes, progress, reminders, the certificate) asks for consent
first. Erasing resets the state to a first contact, with a button to start again.
"""

from __future__ import annotations

from bot.core.choices import rendered_choices
from bot.core.events import ConsentChanged, DataErased
from bot.core.invite_flow import accept_pending_invite, invite_typed, keep_invite
from bot.core.messages import Reply
from bot.core.navigation import go
from bot.core.outcome import Outcome
from bot.core.profile_flow import start_profile
from bot.core.screens import prompt
from bot.core.state import LearnerState, Mode
from bot.core.turn import Turn
from bot.i18n import translator


def first_contact(turn: Turn) -> Outcome:
    """Greet a new learner in their platform's language and ask for consent."""
    hint = turn.message.locale
    if turn.state.locale is None:
        # A language chosen before an erasure stays; else the platform's hint, if any.
        turn.state.locale = translator(hint, turn.ctx.default_locale).locale if hint else None
    invite = invite_typed(turn.message)  # a deep link's payload, or /thamgia CODE
    if invite is not None:
        keep_invite(turn, *invite)
    turn.say(
        turn._(
            "Hello! I am Học vụ số, an automated assistant (a chatbot, not a person) that "
            "helps you learn digital skills. In short lessons of a few messages you will learn "
            "to use your phone safely: VNeID, online payments, spotting scams and more."
        )
    )
    go(turn, Mode.CONSENT)
    return turn.outcome()


def welcome_back(turn: Turn) -> Outcome:
    """/start from a known learner: show where they are (consent first, if not given)."""
    if not turn.state.consent:
        go(turn, Mode.CONSENT)
        return turn.outcome()
    turn.say(turn._("Welcome back!"))
    if turn.state.mode in (Mode.LESSON, Mode.QUIZ):
        turn.say(turn._("Let's continue where you left off."))
    prompt(turn, full=True)
    return turn.outcome()


def ask_consent(turn: Turn) -> None:
    """An action that keeps results, without consent: why it needs it, then the question.
    "I do not agree" comes back here (`decline`)."""
    turn.say(
        turn._(
            "Quizzes, progress, reminders and the certificate keep your results, so they need "
            "your agreement first. Without it you can still read every lesson and search the "
            "handbook."
        )
    )
    if turn.state.mode not in (Mode.CONSENT, Mode.NEW):
        turn.state.resume = turn.state.mode
    go(turn, Mode.CONSENT)


def agree(turn: Turn) -> None:
    turn.state.consent = True
    turn.state.resume = None
    turn.events.append(ConsentChanged(True, turn.ctx.consent_version))
    thanks = turn._("Thank you! Your progress will now be saved.")
    joined = accept_pending_invite(turn)  # recorded only now that the learner has agreed
    if turn.state.family_pending:  # a family's code or link waited for the agreement
        turn.say(thanks)
        go(turn, Mode.FAMILY_JOIN)
        return
    if turn.state.profile.asked or joined:
        turn.say(thanks)
        if joined:
            turn.say(joined)
    if turn.state.profile.asked:
        go(turn, Mode.MENU)
        return
    start_profile(turn, "" if joined else thanks)


def decline(turn: Turn) -> None:
    """Nothing is kept; the lessons and the handbook stay open (back where the learner was)."""
    turn.say(
        turn._(
            "No problem: nothing about you is saved. You can still read every lesson and "
            "search the handbook. Quizzes, progress and the certificate need your agreement; "
            "if you change your mind, type /batdau."
        )
    )
    back = turn.state.resume or Mode.MENU
    turn.state.resume = None
    go(turn, back)


def privacy(turn: Turn) -> None:
    turn.say(
        turn._(
            "What I keep: a random learner number (no name), your lesson progress and quiz "
            "answers, the language you chose and, if you answer them, your commune, group, "
            "age band and reminder time. Why: to let you continue where you stopped, to "
            "remind you gently, and to count, anonymously, how many people in each commune "
            "finished the lessons (small numbers are never shown). A name is printed only on "
            "your certificate, if you want one. I never ask for your ID card number, "
            "passwords or OTP codes. See or change your answers with /hoso, your progress "
            "with /tiendo, and delete everything at any time with /xoadulieu."
        )
    )
    go(turn, Mode.CONSENT)


def erase(turn: Turn) -> None:
    """Delete everything: only the language and the turn counter (for old buttons) stay."""
    locale = turn.state.locale
    turn.events.append(DataErased())
    turn.state = LearnerState(mode=Mode.NEW, locale=locale, turn=turn.state.turn + 1)
    # Any input from a new learner starts the first contact: the button only has to be there.
    text = turn._(
        "Done: your progress, answers and settings have been deleted. If you write to me "
        "again, we will start afresh."
    )
    turn.replies.append(Reply(text=text, choices=rendered_choices(turn)))
