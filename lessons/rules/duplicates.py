"""No two quiz questions in the course ask the same thing.

Prompts are compared loosely: case, accents, punctuation and spaces do not count, so "Bác làm
gì?" and "bac lam gi" are the same. A question with a `scenario` is told apart by it too: the
brief asks every drill "Bác làm gì?" about a different message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessons.rules.shown import words_key

if TYPE_CHECKING:
    from lessons.yamlfile import Loaded
    from quizzes.models import Quiz


def question_key(prompt: str, scenario: str | None = None) -> str:
    """What makes two questions the same: the prompt (and the scenario), loosely compared."""
    key = words_key(prompt)
    return f"{words_key(scenario)} | {key}" if scenario else key


def duplicate_prompt_problems(quizzes: list[Loaded[Quiz]]) -> list[str]:
    """`file:line: field: message` at every place of a prompt asked more than once."""
    places: dict[str, list[tuple[str, str]]] = {}
    for loaded in quizzes:
        for index, question in enumerate(loaded.item.questions):
            key = question_key(question.prompt, question.scenario)
            field = f"questions.{index}.prompt"
            places.setdefault(key, []).append((loaded.where("questions", index, "prompt"), field))
    problems = []
    for same in places.values():
        for where, field in same if len(same) > 1 else ():
            others = ", ".join(f"{w} ({f})" for w, f in same if w != where)
            problems.append(
                f"{where}: {field}: the same question is asked at {others}: every quiz "
                "question in the course asks its own question; ask about another situation, "
                "or keep it in one quiz"
            )
    return problems
