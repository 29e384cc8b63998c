"""No legal document numbers in text a learner reads.

"Thông tư 17/2024/TT-NHNN" means nothing to a villager and dates the lesson; the lesson says it
plainly ("quy định mới của ngân hàng", "từ ngày 1/1/2026") and cites the document in its
`sources`, which learners never see. Dates ("1/7/2025") and phone numbers (156) are fine: a
number is a legal reference only after a document kind ("Nghị định 13", "QĐ 874/…") or with a
document code ("13/2023/NĐ-CP", "91/2025/QH15", "874/QĐ-BTTTT").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lessons.rules.shown import Scalar

# A document code after the number: "/TT-NHNN", "/QĐ-BTTTT", "/QH15", "-NQ/TW".
_CODE = r"[/-][A-ZĐ]{2,}[A-ZĐ0-9&]*(?:[-/][A-ZĐ0-9&]+)*"
_YEAR = r"/\d{4}"
_NUMBER = rf"\d+(?:{_YEAR})?(?:{_CODE})?"
_NUMBER_WORD = r"(?:(?i:số)\s*)?"
# A kind of document written out ("Thông tư", "quyết định số"), then any number.
_KIND = r"(?i:thông\s+tư|nghị\s+định|quyết\s+định|chỉ\s+thị|nghị\s+quyết|công\s+văn)"
_BY_KIND = rf"{_KIND}\s*{_NUMBER_WORD}{_NUMBER}"
# "Luật số 91/2025/QH15", "Luật 91/2025": a law's number, not its name ("Luật Giao dịch
# điện tử", "Luật Bảo vệ dữ liệu cá nhân 2025").
_LAW = rf"(?i:luật)\s+{_NUMBER_WORD}{_NUMBER}"
# Abbreviated kinds ("TT 02/2025", "QĐ 874/QĐ-BTTTT", "CV 3139/BTTTT") need a year or a code
# after the number: "TT 350000" in a bank SMS is a payment ("thanh toán").
_ABBREVIATION = r"(?:TT|NĐ|QĐ|NQ|CV)"
_BY_ABBREVIATION = rf"{_ABBREVIATION}\s*{_NUMBER_WORD}\d+(?:{_YEAR}(?:{_CODE})?|{_CODE})"
# A bare number with a document code: "13/2023/NĐ-CP", "874/QĐ-BTTTT", "57-NQ/TW".
_BY_CODE = rf"\d+(?:{_YEAR})?{_CODE}"
LEGAL_REFERENCE = re.compile(
    rf"(?<![\w/-])(?:{_BY_KIND}|{_LAW}|{_BY_ABBREVIATION}|{_BY_CODE})(?!\w)"
)

ADVICE = (
    "say it plainly ('quy định mới của ngân hàng', 'từ ngày 1/1/2026') and cite the document "
    "(title and url) in the lesson's `sources`, which learners do not see"
)


def legal_references(scalar: Scalar) -> Iterator[tuple[int, str]]:
    """Every legal document number in a value: (offset, the reference as written)."""
    for match in LEGAL_REFERENCE.finditer(scalar.source):
        yield match.start(), " ".join(match.group().split())


def legal_problems(scalar: Scalar) -> Iterator[tuple[int, str]]:
    """(offset, message) for every legal number in a value a learner reads."""
    for offset, found in legal_references(scalar):
        yield offset, f"legal document number {found!r} in text a learner reads: {ADVICE}"
