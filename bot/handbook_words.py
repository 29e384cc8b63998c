"""How the handbook reads text: words kept with the accents typed, chat short forms spelled
out, spellings of one name joined, filler words told apart.

A word typed with accents keeps them ("lừa"); one typed without any is known only folded
("lua"). Filler words are told apart with their accents where they have them: "chúng" is filler,
"chứng" is not; typed without accents, only words that rarely stand for a topic word once folded
are filler ("la" may be "lạ", so it is not; "la" before "gi" is the "là" of "X là gì").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.text import canonical, fold

# Chat abbreviations and spellings, folded -> the words they stand for, with their accents.
ABBREVIATIONS: dict[str, str] = {
    "ck": "chuyển khoản",
    "chk": "chuyển khoản",
    "dt": "điện thoại",
    "dthoai": "điện thoại",
    "sdt": "số điện thoại",
    "mk": "mật khẩu",
    "pass": "mật khẩu",
    "password": "mật khẩu",
    "tk": "tài khoản",
    "tkhoan": "tài khoản",
    "nh": "ngân hàng",
    "app": "ứng dụng",
    "apps": "ứng dụng",
    "ud": "ứng dụng",
    "wf": "wifi",
    "cccd": "căn cước",
    "cmnd": "căn cước",
    "bhyt": "bảo hiểm y tế",
    "bhxh": "bảo hiểm xã hội",
    "dvc": "dịch vụ công",
    "mst": "mã số thuế",
    "stk": "số tài khoản",
    "tt": "thanh toán",
    "ntn": "như thế nào",
    "ko": "không",
    "k": "không",
    "kg": "không",
    "hok": "không",
    "dc": "được",
    "j": "gì",
    "vs": "với",
    "fb": "facebook",
    "face": "facebook",
    "yt": "youtube",
    "ctv": "cộng tác viên",
    "mess": "tin nhắn",
    "sms": "tin nhắn",
    "tn": "tin nhắn",
    "ib": "nhắn tin",
    "photo": "ảnh",
    "vid": "video",
    "call": "gọi",
    "lm": "làm",
    "ng": "người",
}
# Multi-word spellings of one thing, after folding.
PHRASES: dict[str, str] = {
    "wi fi": "wifi",
    "vn eid": "vneid",
    "vne id": "vneid",
    "q r": "qr",
    "zalo pay": "zalopay",
    "mo mo": "momo",
    "e tax": "etax",
    "etax mobile": "etaxmobile",
    "vss id": "vssid",
    "chat gpt": "chatgpt",
    "ch play": "chplay",
    "app store": "appstore",
    "google play": "chplay",
    "4 g": "4g",
    "5 g": "5g",
}
# Words that say nothing about the topic ("làm sao", "của tôi", "được không"), with accents: a
# word typed with its accents is filler only when it is one of these ("chúng", not "chứng").
_STOPWORDS = """
    a à ạ á ah ak ơi ới nhé nha nhá nhỉ vậy thì là làm sao nào gì có không được cho của tôi mình
    em chị bác ông bà tui tao họ chúng người và với hay hoặc những các một nhiều rất cũng vẫn đã
    sẽ để ở trên trong vào ra lên xuống đi đến từ bằng như về khi nếu giúp hỏi biết xin vui lòng
    cách hướng dẫn này kia ấy rồi chưa luôn bây giờ hiện phải nên mấy thế muốn cái dạ vâng ừ ờ
"""
STOPWORDS = frozenset(_STOPWORDS.split())
# The same for words typed without accents: only those that rarely stand for a topic word once
# folded ("la" stays: it may be "lạ"; "muon" stays: it may be "mượn"; "the" may be "thẻ").
_FOLDED_STOPWORDS = """
    a ah ak oi nhe nha nhi vay thi lam sao nao gi co khong duoc cho cua toi minh em chi bac
    ong ba tui tao ho chung nguoi va voi hay hoac nhung cac mot nhieu rat cung van da se de o
    tren trong vao ra len xuong di den tu bang nhu ve khi neu giup hoi biet xin vui long cach
    huong dan nay kia ay roi chua luon bay gio hien phai nen may
"""
FOLDED_STOPWORDS = frozenset(_FOLDED_STOPWORDS.split())

_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_PHRASE_PARTS = tuple((tuple(phrase.split()), joined) for phrase, joined in PHRASES.items())
_PHRASE_STARTS = frozenset(parts[0] for parts, _joined in _PHRASE_PARTS)


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: folded, and as written when it carries accents (else None)."""

    folded: str
    accented: str | None = None

    @property
    def filler(self) -> bool:
        """Whether the word says nothing about the topic."""
        if self.accented is None:
            return self.folded in FOLDED_STOPWORDS
        return self.accented in STOPWORDS


@lru_cache(maxsize=4096)
def _split(word: str) -> tuple[Word, ...]:
    """One canonical word as Words: its folded pieces, the accents kept when it is one piece."""
    pieces = _ASCII_WORD.findall(fold(word))
    if len(pieces) == 1 and pieces[0] != word:
        return (Word(pieces[0], word),)
    return tuple(Word(piece) for piece in pieces)


@lru_cache(maxsize=64)
def _expansion(abbreviation: str) -> tuple[Word, ...]:
    return tuple(w for part in ABBREVIATIONS[abbreviation].split() for w in _split(part))


def tokens(text: str) -> list[Word]:
    """The words of a text, accents kept, spellings joined, abbreviations spelled out."""
    found = [w for word in _WORD.findall(canonical(text)) for w in _split(word)]
    if _PHRASE_STARTS.intersection(w.folded for w in found):
        for parts, joined in _PHRASE_PARTS:
            found = _join(found, parts, joined)
    expanded: list[Word] = []
    for w in found:
        if w.folded in ABBREVIATIONS:
            expanded.extend(_expansion(w.folded))
        else:
            expanded.append(w)
    return _question_form(expanded)


def _question_form(found: list[Word]) -> list[Word]:
    """ "la" typed before "gi" (or "cai gi") is the "là" of "X là gì?", not "lạ" (strange)."""
    for index, w in enumerate(found[:-1]):
        if w.folded == "la" and w.accented is None:
            after = [n.folded for n in found[index + 1 : index + 3]]
            if after[0] == "gi" or after == ["cai", "gi"]:
                found[index] = Word("la", "là")
    return found


def _join(found: list[Word], parts: tuple[str, ...], joined: str) -> list[Word]:
    """`found` with each run of words folding to `parts` replaced by the one word `joined`."""
    out: list[Word] = []
    index, size = 0, len(parts)
    while index < len(found):
        if tuple(w.folded for w in found[index : index + size]) == parts:
            out.append(Word(joined))
            index += size
        else:
            out.append(found[index])
            index += 1
    return out


def terms(text: str) -> list[str]:
    """The folded, expanded words of a text, filler words kept."""
    return [w.folded for w in tokens(text)]
