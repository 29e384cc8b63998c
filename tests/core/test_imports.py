"""The core imports only types and content models: no settings, loaders, storage or network.

Run in a fresh interpreter, so modules the test session already imported do not hide anything.
The import-linter contracts in pyproject.toml check the same statically; this checks what
really gets loaded, through package `__init__` files too.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

FORBIDDEN_PACKAGES = ("pydantic_settings", "yaml", "sqlalchemy", "aiohttp", "telegram", "storage")
FORBIDDEN_MODULES = ("bot.settings", "bot.content")

SCRIPT = """
import json, sys
import bot.core
bot.core.handle  # the engine loads on first use
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(script: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules: list[str] = json.loads(done.stdout)
    return modules


def forbidden(modules: list[str]) -> list[str]:
    return [
        name
        for name in modules
        if name.split(".")[0] in FORBIDDEN_PACKAGES or name in FORBIDDEN_MODULES
    ]


def test_importing_the_core_loads_no_settings_loader_storage_or_network() -> None:
    modules = loaded_by(SCRIPT)
    assert "bot.core.engine" in modules
    assert forbidden(modules) == []


def test_the_check_itself_sees_a_forbidden_import() -> None:
    modules = loaded_by(SCRIPT.replace("import bot.core", "import bot.core, bot.content"))
    assert {"bot.content", "yaml"} <= set(forbidden(modules))


def test_importing_storage_loads_core_types_but_not_the_engine() -> None:
    modules = loaded_by("import json, sys, storage; print(json.dumps(sorted(sys.modules)))")
    assert "bot.core.state" in modules and "bot.core.events" in modules
    engine = [m for m in modules if m in ("bot.core.engine", "bot.core.commands")]
    outer = [m for m in modules if m.startswith(("bot.channels", "bot.service", "bot.content"))]
    libraries = [m for m in modules if m.split(".")[0] in ("yaml", "pydantic_settings", "aiohttp")]
    assert engine == [] and outer == [] and libraries == []
