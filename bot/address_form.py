"""How the bot addresses the learner in Vietnamese ("xưng hô"), chosen per deployment.

The interface catalog and the lessons say "bác", the respectful form for the adults most
learners are. A deployment for pupils and students sets `HOCVUSO_ADDRESS_FORM=bạn`: outgoing
Vietnamese text is then rewritten word for word, "bác" to "bạn" and "Bác" to "Bạn", except
where "bác" is no address: "bác sĩ" (doctor), "uyên bác", "bác bỏ", "bác ái", "bác ấy" (an
elder spoken about), and "bác" before a name ("bác Tư", "Bác Hồ").
"""

from __future__ import annotations

import re
from enum import StrEnum


class AddressForm(StrEnum):
    """The word the bot calls the learner by."""

    BAC = "bác"  # adults, the elderly: the lessons' own form
    BAN = "bạn"  # pupils and students


# "bác" as a word, in any case; what surrounds it decides whether it addresses the learner.
_BAC = re.compile(r"(?<!\w)(bác|Bác|BÁC)(?!\w)")
# Words after which "bác" is part of another word ("bác sĩ", "bác bỏ", "bác ái") or someone
# else: "bác ấy", the elder an ambassador learns together with.
_NOT_AFTER = frozenset({"sĩ", "bỏ", "ái", "ấy"})
_NOT_BEFORE = frozenset({"uyên"})
_NEXT_WORD = re.compile(r" (\w+)")
_PREVIOUS_WORD = re.compile(r"(\w+) $")
_SWAP = {"bác": "bạn", "Bác": "Bạn", "BÁC": "BẠN"}


def address(text: str, form: AddressForm) -> str:
    """`text` with the learner addressed as `form` (the text itself when that is "bác")."""
    if form is AddressForm.BAC or "ác" not in text.casefold():
        return text

    def swapped(match: re.Match[str]) -> str:
        word = match.group(1)
        following = _NEXT_WORD.match(text, match.end())
        if following is not None:
            after = following.group(1)
            if after.casefold() in _NOT_AFTER or _is_name(after):
                return word
        preceding = _PREVIOUS_WORD.search(text, 0, match.start())
        if preceding is not None and preceding.group(1).casefold() in _NOT_BEFORE:
            return word
        return _SWAP[word]

    return _BAC.sub(swapped, text)


def _is_name(word: str) -> bool:
    """A capitalised word that is not all capitals: "Tư", "Hồ", not "ĐỌC" nor "VNeID"."""
    return word[:1].isupper() and word[1:].islower()
