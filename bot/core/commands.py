"""Commands ("/menu", "/tiendo") and the typed words that work like them ("tien do").

Each command has Vietnamese and English names, typed with or without accents and underscores;
all map to the actions in `bot.core.actions`. Channels list `COMMANDS` to the platform.
"""

from __future__ import annotations

from bot.core.actions import act
from bot.core.ambassador_flow import AMBASSADOR_COMMANDS
from bot.core.consent import welcome_back
from bot.core.families import is_family_code
from bot.core.family_flow import FAMILY_COMMANDS, join_family
from bot.core.handbook_flow import ask_handbook
from bot.core.invite_flow import JOIN_COMMANDS, invite_typed, join, start_with_invite
from bot.core.link_flow import LINK_COMMANDS
from bot.core.navigation import unchanged
from bot.core.official_flow import ISSUE_COMMANDS, OFFICIAL_COMMANDS
from bot.core.outcome import Outcome
from bot.core.report_flow import REPORT_COMMANDS
from bot.core.turn import Turn
from bot.text import clean, fold

# Command name (folded, without "/") -> action.
COMMANDS = {
    "start": "start",
    "batdau": "start",
    "menu": "menu",
    "help": "help",
    "trogiup": "help",
    "giupdo": "help",
    "progress": "progress",
    "tiendo": "progress",
    "lang": "language",
    "language": "language",
    "ngonngu": "language",
    "delete": "erase",
    "xoadulieu": "erase",
    "xoa_du_lieu": "erase",
    "sotay": "handbook",
    "so_tay": "handbook",
    "handbook": "handbook",
    "hoidap": "handbook",
    "hoso": "profile",
    "profile": "profile",
    "nhacnho": "reminders",
    "reminders": "reminders",
    "chungnhan": "certificate",
    "certificate": "certificate",
    "ontap": "review",
    "on_tap": "review",
    "review": "review",
    **dict.fromkeys(LINK_COMMANDS, "link"),
    # Digital ambassadors (bot.core.ambassador_flow, bot.core.invite_flow).
    **dict.fromkeys(AMBASSADOR_COMMANDS, "ambassador_code"),
    **dict.fromkeys(JOIN_COMMANDS, "join"),
    # Officials (bot.core.official_flow): with a code or arguments the engine answers first.
    **dict.fromkeys(OFFICIAL_COMMANDS, "official_code"),
    **dict.fromkeys(ISSUE_COMMANDS, "issue_ambassador_code"),
    **dict.fromkeys(REPORT_COMMANDS, "official_report"),
    "moi": "invite",
    "invite": "invite",
    "danhsach": "roster",
    "danh_sach": "roster",
    "roster": "roster",
    "hoccung": "assisted",
    "hoc_cung": "assisted",
    "learn_together": "assisted",
    "tukiemtra": "selfcheck",
    "tu_kiem_tra": "selfcheck",
    "kiemtra": "selfcheck",
    "selfcheck": "selfcheck",
    **dict.fromkeys(FAMILY_COMMANDS, "family"),
    "thi": "contest",
    "cuocthi": "contest",
    "contest": "contest",
}
# Typed text (folded) that works like a command when it is no answer on screen.
KEYWORDS = {
    "menu": "menu",
    "help": "help",
    "giup": "help",
    "tro giup": "help",
    "giup do": "help",
    "tien do": "progress",
    "progress": "progress",
    "so tay": "handbook",
    "so tay hoi dap": "handbook",
    "hoi dap": "handbook",
    "ho so": "profile",
    "nhac nho": "reminders",
    "chung nhan": "certificate",
    "on tap": "review",
    "on lai": "review",
    "lien ket": "link",
    "tu kiem tra": "selfcheck",
    "gia dinh": "family",
    "gia dinh so": "family",
    # Typed "tiếp tục" goes on where the learner stopped (in a lesson, its button comes first).
    "tiep tuc": "next_lesson",
    "hoc tiep": "next_lesson",
}
# An unknown command is echoed back this long at most.
ECHO_CHARS = 32


def command(turn: Turn, name: str, args: tuple[str, ...]) -> Outcome:
    """Run a command; "/sotay <question>" asks the handbook straight away."""
    action = COMMANDS.get(fold(name).lstrip("/"))
    if action is None:
        return unchanged(
            turn,
            turn._(
                "I don't know the command /{name}. Try /menu to see the lessons or /help for help."
            ).format(name=clean(name)[:ECHO_CHARS]),
        )
    if action == "start":
        invite = invite_typed(turn.message)
        if invite is not None and is_family_code(invite[0]) and turn.state.consent:
            return join_family(turn, invite[0])
        if invite is not None:
            start_with_invite(turn, invite[0])
        return welcome_back(turn)
    if action in ("join", "family") and args and is_family_code("".join(args)):
        return join_family(turn, "".join(args))
    if action == "join":
        return join(turn, args)
    if action == "handbook" and args:
        return ask_handbook(turn, " ".join(args))
    return act(turn, action)
