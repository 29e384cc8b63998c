"""/chat/media/ serves lesson pictures and nothing else of `lessons/`; /favicon.ico exists."""

from __future__ import annotations

import shutil
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.channels.webchat.channel import WebChatChannel
from bot.content import load_catalog
from bot.service import ConversationService
from bot.web import build_app
from storage import Storage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "content"
PNG = bytes.fromhex("89504e470d0a1a0a")


async def test_only_pictures_are_served_from_the_lessons_folder(
    tmp_path: Path, sqlite_url: str
) -> None:
    lessons = tmp_path / "lessons"
    shutil.copytree(FIXTURES / "lessons", lessons)
    (lessons / "A" / "phone.png").write_bytes(PNG + b"picture")
    (tmp_path / "secret.png").write_bytes(PNG + b"outside")
    (lessons / "A" / "link.png").symlink_to(tmp_path / "secret.png")
    catalog = load_catalog(lessons, FIXTURES / "quizzes")
    storage = Storage.open(sqlite_url)
    service = ConversationService(storage, catalog)
    app = build_app(service, [WebChatChannel(service)])
    async with TestClient(TestServer(app)) as client:
        picture = await client.get("/chat/media/A/phone.png")
        assert picture.status == 200 and await picture.read() == PNG + b"picture"
        for path in (
            "/chat/media/modules.yaml",
            "/chat/media/A/A1.yaml",
            "/chat/media/A/link.png",  # a link out of the folder
            "/chat/media/../secret.png",
            "/chat/media/%2e%2e/secret.png",
            "/chat/media/A/missing.png",
        ):
            response = await client.get(path)
            assert response.status == 404, path
        icon = await client.get("/favicon.ico")
        assert icon.status == 200 and icon.content_type == "image/png"
        assert (await icon.read()).startswith(PNG)
    await storage.close()
