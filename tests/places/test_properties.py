"""Properties over the whole list: every commune is found however its own name is typed."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.places import Commune, Places
from bot.places.data import load_places
from bot.text import fold

PLACES = load_places()  # cached: the same index as the `places` fixture
KIND = re.compile(r"^(Xã|Phường|Đặc khu) ")
PROPERTY = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def bare(commune: Commune) -> str:
    return KIND.sub("", commune.name)


NAMESAKES: dict[str, list[Commune]] = {}
for _commune in PLACES.communes:
    NAMESAKES.setdefault(fold(bare(_commune)), []).append(_commune)


@st.composite
def typed_names(draw: st.DrawFn) -> tuple[Commune, str, bool]:
    """A commune and its name as someone might type it: kind word or not, accents or not,
    any case, extra spaces, decomposed or not. The flag says whether the kind word is there."""
    commune = draw(st.sampled_from(PLACES.communes))
    with_kind = draw(st.booleans())
    text = commune.name if with_kind else bare(commune)
    if draw(st.booleans()):
        text = fold(text)
    text = draw(st.sampled_from([str.lower, str.upper, str.title, str]))(text)
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    spaces = draw(st.sampled_from([" ", "  ", "\u00a0"]))
    return commune, f" {spaces.join(text.split(' '))} ", with_kind


@PROPERTY
@given(typed_names())
def test_every_commune_is_found_by_its_own_name_within_its_province(
    typed: tuple[Commune, str, bool],
) -> None:
    commune, text, with_kind = typed
    found = PLACES.search(text, province=commune.province_code)
    assert commune in found.communes, (text, found)
    first, wanted = found.communes[0], commune
    # Without its kind word, "my tho" names Phường Mỹ Tho and Xã Mỹ Tho of one province alike.
    first_name = first.name if with_kind else bare(first)
    wanted_name = wanted.name if with_kind else bare(wanted)
    decomposed = unicodedata.normalize("NFD", text)
    if not any(unicodedata.category(c) == "Mn" for c in decomposed) and "đ" not in text.lower():
        # Typed without accents: "van lang" names Xã Văn Lang and Xã Văn Lăng alike.
        assert found.exact >= 1 and fold(first_name) == fold(wanted_name)
    else:
        assert found.exact >= 1 and first_name.casefold() == wanted_name.casefold()


@PROPERTY
@given(typed_names())
def test_without_a_province_a_commune_is_found_or_its_name_is_a_province(
    typed: tuple[Commune, str, bool],
) -> None:
    commune, text, with_kind = typed
    found = PLACES.search(text)
    if found.named and not with_kind:
        # "Lào Cai" alone is the province; the ward needs its kind word ("phường Lào Cai").
        assert found.province is not None and found.communes == ()
        assert fold(bare(commune)) in {fold(found.province.short_name), fold(found.province.name)}
        return
    namesakes = NAMESAKES[fold(bare(commune))]
    assert found.total >= len(namesakes)
    assert set(found.communes[: len(namesakes)]) <= set(namesakes)  # namesakes first
    if len(namesakes) <= 5:
        assert commune in found.communes


def test_every_commune_by_its_folded_name_in_its_province(places: Places) -> None:
    """The property above, for all 3,321 communes rather than a sample."""
    missed = [
        commune.name
        for commune in places.communes
        for text in (fold(commune.name), fold(bare(commune)))
        if commune not in places.search(text, province=commune.province_code).communes[:5]
    ]
    assert missed == []


@PROPERTY
@given(st.text(max_size=40))
def test_any_text_gives_a_well_formed_answer(text: str) -> None:
    found = PLACES.search(text, limit=5)
    assert len(found.communes) <= 5 and found.total >= len(found.communes)
    assert len(set(found.communes)) == len(found.communes)
    assert found.exact <= found.total
    assert not (found.communes and found.unknown)


def test_names_that_fold_alike_are_both_offered_when_typed_without_accents() -> None:
    found = PLACES.search("van lang", province="19")
    assert {c.name for c in found.communes} == {"Xã Văn Lang", "Xã Văn Lăng"}
    assert found.exact == 2  # the learner picks: neither is guessed
    assert PLACES.search("Văn Lăng", province="19").communes[0].name == "Xã Văn Lăng"


def test_a_name_that_begins_like_a_unit_word() -> None:
    """ "Quân" is no "quận": typed with other accents it is a name; typed without any, the
    whole text's exact name wins over the rest after a unit word (found by the property above)."""
    for typed in ("quân chu", "Quân Chu", "quan chu", "xa quan chu"):
        assert [c.name for c in PLACES.search(typed).communes] == ["Xã Quân Chu"], typed
    assert {c.name for c in PLACES.search("quan son").communes} == {"Xã Quan Sơn"}
    assert PLACES.search("huyen cu chi").communes[0].name == "Xã Củ Chi"
    assert PLACES.search("xa tan phu").communes[0].name == "Xã Tân Phú"


def test_every_commune_by_its_own_name_without_a_province() -> None:
    """The property without a province, for all 3,321 communes typed four ways rather than a
    sample (it once found "Quân Chu" read as "quận Chu")."""
    missed = []
    for commune in PLACES.communes:
        name = bare(commune)
        namesakes = NAMESAKES[fold(name)]
        for text in (name, fold(name), name.upper(), fold(name).title()):
            found = PLACES.search(text)
            if found.named:
                assert found.province is not None
                if fold(name) not in {fold(found.province.short_name), fold(found.province.name)}:
                    missed.append(text)
                continue
            first = set(found.communes[: len(namesakes)])
            if not first <= set(namesakes) or (
                len(namesakes) <= 5 and commune not in found.communes
            ):
                missed.append(text)
    assert missed == []
