"""Taking a quiz: start an attempt, take each answer (tapped or typed), record it, finish.

Every answer is recorded as an event; the last one also records the attempt's result. A
review item is asked and answered the same way: its answer is handed to `review_flow`.
"""

from __future__ import annotations

from bot.core.cheer import step_done
from bot.core.choices import choices, rendered_choices
from bot.core.events import ModuleCompleted, QuestionAnswered, QuizFinished
from bot.core.messages import Reply
from bot.core.milestones import reached
from bot.core.navigation import ask_which, go
from bot.core.outcome import Outcome
from bot.core.quiz_scoring import answer_key, multiple_choice_points, passes
from bot.core.review_flow import review_answered
from bot.core.screens import prompt
from bot.core.spaced import rate
from bot.core.state import Mode, QuizProgress
from bot.core.turn import Turn
from bot.core.verdict import names_answer, with_verdict
from bot.text import match_free_text, option_index
from quizzes.models import Question, QuestionType

# A typed answer is stored up to this length: enough to read it, not a place for essays.
ANSWER_LOG_CHARS = 200


def start_quiz(turn: Turn) -> None:
    """A new attempt at the current lesson's quiz (the menu when the lesson has none)."""
    lesson_id = turn.state.lesson_id or ""
    if turn.quiz() is None:
        go(turn, Mode.MENU)
        return
    attempt = turn.state.attempts.get(lesson_id, 0) + 1
    turn.state.attempts[lesson_id] = attempt
    turn.state.quiz = QuizProgress(attempt=attempt)
    go(turn, Mode.QUIZ)


def retry_quiz(turn: Turn, lesson_id: str) -> None:
    """Another attempt at a quiz not passed yet, straight from the progress report."""
    if turn.make_current(lesson_id) is None:
        go(turn, Mode.MENU)
        return
    start_quiz(turn)


def clarify(turn: Turn, question: Question, actions: list[str]) -> Outcome:
    """A typed answer fits several options: show only those, and ask which one."""
    assert turn.state.quiz is not None
    labels = dict(choices(turn))
    turn.state.quiz.candidates = [a.removeprefix("opt.") for a in actions]
    turn.say(ask_which(turn, [labels[a] for a in actions], answers=True))
    turn.state.turn += 1
    turn.replies.append(Reply(text=question.prompt, choices=rendered_choices(turn)))
    return turn.outcome()


def answer_choice(turn: Turn, value: str) -> None:
    """A tapped option (or true/false); in a multiple-choice question it toggles the option."""
    question, progress = turn.question(), turn.state.quiz
    if question is None or progress is None:
        go(turn, Mode.MENU)
        return
    if question.type is QuestionType.MULTIPLE:
        if value in progress.selected:
            progress.selected.remove(value)
        else:
            progress.selected.append(value)
        turn.state.turn += 1
        turn.replies.append(Reply(text=question.prompt, choices=rendered_choices(turn)))
        return
    if question.type is QuestionType.TRUE_FALSE:
        truth = value == "true"
        correct = truth == question.answer
        feedback = question.feedback_true if truth else question.feedback_false
        _record(turn, question, value, correct, 1.0 if correct else 0.0, feedback)
        return
    option = next((o for o in question.options if o.id == value), None)
    if option is None:
        prompt(turn, full=False)
        return
    _record(turn, question, option.id, option.correct, option.score, option.feedback)


def finish_multiple(turn: Turn) -> None:
    """The learner tapped “Done” in a multiple-choice question: score the options picked."""
    question, progress = turn.question(), turn.state.quiz
    if question is None or progress is None:
        go(turn, Mode.MENU)
        return
    if not progress.selected:
        turn.say(turn._("Choose at least one answer, then tap “Done”."))
        turn.state.turn += 1
        turn.replies.append(Reply(text=question.prompt, choices=rendered_choices(turn)))
        return
    right = {o.id for o in question.options if o.correct}
    picked = set(progress.selected)
    points = multiple_choice_points(right, picked)
    feedback = "\n".join(
        f"• {o.text}: {o.feedback}" for o in question.options if o.id in picked and o.feedback
    )
    answer = ",".join(sorted(picked))
    _record(turn, question, answer, picked == right, points, feedback or None)


def typed_multiple(question: Question, text: str) -> list[str]:
    """Option ids typed at once ("1, 3" or "a c"); empty unless two or more, all valid."""
    tokens = [tok for tok in text.replace(",", " ").replace(";", " ").split() if tok]
    indexes = [option_index(tok, len(question.options)) for tok in tokens]
    if len(tokens) < 2 or any(index is None for index in indexes):
        return []
    return list(dict.fromkeys(question.options[i].id for i in indexes if i is not None))


def answer_short(turn: Turn, question: Question, text: str) -> Outcome:
    """A typed answer to a short-answer question, matched loosely against the accepted ones."""
    correct = match_free_text(text, question.answers)
    feedback = question.feedback_correct if correct else question.feedback_wrong
    _record(turn, question, text[:ANSWER_LOG_CHARS], correct, float(correct), feedback)
    return turn.outcome()


def _record(
    turn: Turn, question: Question, answer: str, correct: bool, points: float, feedback: str | None
) -> None:
    """Record one answer, show its feedback, then the next question or the result."""
    _say_feedback(turn, question, correct, feedback)
    if turn.state.mode is Mode.REVIEW:
        review_answered(turn, correct)
        return
    progress, quiz, lesson_id = turn.state.quiz, turn.quiz(), turn.state.lesson_id or ""
    assert progress is not None and quiz is not None
    turn.events.append(
        QuestionAnswered(lesson_id, progress.attempt, question.id, answer, correct, points)
    )
    # A missed question comes back for review; one answered right again moves further out.
    rate(turn.state.reviews, lesson_id, question.id, correct, turn.ctx.now)
    progress.points += points
    progress.index += 1
    progress.selected, progress.candidates = [], []
    if progress.index < len(quiz.questions):
        go(turn, Mode.QUIZ)
        return
    total = len(quiz.questions)
    passed = passes(progress.points, total, quiz.pass_mark)
    turn.events.append(QuizFinished(lesson_id, progress.attempt, progress.points, total, passed))
    progress.last_points, progress.last_passed = progress.points, passed
    if passed:
        turn.state.last_passed_at = turn.ctx.now
        if lesson_id not in turn.state.passed:
            turn.state.passed.append(lesson_id)
            _milestones(turn, lesson_id)
    step_done(turn)
    go(turn, Mode.QUIZ_DONE)


def _say_feedback(turn: Turn, question: Question, correct: bool, feedback: str | None) -> None:
    verdict = turn._("✅ Correct!") if correct else turn._("❌ Not quite.")
    lines = [with_verdict(verdict, feedback, correct)]
    if not correct and question.feedback:
        lines.append(question.feedback)
    key = answer_key(question, turn.t)
    if not correct and not (question.type is QuestionType.SHORT and names_answer(lines, key)):
        lines.append(turn._("The right answer: {answer}").format(answer=key))
    turn.say("\n".join(lines))


def _milestones(turn: Turn, lesson_id: str) -> None:
    """A first pass may complete a module and the course: record each, once."""
    for event in reached(turn.ctx.catalog, turn.state.passed, lesson_id):
        turn.events.append(event)
        if isinstance(event, ModuleCompleted):
            module = turn.ctx.catalog.module(event.module_id)
            turn.say(
                turn._("🏅 You have finished the topic “{module}”!").format(
                    module=module.title if module else event.module_id
                )
            )
        else:
            turn.say(
                turn._(
                    "🎓 You have finished the whole course, well done! Tap “Get my "
                    "certificate” to receive your certificate."
                )
            )
