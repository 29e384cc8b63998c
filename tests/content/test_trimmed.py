"""No text the bot shows starts or ends with blank lines or spaces: a YAML block (`scenario: |`)
keeps its last line break, which the chat showed as an empty line at the end of the bubble."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel, ValidationError

from bot.content import Catalog
from quizzes import Question


def texts(value: object, where: str) -> Iterator[tuple[str, str]]:
    """Every string inside `value` (models, lists, tuples), with where it sits."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from texts(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from texts(item, f"{where}[{index}]")


def test_no_shipped_text_starts_or_ends_with_blank_space(catalog: Catalog) -> None:
    found = [
        *texts(catalog.modules, "modules"),
        *texts(catalog.lessons, "lessons"),
        *texts([catalog.quizzes[key] for key in sorted(catalog.quizzes)], "quizzes"),
        *texts(catalog.handbook.entries, "handbook"),
    ]
    scenarios = [text for where, text in found if where.endswith(".scenario")]
    assert len(scenarios) > 10 and any("\n" in text for text in scenarios)
    padded = [(where, text[-30:]) for where, text in found if text != text.strip()]
    assert not padded


def test_a_block_scenario_loses_its_last_line_break() -> None:
    question = Question.model_validate(
        {
            "id": "q1",
            "type": "true_false",
            "prompt": "\nĐây có phải lừa đảo?  ",
            "scenario": "Tin nhắn: 'Bạn trúng thưởng'\nBấm link để nhận.\n\n",
            "answer": True,
        }
    )
    assert question.scenario == "Tin nhắn: 'Bạn trúng thưởng'\nBấm link để nhận."
    assert question.prompt == "Đây có phải lừa đảo?"


def test_a_text_of_only_blank_lines_is_refused() -> None:
    with pytest.raises(ValidationError, match="empty"):
        Question.model_validate(
            {"id": "q1", "type": "true_false", "prompt": "\n\n", "answer": True}
        )
