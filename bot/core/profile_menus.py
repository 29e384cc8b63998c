"""The screens of the profile, reminder and certificate steps: their choices and their texts.

Kept apart from `choices`/`screens` (which call in here) because these steps read the place
index and the profile; like every screen, they follow from the state alone.
"""

from __future__ import annotations

from bot.core.place_names import place_name
from bot.core.resume import resume_label, resume_point
from bot.core.state import AgeBand, Mode, ReminderSlot, TargetGroup
from bot.core.turn import Turn
from bot.i18n import N_

PROFILE_MODES = frozenset(
    {
        Mode.PROFILE_PLACE,
        Mode.PROFILE_PICK,
        Mode.PROFILE_GROUP,
        Mode.PROFILE_AGE,
        Mode.PROFILE_REMINDER,
        Mode.PROFILE,
        Mode.REMINDERS,
        Mode.CERTIFICATE_NAME,
        Mode.COURSE_DONE,
    }
)

# Official group names, short enough for a button on a 360-pixel phone.
GROUP_LABELS = {
    TargetGroup.PUPILS: N_("Pupil or student"),
    TargetGroup.RESIDENTS: N_("Resident"),
    TargetGroup.PUBLIC_SERVANTS: N_("Civil servant or public employee"),
    TargetGroup.ENTERPRISE_WORKERS: N_("Worker in a company or cooperative"),
}
AGE_LABELS = {
    AgeBand.UNDER_16: N_("Under 16"),
    AgeBand.FROM_16_TO_35: N_("16 to 35"),
    AgeBand.FROM_36_TO_59: N_("36 to 59"),
    AgeBand.FROM_60: N_("60 or older"),
}
REMINDER_LABELS = {
    ReminderSlot.MORNING: N_("Morning (8:00)"),
    ReminderSlot.NOON: N_("Noon (12:00)"),
    ReminderSlot.EVENING: N_("Evening (19:00)"),
    ReminderSlot.OFF: N_("No reminders"),
}
# The official path to certification, which our own certificate is not.
NATIONAL_PLATFORM = "binhdanhocvuso.gov.vn"


def profile_choices(turn: Turn) -> list[tuple[str, str]]:
    """The (action, label) pairs of a profile, reminder or certificate screen."""
    _, state, catalog = turn._, turn.state, turn.ctx.catalog
    mode = state.mode
    skip = ("skip", _("Skip"))
    if mode is Mode.PROFILE_PLACE:
        found = []
        current = _current_commune(turn)
        if current is not None:
            # The commune already known (an ambassador's, for a learner they invited) is the
            # default: one tap keeps it.
            found.append((f"place.{state.profile.commune}", current))
        point = resume_point(state, catalog)
        if not state.profile.asked and point is not None:
            # An eager learner can start at once; the menu offers the questions again.
            found.append(("next_lesson", resume_label(point, turn.t)))
        found.append(("skip", _("I don't know / skip")))
        if state.place_province:
            found.append(("other_province", _("Another province")))
        if not state.profile.asked and not state.profile_editing:
            found.append(("skip_all", _("Skip these questions")))
        return found
    if mode is Mode.PROFILE_PICK:
        places = turn.ctx.places
        picks = []
        for code in state.place_hits:
            commune = places.commune(code)
            province = places.province(commune.province_code) if commune else None
            if commune is not None:
                where = f" ({province.short_name})" if province else ""
                picks.append((f"place.{code}", commune.name + where))
        return picks + [("retype", _("None of these: type again")), skip]
    if mode is Mode.PROFILE_GROUP:
        return [(f"group.{g.value}", _(label)) for g, label in GROUP_LABELS.items()] + [skip]
    if mode is Mode.PROFILE_AGE:
        return [(f"age.{a.value}", _(label)) for a, label in AGE_LABELS.items()] + [skip]
    if mode in (Mode.PROFILE_REMINDER, Mode.REMINDERS):
        found = [(f"remind.{r.value}", _(label)) for r, label in REMINDER_LABELS.items()]
        return found + ([("back", _("Back"))] if mode is Mode.REMINDERS else [])
    if mode is Mode.PROFILE:
        return [
            ("edit.place", _("Change commune")),
            ("edit.group", _("Change group")),
            ("edit.age", _("Change age band")),
            ("reminders", _("Change reminder time")),
            ("menu", _("Menu")),
        ]
    if mode is Mode.CERTIFICATE_NAME:
        return [("cert_noname", _("Print no name")), ("menu", _("Later"))]
    if mode is Mode.COURSE_DONE:
        found = [] if state.vneid_reported else [("vneid_done", _("I am certified on VNeID"))]
        return found + [("cert_rename", _("Change the name on it")), ("menu", _("Menu"))]
    return []


def profile_texts(turn: Turn, full: bool) -> list[str]:
    """The text of a profile, reminder or certificate screen (`full` after a move)."""
    _, state = turn._, turn.state
    mode = state.mode
    if mode is Mode.PROFILE_PLACE:
        province = turn.ctx.places.province(state.place_province)
        if province is not None:
            return [
                _("Province: {province}. Which commune or ward? Type its name.").format(
                    province=province.short_name
                )
            ]
        current = _current_commune(turn)
        if current is not None:
            return [
                _(
                    "Which commune or ward do you live in? Tap “{place}” if it is that one, "
                    "or type the name of another."
                ).format(place=current)
            ]
        if not full:
            return [_("Type the name of your commune or ward, or tap “I don't know / skip”.")]
        return [
            _(
                "Which commune or ward do you live in? Type its name, for example "
                "“Tân Phú, Đồng Nai” or “phuong Ba Dinh”. Accents are optional."
            )
        ]
    if mode is Mode.PROFILE_PICK:
        return [_("Several places have that name. Which one is yours?")]
    if mode is Mode.PROFILE_GROUP:
        return [_("Which group are you in?")]
    if mode is Mode.PROFILE_AGE:
        return [_("How old are you? Only the age band is kept.")]
    if mode is Mode.PROFILE_REMINDER:
        return [_("When would you like a short reminder to learn? At most one a day.")]
    if mode is Mode.REMINDERS:
        return [
            _("Reminders: {current}. Choose another time, or turn them off:").format(
                current=reminder_label(turn)
            )
        ]
    if mode is Mode.PROFILE:
        return [profile_summary(turn)]
    if mode is Mode.CERTIFICATE_NAME:
        return [
            _(
                "🎓 Which name should be printed on your certificate? Type it, for example "
                "“Nguyễn Văn An”. It is printed on the certificate only and kept nowhere else."
            )
            if full
            else _("Type the name for your certificate, or tap “Print no name”.")
        ]
    if mode is Mode.COURSE_DONE:
        return [
            _(
                "This certificate is from Học vụ số and shows what you learned here. The "
                "official certificate of the movement is given by the national platform "
                "{site}: sign in there with VNeID, take its course and test, and your result "
                "appears in VNeID. Ask your commune's digital team if you need help."
            ).format(site=NATIONAL_PLATFORM)
        ]
    return [_("What would you like to do?")]


def _current_commune(turn: Turn) -> str | None:
    """The commune the profile names already (with its province), while its question is asked
    without a province typed first; None when there is none."""
    state = turn.state
    if state.place_province is not None:
        return None
    return place_name(turn.ctx.places, state.profile.commune)


def profile_summary(turn: Turn) -> str:
    """The profile as the learner sees it with /hoso: what is kept, and nothing else."""
    _, profile, places = turn._, turn.state.profile, turn.ctx.places
    unknown = _("not given")
    commune = places.commune(profile.commune)
    province = places.province(profile.province)
    if commune is not None and province is not None:
        where = f"{commune.name}, {province.short_name}"
    elif province is not None:
        where = province.short_name
    else:
        where = unknown
    group = _(GROUP_LABELS[profile.group]) if profile.group else unknown
    age = _(AGE_LABELS[profile.age_band]) if profile.age_band else unknown
    return "\n".join(
        [
            _("👤 Your profile (no name, phone or ID number is kept):"),
            _("• Commune: {value}").format(value=where),
            _("• Group: {value}").format(value=group),
            _("• Age: {value}").format(value=age),
            _("• Reminders: {value}").format(value=reminder_label(turn)),
        ]
    )


def reminder_label(turn: Turn) -> str:
    """The learner's reminder setting in words (not chosen yet means evening)."""
    slot = turn.state.profile.reminder or ReminderSlot.EVENING
    return turn._(REMINDER_LABELS[slot])
