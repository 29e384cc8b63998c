"""Lesson pictures on Zalo OA: uploaded once (`/v2.0/oa/upload/image`), then sent as image
messages by their attachment id.

The render step cannot know the attachment id (the upload needs an access token and may be
days old when an outbox row is sent), so an image message is rendered with the picture's name
under `PICTURE` and an empty attachment id; `ZaloPictures.body` fills it in at send time.

How long Zalo keeps an uploaded image is not published (uploaded files expire after 7 days):
an id is reused for 6 days, then the picture is uploaded again (`bot.channels.pictures`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.channels.pictures import PICTURE_MARK, Upload, UploadedPictures
from bot.channels.zalo_oa.client import MAX_IMAGE_BYTES

PICTURE = "picture"  # the payload key naming the lesson picture (never sent to Zalo)
REUSE = timedelta(days=6)


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


class ZaloPictures:
    """Image messages completed with the attachment id of an uploaded lesson picture."""

    def __init__(self, lessons_dir: Callable[[], Path], clock: Callable[[], datetime]) -> None:
        self.uploads = UploadedPictures(
            lessons_dir, clock, reuse=REUSE, max_bytes=MAX_IMAGE_BYTES, channel="zalo_oa"
        )

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
        attachment = await self.uploads.attachment(name, upload)
        message = dict(body["message"])
        if attachment is None:
            text = message.get("text")
            return {**body, "message": {"text": PICTURE_MARK + text}} if text else None
        element = {"media_type": "image", "attachment_id": attachment}
        message["attachment"] = {
            "type": "template",
            "payload": {"template_type": "media", "elements": [element]},
        }
        return {**body, "message": message}


__all__ = ["PICTURE", "REUSE", "ZaloPictures", "image_message"]
