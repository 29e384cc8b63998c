"""Lesson pictures on Zalo OA: uploaded once (`/v2.0/oa/upload/image`), then sent as image
messages by their attachment id.

The render step cannot know the attachment id (the upload needs an access token and may be
days old when an outbox row is sent), so an image message is rendered with the picture's name
under `PICTURE` and an empty attachment id; `UploadedPictures.body` fills it in at send time.

How long Zalo keeps an uploaded image is not published (uploaded files expire after 7 days):
an id is reused for 6 days, then the picture is uploaded again. The ids live in the process:
each worker uploads each picture once per start and per 6 days, a few tens of kilobytes each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.channels.zalo_oa.client import MAX_IMAGE_BYTES
from bot.pictures import file_version, picture_file

log = logging.getLogger(__name__)

PICTURE = "picture"  # the payload key naming the lesson picture (never sent to Zalo)
REUSE = timedelta(days=6)

Upload = Callable[[bytes, str], Awaitable[str]]


def image_message(user_id: str, image: str, alt: str | None) -> dict[str, Any]:
    """The payload of an image message for lesson picture `image`, its alt text as caption."""
    message: dict[str, Any] = {
        "attachment": {
            "type": "template",
            "payload": {
                "template_type": "media",
                "elements": [{"media_type": "image", "attachment_id": ""}],
            },
        }
    }
    if alt:
        message["text"] = alt
    return {"recipient": {"user_id": user_id}, "message": message, PICTURE: image}


class UploadedPictures:
    """The attachment ids of the pictures this process uploaded, per file version."""

    def __init__(self, lessons_dir: Callable[[], Path], clock: Callable[[], datetime]) -> None:
        self.lessons_dir, self.clock = lessons_dir, clock
        self._ids: dict[tuple[Path, int, int], tuple[str, datetime]] = {}

    async def body(self, payload: dict[str, Any], upload: Upload) -> dict[str, Any] | None:
        """The message to send for `payload`: as it is, or for an image message with the
        attachment id filled in (uploading the picture if needed). For a picture that cannot
        be found or is too big, its caption alone (the alt text), or None: nothing to send.

        Raises:
            ZaloApiError, ZaloTransportError: as the upload does.
        """
        name = payload.get(PICTURE)
        if not isinstance(name, str):
            return payload
        body = {key: value for key, value in payload.items() if key != PICTURE}
        attachment = await self._attachment(name, upload)
        message = dict(body["message"])
        if attachment is None:
            text = message.get("text")
            return {**body, "message": {"text": "🖼 " + text}} if text else None
        element = {"media_type": "image", "attachment_id": attachment}
        message["attachment"] = {
            "type": "template",
            "payload": {"template_type": "media", "elements": [element]},
        }
        return {**body, "message": message}

    async def _attachment(self, name: str, upload: Upload) -> str | None:
        path = await asyncio.to_thread(picture_file, self.lessons_dir(), name)
        if path is None:
            return None
        key = await asyncio.to_thread(file_version, path)
        now = self.clock()
        known = self._ids.get(key)
        if known is not None and now - known[1] < REUSE:
            return known[0]
        content = await asyncio.to_thread(path.read_bytes)
        if len(content) > MAX_IMAGE_BYTES:
            log.error("zalo_oa: picture %s is over Zalo's 1 MB; sending its words", name)
            return None
        attachment = await upload(content, path.name)
        self._ids[key] = (attachment, now)
        return attachment


__all__ = ["PICTURE", "REUSE", "UploadedPictures", "image_message"]
