"""GIFT numerical questions (`{#3.14:0.01}`, `{#1..5}`, `{#=1822:0 =%50%1822:2}`) as typed answers.

hocvuso has no number type: a short question's typed answer matches one of a list of texts.
The engine's matching keeps only letters and digits, so "3.14" and "3,14" (the Vietnamese
decimal comma) are the same answer, and a tolerance becomes the list of every number in range
at the answer's own precision (`3.14:0.01` → 3.14, 3.13, 3.15). A range too wide to list is
refused with its line rather than graded wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from quizzes.gift_text import read_text

# More numbers than this is no longer "a number with a tolerance" but a guess in a wide range.
MAX_NUMBERS = 25


@dataclass
class NumericalAnswers:
    """A numerical question read as a short one; `warnings` and `error` are operator messages."""

    answers: list[str] = field(default_factory=list)
    key: str = ""
    feedback_correct: str = ""
    feedback_wrong: str = ""
    warnings: list[str] = field(default_factory=list)
    error: str = ""


def _number(text: str) -> Decimal:
    """A number as Moodle writes it; a decimal comma is accepted too."""
    value = Decimal(text.strip().replace(",", "."))
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def _places(*values: Decimal) -> int:
    exponents = [int(v.as_tuple().exponent) for v in values]
    return max(0, *(-e for e in exponents))


def _spell(value: Decimal, places: int) -> list[str]:
    """A number as a learner might type it: "3.1" and "3.10" both, the shortest first (the
    first accepted answer is the one the bot shows)."""
    fixed = f"{value:.{places}f}"
    short = fixed.rstrip("0").rstrip(".") if "." in fixed else fixed
    return [fixed] if short == fixed else [short, fixed]


def _span(spec: str) -> tuple[Decimal, Decimal, int, str]:
    """(low, high, decimal places, how to say it) of `a`, `a:tolerance` or `a..b`."""
    if ".." in spec:
        low_text, _sep, high_text = spec.partition("..")
        low, high = sorted((_number(low_text), _number(high_text)))
        places = _places(low, high)
        return low, high, places, f"từ {_spell(low, places)[0]} đến {_spell(high, places)[0]}"
    center_text, _sep, tolerance_text = spec.partition(":")
    center = _number(center_text)
    tolerance = abs(_number(tolerance_text)) if tolerance_text.strip() else Decimal(0)
    places = _places(center, tolerance)
    said = _spell(center, places)[0]
    if tolerance:
        said += f" (sai số ±{_spell(tolerance, places)[0]})"
    return center - tolerance, center + tolerance, places, said


def _numbers(low: Decimal, high: Decimal, places: int) -> list[Decimal] | None:
    """Every number from low to high at `places` decimals, the middle first (the answer key)."""
    step = Decimal(1).scaleb(-places)
    first = (low / step).to_integral_value(rounding="ROUND_CEILING")
    last = (high / step).to_integral_value(rounding="ROUND_FLOOR")
    count = int(last - first) + 1
    if count > MAX_NUMBERS or count < 1:
        return None
    grid = [(first + i) * step for i in range(count)]
    middle = (low + high) / 2
    return sorted(grid, key=lambda value: (abs(value - middle), value))


def read_numerical(body: str, fmt: str) -> NumericalAnswers:
    """The text inside `{#…}` (without the `#`), as Moodle's importer splits it."""
    result = NumericalAnswers()
    answers_text, _sep, wrong = body.partition("~")  # `~…#feedback`: any other answer
    if wrong:
        result.feedback_wrong = read_text(wrong.partition("#")[2], fmt)[0]
    pieces = [piece for piece in answers_text.split("=") if piece.strip()]
    said: list[str] = []
    for piece in pieces:
        spec, _sep, feedback = piece.partition("#")
        spec = spec.strip()
        weight = 100.0
        if spec.startswith("%") and spec.count("%") >= 2:
            weight_text, _sep, spec = spec[1:].partition("%")
            try:
                weight = float(weight_text)
            except ValueError:
                result.error = f"the weight %{weight_text}% is not a number"
                return result
        feedback_text = read_text(feedback, fmt)[0]
        if spec.strip() == "*":
            result.feedback_wrong = result.feedback_wrong or feedback_text
            continue
        if weight < 100:
            result.warnings.append(
                f"the answer {spec.strip()} earns {weight:g}% in Moodle; hocvuso has no partial "
                "credit for typed answers, so it was left out (it counts as wrong)"
            )
            continue
        try:
            low, high, places, how = _span(spec)
        except (InvalidOperation, ValueError):
            result.error = (
                f"{spec!r} is not a number, `number:tolerance` or `low..high`; write e.g. "
                "{#3.14:0.01} or {#1..5}"
            )
            return result
        numbers = _numbers(low, high, places)
        if numbers is None:
            result.error = (
                f"{spec} allows more than {MAX_NUMBERS} numbers at its precision, too many to "
                "list as typed answers; narrow the tolerance or write a multiple-choice question"
            )
            return result
        if low < 0:
            result.warnings.append(
                "the bot compares typed answers without their signs, so a learner typing "
                f"{_spell(-low, places)[0]} for {_spell(low, places)[0]} is counted right; "
                "check this question"
            )
        for number in numbers:
            result.answers.extend(s for s in _spell(number, places) if s not in result.answers)
        said.append(how)
        if feedback_text and not result.feedback_correct:
            result.feedback_correct = feedback_text
    if not result.answers:
        result.error = "no fully right number: give one with `=` (e.g. {#=1822:0})"
        return result
    result.key = " hoặc ".join(said)
    return result


__all__ = ["MAX_NUMBERS", "NumericalAnswers", "read_numerical"]
