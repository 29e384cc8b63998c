"""The feedback after a quiz answer, said once: the verdict, the content's words, the answer.

Most feedback in the quizzes opens with a verdict of its own ("Đúng rồi! …", "Chưa đúng.
…", "Chính xác: …"); the interface's verdict ("✅ Đúng rồi!") before it said the same twice.
Then only the verdict's mark stays, in front of the content's words. Likewise the answer key
is left out when the feedback already names it ("Đó là nút nguồn" for "nguồn").
"""

from __future__ import annotations

import re

from bot.text import fold

# Folded openings that are a verdict, by whether the answer was right. Only up to the first
# ".", "!" or ":" counts, so "Đúng: giục gấp là…" opens with one, "Đúng lúc…" does not.
RIGHT_OPENINGS = frozenset({"dung roi", "dung", "chinh xac", "rat dung", "rat tot", "gioi lam"})
WRONG_OPENINGS = frozenset(
    {
        "chua dung",
        "khong dung",
        "sai",
        "sai roi",
        "chua chinh xac",
        "chua an toan",
        "khong nen",
        "khong han",
        "nguy hiem",
        "rat nguy hiem",
    }
)
_OPENING = re.compile(r"^\s*([^.!:,?\n]{1,24})[.!:,]")
_NOT_WORD = re.compile(r"[^\w]+")


def opens_with_verdict(feedback: str, correct: bool) -> bool:
    """Whether the feedback starts with a verdict of the same polarity as the answer."""
    match = _OPENING.match(feedback)
    if match is None:
        return False
    opening = " ".join(_NOT_WORD.sub(" ", fold(match.group(1))).split())
    return opening in (RIGHT_OPENINGS if correct else WRONG_OPENINGS)


def with_verdict(verdict: str, feedback: str | None, correct: bool) -> str:
    """The verdict line and the feedback, the verdict's words left out when the feedback
    says them already ("✅ Đúng rồi! Bấm giữ…" rather than "✅ Đúng rồi!\\nĐúng rồi! …")."""
    if not feedback:
        return verdict
    if opens_with_verdict(feedback, correct):
        mark = verdict.split(" ", 1)[0]
        return f"{mark} {feedback}"
    return f"{verdict}\n{feedback}"


def names_answer(texts: list[str], answer: str) -> bool:
    """Whether the feedback already names the right answer (accents and case aside)."""
    key = " ".join(_NOT_WORD.sub(" ", fold(answer)).split())
    said = " ".join(_NOT_WORD.sub(" ", fold(" ".join(texts))).split())
    return bool(key) and f" {key} " in f" {said} "
