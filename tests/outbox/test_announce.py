"""`hocvuso announce` and `hocvuso outbox status|retry-dead`, run as an operator runs them,
against a running `hocvuso run` whose web chat learner sees the announcement on the next visit
(both databases)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from tests.conftest import BotProcess
from tests.web.test_webchat_http import Learner

STATUS = ["outbox", "status"]
TEXT = "Thông báo: Chủ nhật này có buổi hướng dẫn cài VNeID tại nhà văn hoá thôn."


async def session(learner: Learner) -> dict:  # type: ignore[type-arg]
    async with (
        aiohttp.ClientSession(cookie_jar=learner.jar) as http,
        http.get(f"{learner.base_url}/chat/api/session") as response,
    ):
        assert response.status == 200
        return await response.json()  # type: ignore[no-any-return]


def run_cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("HOCVUSO_DATABASE_URL", url)
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


async def test_a_web_chat_learner_sees_an_announcement_on_the_next_visit(
    bot_process: BotProcess,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    agreed, declined, newcomer = (Learner(bot_process.base_url) for _ in range(3))
    await agreed.say("/start")
    await agreed.tap("Đồng ý")
    await declined.say("/start")  # never agreed: never written to
    assert (await session(newcomer)) == {"returning": False, "messages": []}

    code, out, _ = await asyncio.to_thread(
        run_cli, ["announce", "--text", TEXT], capsys, monkeypatch, db_url
    )
    assert code == 0 and "queued 1 announcement message(s) everywhere;" in out
    code, out, _ = await asyncio.to_thread(
        run_cli, ["outbox", "status"], capsys, monkeypatch, db_url
    )
    assert code == 0
    header, webchat, legend = out.splitlines()
    assert header.split() == ["channel", "pending", "sending", "sent", "skipped", "dead", "window"]
    assert webchat.split() == ["webchat", "1", "0", "0", "0", "0", "0"]
    assert "reply window" in legend

    first = await session(agreed)
    assert first["returning"] is True
    assert [m["text"] for m in first["messages"]] == [TEXT]
    assert (await session(agreed))["messages"] == []  # shown once
    assert (await session(declined))["messages"] == []
    code, out, _ = await asyncio.to_thread(
        run_cli, ["outbox", "status"], capsys, monkeypatch, db_url
    )
    assert out.splitlines()[1].split() == ["webchat", "0", "0", "1", "0", "0", "0"]

    # Queueing a second announcement from a file, only for Telegram: nobody there.
    notice = tmp_path / "notice.txt"
    await asyncio.to_thread(notice.write_text, "Nội dung từ tệp", encoding="utf-8")
    code, out, _ = await asyncio.to_thread(
        run_cli,
        ["announce", "--file", str(notice), "--channel", "telegram"],
        capsys,
        monkeypatch,
        db_url,
    )
    assert code == 0 and "queued 0 announcement message(s) everywhere on telegram" in out
    code, out, _ = await asyncio.to_thread(
        run_cli, ["outbox", "retry-dead"], capsys, monkeypatch, db_url
    )
    assert code == 0 and "re-queued 0 dead message(s)" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["announce"], "exactly one of --text or --file"),
        (["announce", "--text", "a", "--file", "b"], "exactly one of --text or --file"),
        (["announce", "--text", "   "], "the announcement is empty"),
        (["announce", "--text", "x" * 4001], "keep it under 4000"),
        (["announce", "--file", "/nonexistent/notice.txt"], "cannot read /nonexistent/notice.txt"),
        (
            ["announce", "--text", "a", "--to", "commune", "99999"],
            "there is no commune with code 99999 in the admin-unit data",
        ),
        (
            ["announce", "--text", "a", "--to", "commune", "Không Có Xã Này"],
            "no commune or ward is called 'Không Có Xã Này'",
        ),
        (
            ["announce", "--text", "a", "--to", "province", "79", "--to", "commune", "4"],
            "Phường Ba Đình, Thành phố Hà Nội (00004) is not in Thành phố Hồ Chí Minh (79); "
            "a commune names its province",
        ),
        (
            ["announce", "--text", "a", "--to", "province", "99"],
            "there is no province '99' in the admin-unit data",
        ),
        (
            ["announce", "--text", "a", "--group", "farmers"],
            "there is no target group 'farmers'; give one of: pupils, residents, "
            "public_servants, enterprise_workers",
        ),
        (
            ["announce", "--text", "a", "--to", "village", "3"],
            "give --to all, --to province CODE or --to commune CODE",
        ),
        (["announce", "--text", "a", "--to", "commune"], "--to province CODE or --to commune"),
        (
            ["announce", "--text", "a", "--to", "all", "--to", "province", "01"],
            "--to all is everyone",
        ),
        (
            ["announce", "--text", "a", "--to", "commune", "4", "--to", "commune", "70"],
            "give --to commune only once",
        ),
        (["announce", "--text", "  ", "--dry-run"], "the announcement is empty"),
    ],
)
def test_announce_says_what_to_fix(
    args: list[str],
    says: str,
    sqlite_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = run_cli(args, capsys, monkeypatch, sqlite_url)
    assert code == 2 and says in err and not out


def test_outbox_commands_on_an_unmigrated_database_say_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for args in (["outbox", "status"], ["outbox", "retry-dead"], ["announce", "--text", "x"]):
        code, _out, err = run_cli(args, capsys, monkeypatch, url)
        assert code == 2 and "hocvuso db upgrade" in err
