"""House words: the same word for the same action in every lesson.

"tắt máy" is both hanging up and switching off, so it is never written: "cúp máy" for a call,
"tắt nguồn" for the phone. The screen is touched ("chạm"); "bấm" is only for the physical
buttons on the phone's edge ("bấm giữ nút nguồn"), and "nhấn", "ấn vào", "click" … are not used.
Whole words, any case, accents as written: "ấn tượng", "Ấn Độ", "nhấn mạnh" (to stress) and
"tắt máy tính" (a computer) are other words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lessons.rules.shown import Scalar

_HANG_UP_OR_SWITCH_OFF = (
    "write 'cúp máy' for hanging up a call and 'tắt nguồn' for switching the phone off"
)
_TOUCH = (
    "write 'chạm' for touching the screen ('chạm nút Gửi'), and 'bấm' only for the physical "
    "buttons on the phone's edge ('bấm giữ nút nguồn')"
)
# Machines that are not the phone: "tắt máy tính", "tắt máy lạnh" are right.
_OTHER_MACHINES = r"(?!\s+(?:tính|ảnh|lạnh|giặt|in|sấy|chiếu|quạt|bơm|nước\s+nóng)(?!\w))"

# (the word as a pattern, what to write instead)
HOUSE_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE), advice)
    for pattern, advice in (
        (rf"tắt\s+máy{_OTHER_MACHINES}", _HANG_UP_OR_SWITCH_OFF),
        (r"nhấn(?!\s+mạnh(?!\w))", _TOUCH),
        (r"ấn\s+(?:vào|nút)", _TOUCH),
        (r"bấm\s+(?:vào|chọn)", _TOUCH),
        (r"click", _TOUCH),
        (r"kích\s+vào", _TOUCH),
    )
)


def word_problems(scalar: Scalar) -> Iterator[tuple[int, str]]:
    """(offset, message) for every word of a value that the house style replaces."""
    for pattern, advice in HOUSE_WORDS:
        for match in pattern.finditer(scalar.source):
            found = " ".join(match.group().split())
            yield match.start(), f"{found!r} is not a house word: {advice}"
