"""`Scope.allows`: a commune official sees their commune only, a province official their
province's communes and the province, an administrator everything."""

from bot.core.scope import Scope
from bot.core.state import OfficialKind, OfficialRole


def test_each_role_sees_its_own_area_only() -> None:
    commune = Scope.of(
        OfficialRole(public_id="x", kind=OfficialKind.COMMUNE, province="01", commune="00004")
    )
    assert commune.allows("01", "00004")
    assert not commune.allows("01", "00008")
    assert not commune.allows("01", None)  # not the whole province
    assert not commune.allows("79", "00004")
    province = Scope(OfficialKind.PROVINCE, "01")
    assert province.allows("01", "00008") and province.allows("01", None)
    assert not province.allows("79", "26734") and not province.allows(None, None)
    admin = Scope(OfficialKind.ADMIN)
    assert admin.allows("79", "26734") and admin.allows(None, None)
