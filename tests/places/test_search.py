"""The forgiving place search over the real data: however a learner types a place, it is found."""

from __future__ import annotations

import re
import unicodedata

import pytest

from bot.places import Commune, Places, PlaceSearch, Province
from bot.text import fold


def shown(found: PlaceSearch, places: Places) -> list[tuple[str, str]]:
    """The communes found as (name, short province name)."""
    result = []
    for commune in found.communes:
        province = places.province(commune.province_code)
        assert province is not None
        result.append((commune.name, province.short_name))
    return result


@pytest.mark.parametrize(
    "typed",
    [
        "Ba Đình",
        "ba dinh",
        "BA DINH",
        "phuong ba dinh",
        "Phường Ba Đình",
        "p. ba đình",
        "P.Ba Dinh",
    ],
)
def test_ba_dinh_is_found_first(places: Places, typed: str) -> None:
    found = places.search(typed)
    assert shown(found, places)[0] == ("Phường Ba Đình", "Hà Nội")
    assert found.communes[0].code == "00004"
    assert found.province is None and not found.named


def test_accents_typed_rank_the_exact_name_before_names_that_only_fold_alike(
    places: Places,
) -> None:
    accented = places.search("Ba Đình")
    assert shown(accented, places) == [
        ("Phường Ba Đình", "Hà Nội"),
        ("Xã Ba Đình", "Thanh Hóa"),
        ("Xã Ba Dinh", "Quảng Ngãi"),
    ]
    assert accented.exact == 2  # two have these accents; "Ba Dinh" only folds alike
    plain = places.search("ba dinh")
    assert plain.total == 3 and plain.exact == 3  # no accents typed: all three are exact
    thanh = places.search("Thạnh Hóa")
    assert shown(thanh, places)[0] == ("Xã Thạnh Hóa", "Tây Ninh") and thanh.exact == 1


def test_an_ambiguous_name_gives_five_candidates_in_several_provinces(places: Places) -> None:
    found = places.search("tân phú")
    named_so = [c for c in places.communes if c.name.split(" ", 1)[1] == "Tân Phú"]
    # Names with the words "tan phu" whole ("Tân Phú Đông", not "Tân Phước").
    containing = [c for c in places.communes if re.search(r"\btan phu\b", fold(c.name))]
    assert len(named_so) >= 2 and len({c.province_code for c in named_so}) >= 2
    assert len(found.communes) == 5
    assert found.total == len(containing) > 5
    assert found.exact == len(named_so)
    # The exact names come first, ordered by province code.
    assert list(found.communes) == sorted(named_so, key=lambda c: c.province_code)[:5]
    assert len({c.province_code for c in found.communes}) >= 2
    assert len(places.search("tân phú", limit=2).communes) == 2
    assert places.search("tân phú", limit=50).communes[: len(named_so)] == tuple(
        sorted(named_so, key=lambda c: c.province_code)
    )


@pytest.mark.parametrize(
    "typed",
    [
        "tan phu dong nai",
        "Tân Phú, Đồng Nai",
        "xã Tân Phú tỉnh Đồng Nai",
        "đồng nai tân phú",
        "Tân Phú (Đồng Nai)",
    ],
)
def test_a_province_named_beside_the_commune_narrows(places: Places, typed: str) -> None:
    found = places.search(typed)
    assert shown(found, places) == [("Xã Tân Phú", "Đồng Nai")]
    assert found.total == 1 and found.named
    assert found.province is not None and found.province.code == "75"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("hn", "01"),
        ("Hà Nội", "01"),
        ("thanh pho ha noi", "01"),
        ("tp hcm", "79"),
        ("TP.HCM", "79"),
        ("tphcm", "79"),
        ("Hồ Chí Minh", "79"),
        ("sg", "79"),
        ("brvt", "79"),
        ("Bà Rịa - Vũng Tàu", "79"),
        ("hue", "46"),
        ("TT Huế", "46"),
        ("Thừa Thiên Huế", "46"),
        ("tỉnh đồng nai", "75"),
        ("Đắk Lắk", "66"),
        ("daklak", "66"),
        ("Quảng Nam", "48"),  # merged into Đà Nẵng
        ("ha giang", "08"),  # merged into Tuyên Quang
        ("Thanh Hoá", "38"),  # old-style tone
        ("tỉnh Long An", "80"),  # "Long An" alone is a ward of Tây Ninh
    ],
)
def test_a_province_alone_gives_the_province_only(places: Places, typed: str, code: str) -> None:
    found = places.search(typed)
    assert found.province is not None and found.province.code == code
    assert found.named and found.communes == () and found.total == 0


def test_a_former_province_that_is_also_a_ward_finds_the_ward(places: Places) -> None:
    found = places.search("long an")
    assert shown(found, places) == [("Phường Long An", "Tây Ninh")]
    assert not found.named
    hoa_binh = places.search("Hòa Bình")
    assert hoa_binh.total >= 5 and hoa_binh.communes[0].name == "Phường Hòa Bình"


def test_a_province_name_inside_that_province_is_the_commune(places: Places) -> None:
    found = places.search("lào cai", province="15")
    assert shown(found, places) == [("Phường Lào Cai", "Lào Cai")]
    assert places.search("lào cai").communes == ()
    assert shown(places.search("phường lào cai"), places) == [("Phường Lào Cai", "Lào Cai")]


@pytest.mark.parametrize(
    "typed",
    [
        "Hoà Bình",
        unicodedata.normalize("NFD", "Hòa Bình"),
        "  hoa\u00a0  binh\u200b ",
        "HÒA BÌNH",
        unicodedata.normalize("NFD", "Hoà Bình"),
    ],
)
def test_decomposed_input_and_old_tones_find_the_same(places: Places, typed: str) -> None:
    assert places.search(typed).communes == places.search("Hòa Bình").communes
    assert places.search(typed).total == places.search("Hòa Bình").total


def test_old_style_tones_in_a_commune_name(places: Places) -> None:
    found = places.search("Xã Hoà An")
    assert found.exact == 3
    assert {name for name, _ in shown(found, places)} == {"Xã Hòa An"}


@pytest.mark.parametrize("typed", ["xyzzy qwerty", "zzz", "", "   ", "!!!", "🙂", "quận 1", "1"])
def test_nonsense_finds_nothing(places: Places, typed: str) -> None:
    found = places.search(typed)
    assert found == PlaceSearch()


@pytest.mark.parametrize("typed", ["không biết", "Ko biết", "khong ro", "bỏ qua", "Skip"])
def test_not_knowing_is_an_answer(places: Places, typed: str) -> None:
    found = places.search(typed)
    assert found.unknown and found.communes == () and found.province is None
    assert places.search(typed, province="01").province == places.province("01")


def test_province_restricts_the_search(places: Places) -> None:
    found = places.search("tân phú", province="79")
    assert shown(found, places) == [("Phường Tân Phú", "Hồ Chí Minh")]
    assert found.province == places.province("79") and not found.named
    assert places.search("ba dinh", province="79").communes == ()
    thanh_son = places.search("Thanh Sơn", province="25")
    assert all(c.province_code == "25" for c in thanh_son.communes) and thanh_son.total >= 1
    # A province the text names wins over the restriction: the learner moved on.
    moved = places.search("tân phú đồng nai", province="79")
    assert shown(moved, places) == [("Xã Tân Phú", "Đồng Nai")] and moved.named
    # An unknown code restricts nothing.
    assert places.search("ba dinh", province="99").total == 3


def test_a_province_named_with_an_unknown_commune_keeps_the_province(places: Places) -> None:
    found = places.search("xyzzy, Đồng Nai")
    assert found.communes == () and found.named and found.province == places.province("75")


def test_unit_words_and_old_addresses(places: Places) -> None:
    for typed in ("xã phú lâm, huyện tân phú, tỉnh đồng nai", "xa phu lam huyen tan phu dong nai"):
        assert shown(places.search(typed), places) == [("Xã Phú Lâm", "Đồng Nai")], typed
    # A district is gone, but its name often lives on as a commune's.
    assert shown(places.search("huyện Củ Chi"), places) == [("Xã Củ Chi", "Hồ Chí Minh")]
    assert shown(places.search("tp Thủ Đức"), places) == [("Phường Thủ Đức", "Hồ Chí Minh")]
    # Names that start like a unit word are still names.
    assert shown(places.search("quan son"), places)[0][0] == "Xã Quan Sơn"
    assert shown(places.search("xa phien"), places) == [("Xã Xà Phiên", "Cần Thơ")]
    assert shown(places.search("Tịnh Khê"), places)[0][0] == "Xã Tịnh Khê"
    # "Phường" typed with its accents is the unit word, "Phương" part of a name.
    assert shown(places.search("Phương Liệt"), places) == [("Phường Phương Liệt", "Hà Nội")]
    assert shown(places.search("phuong phuong liet"), places) == [("Phường Phương Liệt", "Hà Nội")]


def test_the_kind_typed_ranks_first(places: Places) -> None:
    xa = places.search("xã tân phú")
    phuong = places.search("phường tân phú")
    assert xa.communes[0].name == "Xã Tân Phú"
    assert phuong.communes[0].name == "Phường Tân Phú"
    assert xa.total == phuong.total  # the kind only ranks, it does not filter


def test_whole_words_first_then_words_typed_in_part(places: Places) -> None:
    # Whole words: names starting with them, then names with them further on.
    found = places.search("phu dong", limit=500)
    keys = [fold(c.name).split(" ", 1)[1] for c in found.communes]
    assert keys and all(re.search(r"\bphu dong\b", key) for key in keys)
    starting = [key.startswith("phu dong") for key in keys]
    assert starting == sorted(starting, reverse=True) and True in starting and False in starting
    # Typed in part ("an ph"), names that start so ("An Phú") come before names that have it
    # inside ("Tân Phú").
    partial = places.search("an ph", limit=1000)
    keys = [fold(c.name).split(" ", 1)[1] for c in partial.communes]
    assert partial.total == len(keys) and all("an ph" in key for key in keys)
    starting = [key.startswith("an ph") for key in keys]
    assert starting == sorted(starting, reverse=True) and True in starting and False in starting
    # Near misses count only when no name has the words whole.
    assert places.search("tân phú", province="79").total == 1
    substring = places.search("inh mi", limit=500)
    assert substring.total >= 1 and all("inh mi" in fold(c.name) for c in substring.communes)


def test_apostrophes_and_hyphens(places: Places) -> None:
    assert places.search("ea m'droh").communes[0].name == "Xã Ea M'Droh"
    assert places.search("Ea Mdroh").communes[0].name == "Xã Ea M'Droh"
    assert places.search("van mieu quoc tu giam").communes[0].name == (
        "Phường Văn Miếu - Quốc Tử Giám"
    )


def test_an_empty_index_finds_nothing() -> None:
    empty = Places.empty()
    assert empty.search("ba dinh") == PlaceSearch()
    assert empty.search("hn") == PlaceSearch()
    assert empty.province("01") is None and empty.version == ""


def test_a_small_index_built_by_hand() -> None:
    tiny = Places(
        (Province("01", "Thành phố Hà Nội", "Hà Nội"), Province("75", "Đồng Nai", "Đồng Nai")),
        (
            Commune("00004", "Phường Ba Đình", "01"),
            Commune("26000", "Xã Tân Phú", "75"),
            Commune("26001", "Xã Tân Phú Đông", "75"),
        ),
        "v1",
    )
    assert tiny.search("tan phu").communes == (
        Commune("26000", "Xã Tân Phú", "75"),
        Commune("26001", "Xã Tân Phú Đông", "75"),
    )
    assert tiny.search("hn").province == Province("01", "Thành phố Hà Nội", "Hà Nội")
    # Abbreviations of provinces the index lacks are not provinces here.
    assert tiny.search("tp hcm") == PlaceSearch()
