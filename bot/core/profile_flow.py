"""The profile: commune, target group, age band and reminder time, asked once after consent
(about a minute, every question skippable) and changed with /hoso; /nhacnho for reminders.

Nothing else about the person is asked: no name, birth date, phone, ethnicity or ID number.
"""

from __future__ import annotations

from bot.core.navigation import back_from_detour, detour, go
from bot.core.outcome import Outcome
from bot.core.profile_menus import reminder_label
from bot.core.selfcheck import selfcheck_due
from bot.core.state import AgeBand, Mode, ReminderSlot, TargetGroup
from bot.core.turn import Turn

# The order of the questions; each answer moves to the next one.
CHAIN = (Mode.PROFILE_PLACE, Mode.PROFILE_GROUP, Mode.PROFILE_AGE, Mode.PROFILE_REMINDER)


def start_profile(turn: Turn, opening: str = "") -> None:
    """The questions after consent: the commune first. `opening` goes in the same bubble."""
    intro = turn._(
        "Four short questions help your commune count who has learned (anonymously, "
        "about one minute). You can skip any of them."
    )
    turn.say(f"{opening} {intro}".strip())
    turn.state.place_province, turn.state.place_hits = None, []
    go(turn, Mode.PROFILE_PLACE)


def skip_all(turn: Turn) -> None:
    """No profile: every answer stays unknown, and the questions are not offered again."""
    turn.state.profile.asked = True
    turn.state.place_province, turn.state.place_hits = None, []
    turn.say(turn._("No problem. You can answer them later with /hoso."))
    _start_learning(turn)


def show_profile(turn: Turn) -> None:
    """/hoso: what is kept about the learner, with buttons to change each part."""
    turn.state.profile_editing = False
    go(turn, Mode.PROFILE)


def edit(turn: Turn, part: str) -> None:
    """Change one part of the profile from /hoso, then come back to it."""
    target = {"place": Mode.PROFILE_PLACE, "group": Mode.PROFILE_GROUP, "age": Mode.PROFILE_AGE}
    turn.state.profile_editing = True
    turn.state.place_province, turn.state.place_hits = None, []
    go(turn, target.get(part, Mode.PROFILE))


def reminders(turn: Turn) -> None:
    """/nhacnho: the reminder time, or none."""
    detour(turn, Mode.REMINDERS)


def type_place(turn: Turn, text: str) -> Outcome:
    """A commune (or province) name typed at the commune question: search the place index."""
    state, places = turn.state, turn.ctx.places
    found = places.search(text, province=state.place_province, limit=5)
    if found.unknown:  # "không biết", "bỏ qua": the place search knows these words
        choose(turn, "skip")
        return turn.outcome()
    if found.named and found.province is not None and not found.communes:
        state.place_province = found.province.code
        go(turn, Mode.PROFILE_PLACE)
        return turn.outcome()
    if found.total == 1 or found.exact == 1:
        _keep_commune(turn, found.communes[0].code)
        return turn.outcome()
    if found.communes:
        state.place_hits = [commune.code for commune in found.communes]
        if found.total > len(found.communes):
            turn.say(
                turn._(
                    "I found {total} places with that name; here are the first {shown}. Add "
                    "the province to narrow it down, for example “Tân Phú, Đồng Nai”."
                ).format(
                    total=turn.t.number(found.total), shown=turn.t.number(len(found.communes))
                )
            )
        go(turn, Mode.PROFILE_PICK)
        return turn.outcome()
    turn.say(
        turn._(
            "I could not find “{text}”. Please check the name and type it again, maybe with "
            "the province, or tap “I don't know / skip”."
        ).format(text=text[:60])
    )
    go(turn, Mode.PROFILE_PLACE)
    return turn.outcome()


def choose(turn: Turn, action: str) -> None:
    """A profile button: a commune picked, a group, an age band, a reminder time, or skip."""
    state, profile = turn.state, turn.state.profile
    name, _, value = action.partition(".")
    if name == "place":
        _keep_commune(turn, value)
        return
    if name == "retype":
        state.place_hits = []
        go(turn, Mode.PROFILE_PLACE)
        return
    if name == "other_province":
        state.place_province, state.place_hits = None, []
        go(turn, Mode.PROFILE_PLACE)
        return
    if name == "group" and value in set(TargetGroup):
        profile.group = TargetGroup(value)
    elif name == "age" and value in set(AgeBand):
        profile.age_band = AgeBand(value)
        if profile.age_band is AgeBand.UNDER_16:
            turn.say(
                turn._(
                    "Because you are under 16, please ask a parent or guardian to read the "
                    "privacy note with you (/trogiup). You can delete your data at any time "
                    "with /xoadulieu."
                )
            )
    elif name == "remind" and value in set(ReminderSlot):
        profile.reminder = ReminderSlot(value)
        if state.mode is Mode.REMINDERS:
            turn.say(turn._("Saved. Reminders: {value}.").format(value=reminder_label(turn)))
            back_from_detour(turn)
            return
    elif name == "skip" and state.mode is Mode.PROFILE_PLACE:
        state.place_province, state.place_hits = None, []
    _next_question(turn)


def _keep_commune(turn: Turn, code: str) -> None:
    places, profile = turn.ctx.places, turn.state.profile
    commune = places.commune(code)
    if commune is None:
        go(turn, Mode.PROFILE_PLACE)
        return
    province = places.province(commune.province_code)
    profile.commune, profile.province = commune.code, commune.province_code
    profile.admin_version = places.version
    turn.state.place_province, turn.state.place_hits = None, []
    where = f"{commune.name}, {province.short_name}" if province else commune.name
    turn.say(turn._("Noted: {place}.").format(place=where))
    _next_question(turn)


def _next_question(turn: Turn) -> None:
    """The next profile question, or the end: the menu (or /hoso when one part was changed)."""
    state = turn.state
    if state.profile_editing:
        state.profile_editing = False
        go(turn, Mode.PROFILE)
        return
    mode = Mode.PROFILE_PLACE if state.mode is Mode.PROFILE_PICK else state.mode
    position = CHAIN.index(mode) if mode in CHAIN else len(CHAIN) - 1
    if position + 1 < len(CHAIN):
        go(turn, CHAIN[position + 1])
        return
    state.profile.asked = True
    turn.say(
        turn._(
            "Thank you! You can see or change these answers at any time with /hoso. Let's learn!"
        )
    )
    _start_learning(turn)


def _start_learning(turn: Turn) -> None:
    """After the profile questions: the self-check offer for a learner just starting, else
    the menu."""
    due = selfcheck_due(turn.state, turn.ctx.catalog)
    go(turn, Mode.SELFCHECK_OFFER if due else Mode.MENU)
