"""Writing a quiz as Moodle GIFT (the reading side, and the mapping table, are in
`quizzes/gift.py`)."""

from __future__ import annotations

from quizzes.gift import SCENARIO_BREAK, option_id
from quizzes.models import Question, QuestionType, Quiz


def escape(text: str) -> str:
    """Escape GIFT's reserved characters the way Moodle's exporter does."""
    for char in "\\#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def _feedback(text: str | None) -> str:
    return f"#{escape(text)}" if text else ""


def question_to_gift(question: Question, lesson: str) -> list[str]:
    """One question as GIFT lines (with `// hocvuso:` flags when GIFT cannot say it)."""
    flags = [
        name for name, on in (("drill", question.drill), ("scenario", question.scenario)) if on
    ]
    ids = [option.id for option in question.options]
    if ids and ids != [option_id(i) for i in range(len(ids))]:
        flags.append("ids=" + ",".join(ids))
    lines = [f"// hocvuso: {' '.join(flags)}"] if flags else []
    text = escape(question.prompt)
    if question.scenario:
        text = escape(question.scenario + SCENARIO_BREAK) + text
    head = f"::{escape(lesson)}-{escape(question.id)}::{text}"
    general = f"####{escape(question.feedback)}" if question.feedback else ""
    if question.type is QuestionType.TRUE_FALSE:
        right, wrong = (
            (question.feedback_true, question.feedback_false)
            if question.answer
            else (question.feedback_false, question.feedback_true)
        )
        answer = "TRUE" if question.answer else "FALSE"
        if wrong or right:
            answer += f"#{escape(wrong or '')}"
        if right:
            answer += f"#{escape(right)}"
        return [*lines, f"{head}{{{answer}{general}}}"]
    body: list[str] = []
    if question.type is QuestionType.SHORT:
        body = [
            f"\t={escape(item)}{_feedback(question.feedback_correct)}" for item in question.answers
        ]
        if question.feedback_wrong:
            body.append(f"\t=%0%*{_feedback(question.feedback_wrong)}")
    elif question.type is QuestionType.SINGLE:
        for option in question.options:
            if option.correct:
                marker = "="
            elif option.credit:
                marker = f"~%{_percent(option.credit)}%"
            else:
                marker = "~"
            body.append(f"\t{marker}{escape(option.text)}{_feedback(option.feedback)}")
    else:
        share = 1 / sum(1 for option in question.options if option.correct)
        for option in question.options:
            weight = _percent(share if option.correct else -share)
            body.append(f"\t~%{weight}%{escape(option.text)}{_feedback(option.feedback)}")
    if general:
        body.append(f"\t{general}")
    return [*lines, head + "{", *body, "}"]


def quiz_to_gift(quiz: Quiz, source: str | None = None) -> str:
    """A whole quiz as a GIFT file Moodle can import (Question bank → Import → GIFT format)."""
    lines = [
        f"// hocvuso: lesson={quiz.lesson} pass_mark={quiz.pass_mark!r}",
        f"// Quiz of lesson {quiz.lesson}"
        + (f", exported from {source}" if source else "")
        + ". Moodle: Question bank → Import → GIFT format.",
        "",
    ]
    for question in quiz.questions:
        lines.extend(question_to_gift(question, quiz.lesson))
        lines.append("")
    return "\n".join(lines)


__all__ = ["escape", "question_to_gift", "quiz_to_gift"]
