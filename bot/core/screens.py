"""The screens: the text of the current step for each mode, sent with its choices.

`full` shows a step in full after a move; after bad input a short reminder is enough.
"""

from __future__ import annotations

from bot.core.assisted_menus import ASSISTED_MODES, assisted_texts
from bot.core.catalog import bubbles
from bot.core.choices import link_code_shown, rendered_choices
from bot.core.contest_screens import CONTEST_MODES, contest_image, contest_texts
from bot.core.family_screens import FAMILY_MODES, family_texts
from bot.core.messages import Reply
from bot.core.profile_menus import PROFILE_MODES, profile_texts
from bot.core.progress_screens import offer_texts, progress_texts
from bot.core.roster_screens import ROSTER_MODES, roster_mode_texts
from bot.core.selfcheck_screens import SELFCHECK_MODES, selfcheck_texts
from bot.core.state import Mode
from bot.core.turn import Turn
from quizzes.models import QuestionType


def prompt(turn: Turn, *, full: bool) -> None:
    """Show the current step. `full` after a move; a short reminder after bad input."""
    if full:
        # New choices are on screen: buttons of older messages stop working.
        turn.state.turn = max(turn.state.turn, turn.before.turn + 1)
    shown = rendered_choices(turn)
    texts, image = _prompt_texts(turn, full)
    alt = turn.ctx.catalog.alt_text(image)
    for text in texts[:-1]:
        turn.replies.append(Reply(text=text, image=image, alt=alt))
        image = alt = None
    turn.replies.append(Reply(text=texts[-1], choices=shown, image=image, alt=alt))


def _prompt_texts(turn: Turn, full: bool) -> tuple[list[str], str | None]:
    _, state, t = turn._, turn.state, turn.t
    mode = state.mode
    if mode in PROFILE_MODES:
        return profile_texts(turn, full), None
    if mode in ASSISTED_MODES:
        return assisted_texts(turn, full), None
    if mode in SELFCHECK_MODES:
        return selfcheck_texts(turn, full), None
    if mode in CONTEST_MODES:
        return contest_texts(turn, full), contest_image(turn, full)
    if mode is Mode.CONSENT:
        return [
            _(
                "To save your progress I need your agreement. I keep a learner number, your "
                "lesson progress and quiz answers and, if you give them, your commune, group "
                "and age band: no name, no ID number, no phone number. You can delete them at "
                "any time with /xoadulieu. Do you agree?"
            )
            if full
            else _("Do you agree that I save your progress?")
        ], None
    if mode is Mode.MENU:
        return [_("What would you like to do?")], None
    if mode is Mode.MODULES:
        return [_("Choose a topic:")], None
    if mode is Mode.MODULE:
        module = turn.ctx.catalog.module(state.module_id or "")
        title = module.title if module else ""
        return [_("Lessons in “{module}”:").format(module=title)], None
    if mode is Mode.LESSON:
        lesson = turn.lesson()
        if lesson is None:
            return [_("What would you like to do?")], None
        lesson_bubbles = bubbles(lesson)
        index = min(state.bubble, len(lesson_bubbles) - 1)
        bubble = lesson_bubbles[index]
        image = bubble.image
        if bubble.check is not None:
            text = "❓ " + bubble.check.prompt
        elif bubble.try_ is not None:
            text = "👉 " + bubble.try_
        else:
            text = bubble.text or ""
        header = f"📘 {lesson.title} · {t.number(index + 1)}/{t.number(len(lesson_bubbles))}"
        if not full:
            return [
                _("You are reading “{title}” ({step}/{total}).").format(
                    title=lesson.title,
                    step=t.number(index + 1),
                    total=t.number(len(lesson_bubbles)),
                )
            ], None
        if index == 0 and lesson.image and not image:
            image = lesson.image
        return [f"{header}\n\n{text}"], image
    if mode in (Mode.QUIZ, Mode.REVIEW):
        return _question_texts(turn, full), None
    if mode is Mode.PROGRESS:
        return progress_texts(turn, full), None
    if mode is Mode.REVIEW_OFFER:
        return offer_texts(turn, full), None
    if mode is Mode.QUIZ_DONE:
        return [_result_text(turn)], None
    if mode is Mode.CONFIRM_ERASE:
        lines = [
            _(
                "Delete all your progress and answers? This cannot be undone. Anonymous "
                "totals (for example “one more person finished lesson A1”) are kept."
            )
        ]
        if state.ambassador is not None:
            lines.append(
                _(
                    "You are a digital ambassador: the people you learned with who have no "
                    "phone of their own are deleted too, since nobody else could reach them."
                )
            )
        return lines, None
    if mode is Mode.LANGUAGE:
        return [_("Choose your language:")], None
    if mode is Mode.HANDBOOK:
        return [
            _(
                "What would you like to ask? Type your question in a few words, for example: "
                "“how to transfer money with a QR code”."
            )
            if full
            else _("Type your question, or tap “Back to menu”.")
        ], None
    if mode is Mode.HANDBOOK_ANSWER:
        entry = turn.ctx.catalog.handbook.entry(state.handbook_entry or "")
        if entry is None:
            return [_("What would you like to do?")], None
        if not full:
            return [_("Type another question, or tap a button.")], None
        return [f"📖 {entry.question}\n\n{entry.answer}"], None
    if mode is Mode.LINK:
        return [_link_text(turn, full)], None
    if mode in ROSTER_MODES:
        return roster_mode_texts(turn, full), None
    if mode in FAMILY_MODES:
        return family_texts(turn, full), None
    return [_("What would you like to do?")], None


def _link_text(turn: Turn, full: bool) -> str:
    code = turn.state.link_code
    if code is not None and link_code_shown(turn):
        if not full:
            return turn._("Your link code is {code}. Type it on your other app.").format(code=code)
        return turn._(
            "🔗 Your link code: {code}\n\nOn your other app (Telegram, Zalo or the web chat), "
            "type /lienket {code} — or just the code. It works once, within 15 minutes. Then "
            "your progress is one, on both apps."
        ).format(code=code)
    if not full:
        return turn._("Type the 6-digit code from your other app, or tap “Menu”.")
    return turn._(
        "Type the 6-digit code from your other app. No code yet? Type /lienket on that app "
        "to get one."
    )


def _question_texts(turn: Turn, full: bool) -> list[str]:
    question, progress = turn.question(), turn.state.quiz
    header = _question_header(turn)
    if question is None or progress is None or header is None:
        return [turn._("What would you like to do?")]
    if question.type is QuestionType.SHORT:
        hint = turn._("Type your answer.")
    elif question.type is QuestionType.MULTIPLE:
        hint = turn._("Choose every right answer, then tap “Done”.")
    else:
        hint = ""
    body = f"❓ {header}\n{question.prompt}" + (f"\n({hint})" if hint else "")
    if full and question.scenario:
        return [f"💬 {question.scenario}", body]
    return [body]


def _question_header(turn: Turn) -> str | None:
    """The header: "Question 2/4" in a quiz, "Review 1/3 · <lesson>" in a review round."""
    progress, t = turn.state.quiz, turn.t
    if progress is None:
        return None
    if turn.state.mode is Mode.REVIEW:
        item = turn.review_item()
        lesson = turn.ctx.catalog.lesson(item.lesson_id) if item else None
        total = progress.index + len(turn.state.review_queue)
        header = turn._("Review {n}/{total}").format(
            n=t.number(progress.index + 1), total=t.number(total)
        )
        return header + (f" · {lesson.title}" if lesson else "")
    quiz = turn.quiz()
    if quiz is None:
        return None
    return turn._("Question {n}/{total}").format(
        n=t.number(progress.index + 1), total=t.number(len(quiz.questions))
    )


def _result_text(turn: Turn) -> str:
    progress, quiz, t = turn.state.quiz, turn.quiz(), turn.t
    if progress is None or quiz is None or progress.last_points is None:
        return turn._("What would you like to do?")
    score = turn._("You got {points} of {total} points.").format(
        points=t.number(round(progress.last_points, 2)), total=t.number(len(quiz.questions))
    )
    if progress.last_passed:
        return score + " " + turn._("🎉 You passed this lesson!")
    return (
        score
        + " "
        + turn._("You need {percent} to pass. Read the lesson again and have another go!").format(
            percent=t.percent(quiz.pass_mark)
        )
    )
