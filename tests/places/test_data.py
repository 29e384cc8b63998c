"""The place index read from the `vietnam-provinces` package: counts, codes, names, version."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata

import vietnam_provinces

from bot.places import Places
from bot.places.aliases import ABBREVIATIONS, FORMER
from bot.places.data import load_places, places_from
from bot.text import fold
from tests.conftest import ROOT

# The former provinces' capitals (a ward of that name today) and where the 2025 mergers put
# them: checks the hand-written table of former provinces against the package's data.
FORMER_CAPITALS = {
    "ha giang": "Phường Hà Giang 1",
    "yen bai": "Phường Yên Bái",
    "bac kan": "Phường Bắc Kạn",
    "bac giang": "Phường Bắc Giang",
    "vinh phuc": "Phường Vĩnh Yên",
    "hoa binh": "Phường Hòa Bình",
    "hai duong": "Phường Hải Dương",
    "thai binh": "Phường Thái Bình",
    "ha nam": "Phường Phủ Lý",
    "nam dinh": "Phường Nam Định",
    "quang binh": "Phường Đồng Hới",
    "quang nam": "Phường Tam Kỳ",
    "kon tum": "Phường Kon Tum",
    "binh dinh": "Phường Quy Nhơn",
    "ninh thuan": "Phường Phan Rang",
    "phu yen": "Phường Tuy Hòa",
    "dak nong": "Phường Bắc Gia Nghĩa",
    "binh thuan": "Phường Phan Thiết",
    "binh duong": "Phường Thủ Dầu Một",
    "ba ria vung tau": "Phường Vũng Tàu",
    "binh phuoc": "Phường Đồng Xoài",
    "long an": "Phường Long An",
    "tien giang": "Phường Mỹ Tho",
    "ben tre": "Phường Bến Tre",
    "tra vinh": "Phường Trà Vinh",
    "kien giang": "Phường Rạch Giá",
    "soc trang": "Phường Sóc Trăng",
    "hau giang": "Phường Vị Thanh",
    "bac lieu": "Phường Bạc Liêu",
}
OLD_TONE = re.compile(r"(?<![qQ])(o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])(?![^\W\d_])", re.IGNORECASE)


def test_34_provinces_and_3321_communes(places: Places) -> None:
    assert len(places.provinces) == 34
    assert len(places) == len(places.communes) == 3321
    kinds = [commune.name.split(" ")[0] for commune in places.communes]
    assert (kinds.count("Xã"), kinds.count("Phường"), kinds.count("Đặc")) == (2621, 687, 13)


def test_codes_are_zero_padded_strings_and_unique(places: Places) -> None:
    assert all(re.fullmatch(r"\d{2}", p.code) for p in places.provinces)
    assert all(re.fullmatch(r"\d{5}", c.code) for c in places.communes)
    assert len({c.code for c in places.communes}) == 3321
    assert {c.province_code for c in places.communes} == {p.code for p in places.provinces}
    ba_dinh = places.commune("00004")
    assert ba_dinh is not None and (ba_dinh.name, ba_dinh.province_code) == (
        "Phường Ba Đình",
        "01",
    )
    assert places.commune("4") is None and places.commune(None) is None


def test_names_are_nfc_single_spaced_with_new_style_tones(places: Places) -> None:
    names = [p.name for p in places.provinces] + [c.name for c in places.communes]
    assert all(unicodedata.normalize("NFC", name) == name for name in names)
    assert not [name for name in names if "  " in name or name != name.strip()]
    assert not [name for name in names if OLD_TONE.search(name)]
    # The package spells some the old way ("Xã Hoà An"); "Quý" keeps its tone on the y.
    names_set = set(names)
    assert {"Xã Hòa An", "Phường Thủy Nguyên", "Phường Nguyễn Úy", "Đặc khu Phú Quý"} <= names_set


def test_province_short_names(places: Places) -> None:
    short = {p.code: p.short_name for p in places.provinces}
    assert short["01"] == "Hà Nội" and short["79"] == "Hồ Chí Minh" and short["46"] == "Huế"
    hcm = places.province("79")
    assert hcm is not None and hcm.name == "Thành phố Hồ Chí Minh"
    assert short["04"] == "Cao Bằng" and places.province("04").name == "Cao Bằng"  # type: ignore[union-attr]
    assert not [name for name in short.values() if name.startswith(("Thành phố", "Tỉnh"))]


def test_version_is_the_package_data_version_and_fits_the_column(places: Places) -> None:
    assert places.version == vietnam_provinces.__data_version__ == "2025-10-18"
    assert len(places.version) <= 16  # learner.admin_version is VARCHAR(16)


def test_loaded_once() -> None:
    assert load_places() is load_places()


def test_places_from_plain_records() -> None:
    records = [
        {
            "name": "Thành phố Huế",
            "code": 46,
            "wards": [
                {"name": "Xã  A Lưới 1", "code": 19000},
                {"name": "Phường Thuận Hoá", "code": 7},
            ],
        }
    ]
    built = places_from(records, "test")
    assert [(p.code, p.name, p.short_name) for p in built.provinces] == [
        ("46", "Thành phố Huế", "Huế")
    ]
    assert [(c.code, c.name) for c in built.communes] == [
        ("19000", "Xã A Lưới 1"),
        ("00007", "Phường Thuận Hóa"),
    ]
    assert built.version == "test"


def test_former_provinces_point_where_their_capitals_are(places: Places) -> None:
    former = {name: code for code, names in FORMER.items() for name in names}
    assert set(FORMER_CAPITALS) <= set(former)
    for province_name, capital in FORMER_CAPITALS.items():
        where = {c.province_code for c in places.communes if c.name == capital}
        assert former[province_name] in where, (province_name, capital, where)
    # 63 provinces before 1 July 2025: the 34 of today and the 29 merged into them.
    assert len(FORMER_CAPITALS) == 29


def test_alias_tables_name_real_provinces_and_never_clash(places: Places) -> None:
    codes = {p.code for p in places.provinces}
    own = {fold(name) for p in places.provinces for name in (p.name, p.short_name)}
    listed = [
        name for table in (ABBREVIATIONS, FORMER) for names in table.values() for name in names
    ]
    assert set(ABBREVIATIONS) <= codes and set(FORMER) <= codes
    assert len(listed) == len(set(listed)) and not own & set(listed)
    assert all(name == fold(name) for name in listed)


def test_the_core_never_loads_the_package() -> None:
    script = (
        "import json, sys, bot.core, bot.places.index; bot.core.handle;"
        " print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules = json.loads(done.stdout)
    assert "bot.places.index" in modules
    assert not [m for m in modules if m.startswith(("vietnam_provinces", "bot.places.data"))]
