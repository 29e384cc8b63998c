"""Other names people type for the 34 provinces: abbreviations, and the 29 provinces merged away
on 1 July 2025 (Resolution 202/2025/QH15), each pointing at the province that took it in.

Folded spellings (no accents, lower case), keyed by the official two-digit province code. The
province's own short and official names are added from the data, so they are not listed here.
"""

from __future__ import annotations

from typing import Final

# Unambiguous abbreviations and other spellings of the current provinces. "dn" is left out:
# Đà Nẵng, Đồng Nai and the former Đắk Nông all abbreviate to it.
ABBREVIATIONS: Final[dict[str, tuple[str, ...]]] = {
    "01": ("hn", "hanoi", "thu do ha noi"),
    "31": ("hp", "haiphong"),
    "46": ("tt hue", "tthue", "thua thien hue", "thua thien"),
    "48": ("danang",),
    "66": ("daklak", "dac lac", "dak lac"),
    "79": ("hcm", "tphcm", "hcmc", "ho chi minh city", "hochiminh", "sg", "saigon"),
    "92": ("cantho",),
}

# Former provinces (and the old names of a city) -> the province that took them in. Most are
# also the names of a ward in that province today ("Long An" is a ward of Tây Ninh), so the
# search treats them as a place name first and as a province only when no commune has it.
FORMER: Final[dict[str, tuple[str, ...]]] = {
    "08": ("ha giang",),
    "15": ("yen bai",),
    "19": ("bac kan", "bac can"),
    "24": ("bac giang",),
    "25": ("vinh phuc", "hoa binh"),
    "31": ("hai duong",),
    "33": ("thai binh",),
    "37": ("ha nam", "nam dinh"),
    "44": ("quang binh",),
    "48": ("quang nam",),
    "51": ("kon tum", "kontum"),
    "52": ("binh dinh",),
    "56": ("ninh thuan",),
    "66": ("phu yen",),
    "68": ("dak nong", "daknong", "binh thuan"),
    "75": ("binh phuoc",),
    "79": ("sai gon", "binh duong", "ba ria vung tau", "brvt", "vung tau"),
    "80": ("long an",),
    "82": ("tien giang",),
    "86": ("ben tre", "tra vinh"),
    "91": ("kien giang",),
    "92": ("soc trang", "hau giang"),
    "96": ("bac lieu",),
}

# Words that name the kind of unit. Commune words ("xã Tân Phú") and the pre-2025 district
# words ("huyện Củ Chi": the district level is gone, but the name often lives on as a commune);
# province words ("tỉnh Đồng Nai", "TP HCM"). Folded; several words as one string.
COMMUNE_WORDS: Final[frozenset[str]] = frozenset(
    {"xa", "x", "phuong", "p", "thi tran", "tt", "dac khu"}
)
DISTRICT_WORDS: Final[frozenset[str]] = frozenset(
    {"huyen", "h", "quan", "q", "thi xa", "tx", "thanh pho", "tp"}
)
PROVINCE_WORDS: Final[frozenset[str]] = frozenset({"tinh", "thanh pho", "tp"})

# The same words with their accents: typed like this they cannot be part of a name
# ("Phường Sơn" is a ward word, "Phương Sơn" a name).
ACCENTED_WORDS: Final[frozenset[str]] = frozenset(
    {"xã", "phường", "thị trấn", "đặc khu", "huyện", "quận", "thị xã", "thành phố", "tỉnh"}
)

# "I don't know" / "skip", folded: the learner may leave the place unknown.
UNKNOWN: Final[frozenset[str]] = frozenset(
    {
        "khong biet",
        "ko biet",
        "k biet",
        "kb",
        "kbt",
        "ko bt",
        "k bt",
        "khong ro",
        "ko ro",
        "chua biet",
        "khong nho",
        "ko nho",
        "bo qua",
        "skip",
        "khong",
        "ko",
        "khong muon noi",
    }
)
