"""Project-wide checks: catalogs current and translated, import layers, settings, the CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import bot
from bot.cli import main
from bot.errors import ConfigurationError
from bot.settings import load_settings
from tests.conftest import ROOT

LOCALES = ROOT / "locales"


def code_msgids() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "bot"),
        method_map=[("**.py", "python")],
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    )
    return {
        message for _file, _line, message, _comments, _ctx in found if isinstance(message, str)
    }


def catalog_ids(path: Path) -> dict[str, str]:
    """msgid -> msgstr; a fuzzy (guessed by `pybabel update`) translation counts as missing."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: "" if m.fuzzy else m.string for m in catalog if m.id and isinstance(m.id, str)}


def test_bot_is_this_repository() -> None:
    assert Path(bot.__file__).resolve().is_relative_to(ROOT)


def test_every_interface_string_is_in_the_catalogs_and_translated_to_vietnamese() -> None:
    in_code = code_msgids()
    assert len(in_code) > 50
    template = set(catalog_ids(LOCALES / "messages.pot"))
    missing = sorted(in_code - template)
    assert not missing, f"run `make i18n-update` and translate: {missing}"
    vi = catalog_ids(LOCALES / "vi" / "LC_MESSAGES" / "messages.po")
    untranslated = sorted(msgid for msgid in in_code if not vi.get(msgid))
    assert not untranslated, f"translate in locales/vi/LC_MESSAGES/messages.po: {untranslated}"
    assert set(catalog_ids(LOCALES / "en" / "LC_MESSAGES" / "messages.po")) >= in_code


def test_vietnamese_translations_keep_their_placeholders() -> None:
    vi = catalog_ids(LOCALES / "vi" / "LC_MESSAGES" / "messages.po")
    import re

    for msgid, msgstr in vi.items():
        if msgstr:
            assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", msgstr)), msgid


@pytest.mark.parametrize("package", ["lessons", "quizzes"])
def test_content_packages_do_not_import_the_application(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("bot", "storage")), f"{path}: imports {name}"


def test_settings_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOCVUSO_DATABASE_URL", "HOCVUSO_HTTP_PORT", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite:///var/hocvuso.db"
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)
    assert settings.timezone == "Asia/Ho_Chi_Minh" and settings.default_locale == "vi"


@pytest.mark.parametrize(
    ("name", "value", "hint"),
    [
        ("HOCVUSO_HTTP_PORT", "tám nghìn", "HOCVUSO_HTTP_PORT"),
        ("HOCVUSO_TIMEZONE", "Asia/Hanoi_City", "Asia/Ho_Chi_Minh"),
        ("HOCVUSO_DEFAULT_LOCALE", "fr", "vi, en"),
        ("HOCVUSO_DATABASE_URL", "mysql://x", "postgresql+psycopg://"),
        ("TELEGRAM_WEBHOOK_URL", "https://example.vn/telegram/webhook", "TELEGRAM_WEBHOOK_SECRET"),
        ("ZALO_OA_APP_ID", "123", "ZALO_OA_SECRET_KEY"),
    ],
)
def test_bad_settings_say_what_to_fix(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, hint: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as caught:
        load_settings(_env_file=None)
    assert hint in str(caught.value)


def test_cli_reports_bad_configuration_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("HOCVUSO_HTTP_PORT", "99999")
    assert main(["db", "current"]) == 2
    assert "HOCVUSO_HTTP_PORT" in capsys.readouterr().err


def test_cli_content_check_passes_on_shipped_content(capsys) -> None:
    assert main(["content", "check"]) == 0
    assert "content OK" in capsys.readouterr().out


def test_run_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    env = {"HOCVUSO_DATABASE_URL": f"sqlite:///{tmp_path}/empty.db", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "hocvuso db upgrade" in result.stderr


def test_every_command_has_help() -> None:
    for argv in (
        ["--help"],
        ["run", "--help"],
        ["db", "upgrade", "--help"],
        ["db", "prune", "--help"],
        ["content", "check", "--help"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "bot", *argv],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0 and "usage:" in result.stdout


def test_no_module_is_over_500_lines() -> None:
    """Small modules, one concept each (migrations aside: Alembic writes them)."""
    too_long = {
        str(path.relative_to(ROOT)): lines
        for package in ("bot", "storage", "lessons", "quizzes")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert too_long == {}
