"""The family screens (`/giadinh`, Gia đình số): the family with each member's progress bar,
what joining shares, the alias and age questions, choosing the helper, leaving; their texts
and buttons.

Everything here reads the family the service loaded (`Context.family`). Members appear by the
alias they chose; a member under 16 is marked as not counted when the rule counts adults only.
"""

from __future__ import annotations

from bot.core.context import PublicLinks
from bot.core.families import Family, FamilyContext, FamilyMember, FamilyRule, counts
from bot.core.invite_links import invite_links
from bot.core.profile_menus import AGE_LABELS
from bot.core.progress_screens import bar
from bot.core.state import Mode
from bot.core.turn import Turn

FAMILY_MODES = frozenset(
    {
        Mode.FAMILY,
        Mode.FAMILY_JOIN,
        Mode.FAMILY_ALIAS,
        Mode.FAMILY_AGE,
        Mode.FAMILY_HELPER,
        Mode.FAMILY_LEAVE,
    }
)
NUDGE_PREFIX = "fnudge."
HELPER_PREFIX = "fhelper."
FAMILY_AGE_PREFIX = "fage."
BAR_WIDTH = 6
NEW = "new"  # `LearnerState.family_pending` while creating a family


def family_links(links: PublicLinks, code: str) -> list[str]:
    """The family's invite links: Telegram's and Messenger's when known, the web chat's."""
    return [link for _platform, link in invite_links(links, code)]


def rule_sentence(turn: Turn, *, age_question: bool = False) -> str:
    """When a family becomes a "Gia đình số", as this deployment's rule has it
    (`HOCVUSO_FAMILY_RULE`, carried by the loaded family context)."""
    found = turn.ctx.family
    if found is not None and found.rule is FamilyRule.EVERYONE:
        return turn._(
            "When every member, children too, has completed the course, your family becomes a "
            "“Gia đình số”."
        )
    sentence = turn._(
        "When everyone aged 16 or over has completed the course, your family becomes a "
        "“Gia đình số”."
    )
    return sentence + (" " + turn._("Younger children learn along.") if age_question else "")


def loaded(turn: Turn) -> FamilyContext | None:
    return turn.ctx.family


def my_family(turn: Turn) -> Family | None:
    found = turn.ctx.family
    return found.family if found is not None else None


def me(turn: Turn) -> FamilyMember | None:
    found = turn.ctx.family
    if found is None or found.family is None:
        return None
    return found.family.member(found.learner_id)


def nudgeable(turn: Turn) -> list[FamilyMember]:
    """The members the learner may nudge: as the helper, every other member still learning."""
    family, mine = my_family(turn), me(turn)
    if family is None or mine is None or not mine.helper:
        return []
    return [m for m in family.members if m is not mine and not m.complete]


def family_choices(turn: Turn) -> list[tuple[str, str]]:
    _, mode = turn._, turn.state.mode
    family = my_family(turn)
    if mode is Mode.FAMILY:
        if family is None:
            return [("family_new", _("Create a family")), ("menu", _("Menu"))]
        found = [
            (f"{NUDGE_PREFIX}{m.learner_id}", _("Nudge {alias}").format(alias=m.alias))
            for m in nudgeable(turn)
        ]
        return found + [
            ("family_helper", _("Choose the helper")),
            ("family_leave", _("Leave the family")),
            ("menu", _("Menu")),
        ]
    if mode is Mode.FAMILY_JOIN:
        return [("family_agree", _("I agree, join")), ("family_no", _("Not now"))]
    if mode is Mode.FAMILY_ALIAS:
        return [("family_no", _("Cancel"))]
    if mode is Mode.FAMILY_AGE:
        return [(f"{FAMILY_AGE_PREFIX}{a.value}", _(label)) for a, label in AGE_LABELS.items()]
    if mode is Mode.FAMILY_HELPER:
        members = family.members if family is not None else ()
        return [(f"{HELPER_PREFIX}{m.learner_id}", m.alias) for m in members] + [
            ("family", _("Back"))
        ]
    if mode is Mode.FAMILY_LEAVE:
        return [("family_leave_yes", _("Yes, leave")), ("family", _("No, stay"))]
    return []


def family_texts(turn: Turn, full: bool) -> list[str]:
    _, mode, state = turn._, turn.state.mode, turn.state
    if mode is Mode.FAMILY:
        return [_family_text(turn, full)]
    if mode is Mode.FAMILY_JOIN:
        return [join_notice(turn) if full else _("Do you agree to join this family?")]
    if mode is Mode.FAMILY_ALIAS:
        return [
            _(
                "What should your family call you here? Type a short name, for example "
                "“Bà Tư” or “Con Lan”: only your family sees it, no real name is needed."
            )
        ]
    if mode is Mode.FAMILY_AGE:
        return [
            _("Which age band are you in? {rule}").format(
                rule=rule_sentence(turn, age_question=True)
            )
        ]
    if mode is Mode.FAMILY_HELPER:
        return [
            _(
                "Who helps the others? The helper sees everyone's progress and can send a "
                "friendly nudge. Choose one member:"
            )
        ]
    if mode is Mode.FAMILY_LEAVE:
        return [
            _(
                "Leave the family? The others will no longer see your progress, and you will "
                "no longer see theirs. Your own lessons stay."
            )
        ]
    del state
    return [_("What would you like to do?")]


def join_notice(turn: Turn) -> str:
    """What joining a family shares, said plainly before the learner agrees."""
    _ = turn._
    found = turn.ctx.family
    invite = found.invite if found is not None else None
    helper = invite.helper if invite is not None else None
    head = (
        _("👨‍👩‍👧 You are invited to join a family on hocvuso (helper: {helper}).").format(
            helper=helper
        )
        if helper
        else _("👨‍👩‍👧 You are invited to join a family on hocvuso.")
    )
    return "\n".join(
        [
            head,
            _(
                "In a family, every member sees the others' lesson progress (a bar, how many "
                "lessons are done) under the short name each one chooses; the helper can send "
                "you a friendly reminder. Nothing else is shared: no phone number, no answers. "
                "You can leave at any time with /giadinh, and /xoadulieu deletes everything."
            ),
            _("Do you agree to join?"),
        ]
    )


def _member_line(turn: Turn, member: FamilyMember, total: int, rule_counts: bool) -> str:
    _ = turn._
    required = {lesson.id for lesson in turn.ctx.catalog.required_lessons}
    done = len(member.villager.passed & required)
    marks = []
    if member.helper:
        marks.append(_("helper"))
    if not rule_counts:
        marks.append(_("under 16, not counted"))
    tail = f" ({', '.join(marks)})" if marks else ""
    finished = " 🎓" if member.complete else ""
    return f"• {member.alias}{tail}: {bar(done, total, BAR_WIDTH)} {done}/{total}{finished}"


def _family_text(turn: Turn, full: bool) -> str:
    _ = turn._
    found = turn.ctx.family
    family = found.family if found is not None else None
    if found is None or family is None:
        return _(
            "👨‍👩‍👧 Gia đình số: learn together as a family. Create a family, invite your "
            "relatives with its code or link on any app, choose a helper who follows "
            "everyone's progress. {rule} It then gets a certificate.\n"
            "Did a relative give you a code? Type /giadinh followed by it."
        ).format(rule=rule_sentence(turn))
    total = len(turn.ctx.catalog.required_lessons)
    lines = [_("👨‍👩‍👧 Your family (code {code}):").format(code=family.code)]
    lines += [_member_line(turn, m, total, counts(m.age_band, found.rule)) for m in family.members]
    if family.digital:
        lines.append(_("🏅 Your family is a “Gia đình số”!"))
    if family.certificate:
        lines.append(
            _("Family certificate: {code}, check it at {link}").format(
                code=family.certificate,
                link=f"{turn.ctx.links.web.rstrip('/')}/verify/{family.certificate}",
            )
        )
    if not family.digital:
        counted = [m for m in family.members if counts(m.age_band, found.rule)]
        lines.append(
            _("{done} of {count} members who count have completed the course.").format(
                done=sum(m.complete for m in counted), count=len(counted)
            )
        )
    if family.helper is None:
        lines.append(_("Your family has no helper now: choose one."))
    if full:
        links = ", ".join(family_links(turn.ctx.links, family.code))
        lines.append(
            _("Invite a relative: they open {links} or type /giadinh {code} on any app.").format(
                links=links, code=family.code
            )
        )
    return "\n".join(lines)


__all__ = [
    "FAMILY_AGE_PREFIX",
    "FAMILY_MODES",
    "HELPER_PREFIX",
    "NEW",
    "NUDGE_PREFIX",
    "family_choices",
    "family_links",
    "family_texts",
    "join_notice",
    "loaded",
    "me",
    "my_family",
    "nudgeable",
]
