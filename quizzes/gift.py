"""Moodle's GIFT format: read a GIFT file into a quiz (writing one: `quizzes/gift_export.py`).

Pure text in, text out; nothing here touches files or the bot. The text layer is
`quizzes/gift_text.py`, the question reader `quizzes/gift_parse.py`, numbers
`quizzes/gift_numeric.py`. What maps to what (docs/content-format.md, section 9, for authors):

| GIFT                                   | hocvuso                                            |
|----------------------------------------|----------------------------------------------------|
| `::q1::` title                         | question `id` (a leading "E2-" is dropped)         |
| `{=right ~wrong ~%50%half}`            | `single`; `~%50%` is `credit: 0.5`                 |
| `{~%50%a ~%50%b ~%-100%c}` (no `=`)    | `multiple`: positive weights are the right options |
|                                        | (unequal weights become equal shares, warned)      |
| `{T}` `{TRUE}` `{F}` `{FALSE}`         | `true_false`; `{T#wrong feedback#right feedback}`  |
| `{=a =b}`, `=%0%*#…` catch-all         | `short` with `answers`; the catch-all feedback is  |
|                                        | `feedback_wrong`                                   |
| `{#3.14:0.01}`, `{#1..5}`              | `short`: every number in range, at its precision   |
| `text {…} more text` (missing word)    | the same question, the gap a "___" in the prompt   |
| `#feedback` after an answer            | option `feedback` (or the question's feedbacks)    |
| no feedback                            | "Đáp án đúng là: …" generated, warned              |
| `####general feedback`                 | question `feedback` (shown after a wrong answer)   |
| `// comment`, `$CATEGORY:`             | ignored, except `// hocvuso: …` settings below     |
| matching `->`, essay `{}`, description | skipped, named by line                             |

Things GIFT cannot say ride in comment lines Moodle ignores: `// hocvuso: pass_mark=0.8` for the
file, and `// hocvuso: drill scenario` before a question (the question text then holds the
scenario, a blank line `\\n\\n`, and the prompt).

A real question bank is imported as far as it can be: a question hocvuso cannot ask, or one
that would break a house rule of `hocvuso content check`, is skipped with its line, so what is
written always passes the check; the import fails only when nothing is left.
"""

from __future__ import annotations

from pydantic import ValidationError

from lessons.models import Location
from lessons.rules.duplicates import question_key
from quizzes.gift_parse import (
    BLANK,
    SCENARIO_BREAK,
    GiftDocument,
    GiftQuestion,
    option_id,
    parse_gift,
)
from quizzes.gift_text import GiftProblem
from quizzes.models import Question, Quiz

DEFAULT_PASS_MARK = 0.75
# What a learner reads where Moodle has no feedback: the right answer, which every answer's
# feedback should at least give (docs/content-format.md, "every answer gets feedback").
GENERATED_FEEDBACK = "Đáp án đúng là: {key}"
_TRUTH = {True: "Đúng", False: "Sai"}


def _answer_key(question: GiftQuestion) -> str:
    data = question.data
    if question.key:
        return question.key
    if data.get("type") == "true_false":
        return _TRUTH[bool(data.get("answer"))]
    if data.get("type") == "short":
        return str(data["answers"][0]) if data.get("answers") else ""
    return "; ".join(str(o["text"]) for o in data.get("options", []) if o.get("correct"))


def _fill_feedback(question: GiftQuestion) -> GiftProblem | None:
    """Give every answer the feedback Moodle left out, and say which ones were filled."""
    key = _answer_key(question)
    if not key:
        return None  # no right answer: the question is refused when it is checked
    generated = GENERATED_FEEDBACK.format(key=key)
    data = question.data
    missing: list[str] = []
    if data["type"] in ("single", "multiple"):
        ids = []
        for option in data["options"]:
            if not option.get("feedback"):
                option["feedback"] = generated
                ids.append(str(option["id"]))
        if ids:
            missing.append(("option " if len(ids) == 1 else "options ") + _listed(ids))
    else:
        names = (
            {"feedback_true": "the answer Đúng", "feedback_false": "the answer Sai"}
            if data["type"] == "true_false"
            else {"feedback_correct": "a right answer", "feedback_wrong": "a wrong answer"}
        )
        for name, what in names.items():
            if not data.get(name):
                data[name] = generated
                missing.append(what)
    if not missing:
        return None
    return GiftProblem(
        question.line,
        f"no feedback for {_listed(missing)}; generated “{generated}”. Feedback that says why "
        "teaches more: write it in Moodle, or in the YAML file",
    )


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _checked(question: GiftQuestion) -> Question | GiftProblem:
    """The question as a model, or one note saying why it was skipped, at the line of the
    first part at fault (an option's own line when it is an option)."""
    try:
        checked = Question.model_validate(question.data)
    except ValidationError as exc:
        found = [
            (error["loc"], error["msg"].removeprefix("Value error, ")) for error in exc.errors()
        ]
    else:
        found = list(checked.problems())
        if not found:
            return checked
    line = question.line_of(found[0][0])
    why = "; ".join(dict.fromkeys(message for _location, message in found))
    return GiftProblem(line, f"question skipped: {why}", skipped=True)


def gift_to_quiz(
    source: str, lesson: str, pass_mark: float | None = None
) -> tuple[Quiz | None, list[GiftProblem]]:
    """Read GIFT text as the quiz of `lesson`, checked like any quiz file.

    The pass mark is `pass_mark`, else the file's `// hocvuso: pass_mark=…`, else 0.75.
    Returns the quiz of every question that could be imported (None when none could) and the
    notes by GIFT line: questions skipped and why, changes made to the ones imported.
    """
    document = parse_gift(source)
    notes = list(document.problems)
    kept: list[Question] = []
    asked: dict[str, int] = {}
    for question in document.questions:
        generated = _fill_feedback(question)
        checked = _checked(question)
        if isinstance(checked, GiftProblem):
            notes.append(checked)
            continue
        key = question_key(checked.prompt, checked.scenario)
        if key in asked:
            notes.append(
                GiftProblem(
                    question.line,
                    f"question skipped: it asks the same as the question on line {asked[key]}; "
                    "no two questions in the course have the same prompt",
                    skipped=True,
                )
            )
            continue
        asked[key] = question.line
        kept.append(checked)
        notes.extend(question.notes)
        if generated is not None:
            notes.append(generated)
    notes.sort(key=lambda note: note.line)
    if not kept:
        why = (
            "no questions found: a GIFT question is text followed by its answers in {…}"
            if not notes
            else "nothing could be imported: no question in the file is one hocvuso can ask "
            "(see the lines above); fix or replace them and import again"
        )
        return None, [*notes, GiftProblem(1, why)]
    if pass_mark is None:
        try:
            pass_mark = float(document.settings.get("pass_mark", DEFAULT_PASS_MARK))
        except ValueError:
            pass_mark = DEFAULT_PASS_MARK
    try:
        quiz = Quiz(lesson=lesson, pass_mark=pass_mark, questions=kept)
    except ValidationError as exc:
        return None, [
            *notes,
            *(GiftProblem(1, f"{'.'.join(map(str, e['loc']))}: {e['msg']}") for e in exc.errors()),
        ]
    problems = [GiftProblem(_line(document, loc), msg) for loc, msg in quiz.problems()]
    return (None if problems else quiz), sorted([*notes, *problems], key=lambda p: p.line)


def _line(document: GiftDocument, location: Location) -> int:
    if len(location) >= 2 and location[0] == "questions" and isinstance(location[1], int):
        index = location[1]
        if 0 <= index < len(document.questions):
            return document.questions[index].line_of(location[2:])
    return 1


__all__ = [
    "BLANK",
    "GENERATED_FEEDBACK",
    "SCENARIO_BREAK",
    "GiftDocument",
    "GiftProblem",
    "GiftQuestion",
    "gift_to_quiz",
    "option_id",
    "parse_gift",
]
