"""Lesson pictures on the channels that upload them: which reply pictures are lesson pictures
(files under `lessons/`), and the ids the platform gave the ones this process uploaded.

Certificates, invites and report charts are drawn by each channel itself; a lesson picture is a
file, uploaded once (Zalo OA: `/v2.0/oa/upload/image`; Messenger: the Attachment Upload API)
and then sent by the id the platform returned. The ids live in the process: each worker uploads
each picture once per start (and, where the platform forgets uploads, once per `reuse`), a few
tens of kilobytes each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.certificate.media import certificate_code
from bot.invites.media import invite_code
from bot.pictures import file_version, picture_file
from bot.reports.media import chart_secret

log = logging.getLogger(__name__)

Upload = Callable[[bytes, str], Awaitable[str]]
PICTURE_MARK = "🖼 "  # opens a picture told in words (its alt text) where it cannot be shown


def lesson_picture(image: str | None) -> str | None:
    """`image` when it names a picture under lessons/ (not a certificate, an invite or a
    report chart, which the channels draw themselves), else None."""
    if not image or certificate_code(image) or invite_code(image):
        return None
    return None if chart_secret(image) is not None else image


class UploadedPictures:
    """The platform's ids of the lesson pictures this process uploaded, per file version.

    Args:
        lessons_dir: where the lesson pictures are (the loaded catalog's folder).
        clock: the current time.
        reuse: how long the platform keeps an upload (None: for good).
        max_bytes: the largest picture the platform takes.
        channel: the channel's name, for the logs.
    """

    def __init__(
        self,
        lessons_dir: Callable[[], Path],
        clock: Callable[[], datetime],
        *,
        reuse: timedelta | None,
        max_bytes: int,
        channel: str,
    ) -> None:
        self.lessons_dir, self.clock = lessons_dir, clock
        self.reuse, self.max_bytes, self.channel = reuse, max_bytes, channel
        self._ids: dict[tuple[Path, int, int], tuple[str, datetime]] = {}

    async def attachment(self, name: str, upload: Upload) -> str | None:
        """The id to send lesson picture `name` by, uploading it (`upload(content, filename)`)
        unless this process did already; None when the picture cannot be found or is too big
        (the caller sends its words instead).

        Raises:
            Whatever `upload` raises (the platform's errors).
        """
        path = await asyncio.to_thread(picture_file, self.lessons_dir(), name)
        if path is None:
            return None
        key = await asyncio.to_thread(file_version, path)
        now = self.clock()
        known = self._ids.get(key)
        if known is not None and (self.reuse is None or now - known[1] < self.reuse):
            return known[0]
        content = await asyncio.to_thread(path.read_bytes)
        if len(content) > self.max_bytes:
            log.error(
                "%s: picture %s is over the platform's %d bytes; sending its words",
                self.channel,
                name,
                self.max_bytes,
            )
            return None
        attachment = await upload(content, path.name)
        self._ids[key] = (attachment, now)
        return attachment


__all__ = ["PICTURE_MARK", "Upload", "UploadedPictures", "lesson_picture"]
