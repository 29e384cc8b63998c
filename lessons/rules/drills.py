"""A scam drill's scenario does not give the answer away.

The scenario is the SMS, Zalo message or call the learner judges; a scammer never calls it a
scam, so "lừa", "lừa đảo", "giả mạo" (or, typed without accents as scam SMS are, "lua dao",
"gia mao") tell the learner the answer before they think. The feedback explains.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lessons.rules.shown import nfc_text, problem, scalar_at

if TYPE_CHECKING:
    from lessons.yamlfile import Loaded
    from quizzes.models import Quiz

# "lua" alone is not searched without accents: it is also "lúa", "lụa", "lửa".
GIVE_AWAY = re.compile(
    r"(?<!\w)(?:lừa(?:\s+đảo)?|giả\s+mạo|lua\s+dao|gia\s+mao)(?!\w)", re.IGNORECASE
)


def drill_problems(loaded: Loaded[Quiz]) -> list[str]:
    """`file:line: field: message` for every give-away word in a drill's scenario."""
    problems = []
    text = nfc_text(loaded.doc)
    for index, question in enumerate(loaded.item.questions):
        if not question.drill or question.scenario is None:
            continue
        scalar = scalar_at(loaded.doc, ("questions", index, "scenario"), text)
        if scalar is None:
            continue
        for match in GIVE_AWAY.finditer(scalar.source):
            found = " ".join(match.group().split())
            problems.append(
                problem(
                    loaded.doc,
                    scalar,
                    match.start(),
                    f"{found!r} in a drill's scenario gives the answer away: write the "
                    "message as its sender would (a scammer never calls it a scam) and let "
                    "the learner judge; say why in the feedback",
                )
            )
    return problems
