"""Dialog tests of the profile (after consent, /hoso), /nhacnho and the certificate steps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core import Context, InboundMessage, InputKind, LearnerState, Mode, handle
from bot.core.events import CertificateIssued, OfficialCertificationReported
from bot.core.state import AgeBand, ReminderSlot, TargetGroup
from bot.places import Commune, Places, Province
from tests.dialog import Dialog, fixture_catalog

# A small stand-in for the country: two "Tân Phú" in different provinces, one "Ba Đình".
PLACES = Places(
    (
        Province("01", "Thành phố Hà Nội", "Hà Nội"),
        Province("75", "Tỉnh Đồng Nai", "Đồng Nai"),
        Province("79", "Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
    ),
    (
        Commune("00004", "Phường Ba Đình", "01"),
        Commune("26500", "Xã Tân Phú", "75"),
        Commune("27000", "Phường Tân Phú", "79"),
    ),
    "2025-10-18",
)


class PlaceDialog(Dialog):
    """A dialog whose context carries the stand-in places and fixed certificate codes."""

    codes = iter(f"CODE{n:06d}" for n in range(1, 1000))

    def _send(self, kind: InputKind, **fields: object):  # type: ignore[override]
        message = InboundMessage(
            channel="test",
            user_ref="u1",
            kind=kind,
            received_at=datetime.now(UTC),
            locale=self.locale,
            **fields,  # type: ignore[arg-type]
        )
        ctx = Context(
            self.catalog,
            datetime.now(UTC),
            places=PLACES,
            certificate_code=lambda: next(self.codes),
        )
        outcome = handle(self.state, message, ctx)
        self.last, self.state, self.replies = outcome, outcome.state, outcome.replies
        self.events.extend(outcome.events)
        return outcome.replies


@pytest.fixture
def dialog() -> PlaceDialog:
    dialog = PlaceDialog(fixture_catalog())
    dialog.command("start")
    dialog.tap("Đồng ý")
    return dialog


def test_profile_follows_consent_and_a_unique_name_typed_without_accents_is_kept(
    dialog: PlaceDialog,
) -> None:
    assert dialog.state.mode is Mode.PROFILE_PLACE
    assert "xã, phường nào" in dialog.said
    dialog.text("phuong ba dinh")
    assert "Đã ghi nhận: Phường Ba Đình, Hà Nội." in dialog.said
    profile = dialog.state.profile
    assert (profile.province, profile.commune, profile.admin_version) == (
        "01",
        "00004",
        "2025-10-18",
    )
    assert dialog.state.mode is Mode.PROFILE_GROUP
    dialog.tap("Người dân")
    dialog.tap("Từ 60 tuổi trở lên")
    dialog.tap("Buổi sáng")
    assert dialog.state.mode is Mode.MENU
    assert "/hoso" in dialog.said
    profile = dialog.state.profile
    assert profile.group is TargetGroup.RESIDENTS
    assert profile.age_band is AgeBand.FROM_60
    assert profile.reminder is ReminderSlot.MORNING
    assert profile.asked
    assert not any("4 câu hỏi" in label for _id, label in dialog.choices)


def test_an_ambiguous_name_offers_numbered_candidates_with_their_province(
    dialog: PlaceDialog,
) -> None:
    dialog.text("Tân Phú")
    assert dialog.state.mode is Mode.PROFILE_PICK
    labels = [label for _id, label in dialog.choices]
    assert labels[:2] == ["Xã Tân Phú (Đồng Nai)", "Phường Tân Phú (Hồ Chí Minh)"]
    dialog.text("2")  # typed number of the candidate
    assert dialog.state.profile.commune == "27000"
    assert dialog.state.mode is Mode.PROFILE_GROUP


def test_a_province_typed_alone_narrows_the_next_search(dialog: PlaceDialog) -> None:
    dialog.text("Đồng Nai")
    assert dialog.state.place_province == "75"
    assert "Tỉnh, thành: Đồng Nai" in dialog.said
    dialog.text("tan phu")
    assert dialog.state.profile.commune == "26500"


def test_nothing_found_asks_again_and_skip_counts_as_unknown(dialog: PlaceDialog) -> None:
    dialog.text("Xyzabc")
    assert "chưa tìm thấy “Xyzabc”" in dialog.said
    assert dialog.state.mode is Mode.PROFILE_PLACE
    dialog.text("khong biet")
    assert dialog.state.mode is Mode.PROFILE_GROUP
    dialog.tap("Bỏ qua")
    dialog.tap("Bỏ qua")
    dialog.tap("Không cần nhắc")
    profile = dialog.state.profile
    assert profile.commune is None and profile.group is None and profile.age_band is None
    assert profile.reminder is ReminderSlot.OFF
    assert profile.asked


def test_skip_all_and_learn_at_once_are_offered_first(dialog: PlaceDialog) -> None:
    labels = [label for _id, label in dialog.choices]
    assert any(label.startswith("Học bài:") for label in labels)
    dialog.tap("Bỏ qua phần này")
    assert dialog.state.mode is Mode.MENU
    assert dialog.state.profile.asked


def test_learning_first_leaves_the_questions_in_the_menu(dialog: PlaceDialog) -> None:
    dialog.tap("Học bài")
    assert dialog.state.mode is Mode.LESSON
    dialog.text("/menu")
    dialog.tap("4 câu hỏi")
    assert dialog.state.mode is Mode.PROFILE_PLACE


def test_hoso_shows_the_profile_and_changes_one_part_then_returns(dialog: PlaceDialog) -> None:
    dialog.text("ba dinh")
    dialog.tap("Học sinh")
    dialog.tap("Dưới 16")
    assert "dưới 16 tuổi" in dialog.said
    dialog.tap("Buổi tối")
    dialog.text("/hoso")
    assert dialog.state.mode is Mode.PROFILE
    assert "Phường Ba Đình, Hà Nội" in dialog.said
    assert "Học sinh, sinh viên" in dialog.said
    assert "không lưu tên" in dialog.said
    dialog.tap("Đổi nhóm")
    dialog.tap("Người dân")
    assert dialog.state.mode is Mode.PROFILE
    assert "• Nhóm: Người dân" in dialog.said
    dialog.tap("Đổi xã")
    dialog.text("tan phu")
    dialog.tap("Đồng Nai")
    assert dialog.state.profile.commune == "26500"
    assert dialog.state.mode is Mode.PROFILE


def test_nhacnho_changes_the_time_and_returns_where_the_learner_was(
    dialog: PlaceDialog,
) -> None:
    dialog.tap("Bỏ qua phần này")
    dialog.tap("Tất cả bài học")
    dialog.text("/nhacnho")
    assert "Nhắc học: Buổi tối (19 giờ)" in dialog.said  # not chosen yet: evening
    dialog.tap("Không cần nhắc")
    assert dialog.state.profile.reminder is ReminderSlot.OFF
    assert "Đã lưu" in dialog.said
    assert dialog.state.mode is Mode.MODULES


def test_reminder_buttons_work_from_any_screen(dialog: PlaceDialog) -> None:
    dialog.tap("Bỏ qua phần này")
    dialog.text("/hoso")
    dialog.choice_id("r:next_lesson")
    assert dialog.state.mode is Mode.LESSON
    dialog.choice_id("r:reminders")
    assert dialog.state.mode is Mode.REMINDERS
    dialog.choice_id("r:erase_yes")  # only a few actions are open to "r:" buttons
    assert dialog.state.mode is Mode.REMINDERS


def passed_everything(dialog: PlaceDialog) -> None:
    if dialog.state.mode is Mode.PROFILE_PLACE:
        dialog.tap("Bỏ qua phần này")
    dialog.state = dialog.state.model_copy(
        update={"passed": [lesson.id for lesson in dialog.catalog.lessons]}
    )


def test_certificate_asks_a_name_keeps_it_only_in_the_event(dialog: PlaceDialog) -> None:
    passed_everything(dialog)
    dialog.text("/menu")
    dialog.tap("Nhận giấy chứng nhận")
    assert dialog.state.mode is Mode.CERTIFICATE_NAME
    dialog.text("http://x.y 123")
    assert "chỉ gõ họ tên" in dialog.said
    dialog.text("nguyễn thị ánh tuyết")
    issued = [e for e in dialog.events if isinstance(e, CertificateIssued)]
    assert len(issued) == 1
    assert issued[0].display_name == "Nguyễn Thị Ánh Tuyết"
    assert issued[0].lessons == len(dialog.catalog.lessons)
    code = issued[0].code
    picture = [r for r in dialog.replies if r.image]
    assert picture and picture[0].image == f"certificate/{code}.png"
    assert code in picture[0].text
    assert dialog.state.certificate is not None and dialog.state.certificate.code == code
    assert "Nguyễn" not in dialog.state.to_json()
    assert "binhdanhocvuso.gov.vn" in dialog.said and "VNeID" in dialog.said
    dialog.tap("Tôi đã được cấp chứng nhận trên VNeID")
    assert OfficialCertificationReported() in dialog.events
    assert dialog.state.vneid_reported
    dialog.text("/chungnhan")  # sent again, not issued again
    assert len([e for e in dialog.events if isinstance(e, CertificateIssued)]) == 1
    assert not any("VNeID" in label for _id, label in dialog.choices)


def test_certificate_without_a_name_and_before_the_end() -> None:
    dialog = PlaceDialog(fixture_catalog())
    dialog.command("start")
    dialog.agree()
    dialog.text("/chungnhan")
    assert "còn" in dialog.said and dialog.state.mode is Mode.MENU
    passed_everything(dialog)
    dialog.text("/chungnhan")
    dialog.tap("Không in tên")
    issued = [e for e in dialog.events if isinstance(e, CertificateIssued)]
    assert issued and issued[0].display_name == ""


def test_profile_survives_the_json_round_trip(dialog: PlaceDialog) -> None:
    dialog.text("ba dinh")
    dialog.tap("Người dân")
    restored = LearnerState.from_json(dialog.state.to_json())
    assert restored.profile == dialog.state.profile
