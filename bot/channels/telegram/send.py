"""Replies out to Telegram: rendered once per distinct reply, sent in order, resumed after the
last message Telegram accepted when an update is retried.

Messages go through `ChannelBot.send_text`, which does not parse Telegram's answers into PTB
objects (docs/performance.md); pictures are uploaded once and then sent by their file id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from telegram import InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden

from bot.certificate import CertificateFiles
from bot.certificate.media import Kind
from bot.channels.telegram.adapter import CHANNEL
from bot.channels.telegram.client import ChannelBot
from bot.channels.telegram.render import (
    EMPTY_TEXT,
    MAX_BUTTONS,
    MAX_CALLBACK_BYTES,
    Outgoing,
    render,
)
from bot.core import Reply
from bot.invites import InviteQr
from bot.pictures import file_version
from bot.reports.web import ReportCharts
from storage import Storage

log = logging.getLogger(__name__)

_RENDERED = 4096  # distinct replies kept rendered (forgotten all at once when full)


class Progress(Protocol):
    """How far the replies of one update got (kept across its retries)."""

    key: str
    sent: int  # messages Telegram has accepted


def _renders_whole(reply: Reply) -> bool:
    """Every choice becomes a button (`keyboard_for` leaves none out, logs nothing)."""
    return len(reply.choices) <= MAX_BUTTONS and all(
        len(choice.id.encode("utf-8")) <= MAX_CALLBACK_BYTES for choice in reply.choices
    )


class Sender:
    """Sends replies to Telegram chats.

    Args:
        bot: the channel's bot.
        storage: where a learner who blocked the bot is marked unreachable.
        media_root: the folder reply pictures are relative to.
        clock: the current time (UTC).
        certificates: where certificates sent in chat are read and rendered (None: not sent).
        public_url: the server's public address, where certificates' and invites' QR codes
            point.
        invites: where ambassadors' invites are looked up and their QR codes drawn (default:
            in `storage`).
        charts: where `/baocao`'s charts are drawn (None: not sent; the text has the link).
    """

    def __init__(
        self,
        bot: ChannelBot,
        storage: Storage,
        media_root: Path,
        clock: Callable[[], datetime],
        *,
        certificates: CertificateFiles | None = None,
        public_url: str = "",
        invites: InviteQr | None = None,
        charts: ReportCharts | None = None,
    ) -> None:
        self.bot, self.storage, self.media_root, self.clock = bot, storage, media_root, clock
        self.certificates, self.public_url = certificates, public_url
        self.invites = invites or InviteQr(storage)
        self.charts = charts
        self._photo_ids: dict[tuple[Path, int, int], str] = {}
        self._rendered: dict[Reply, list[Outgoing]] = {}

    async def deliver(
        self, chat_id: int, user_ref: str, replies: tuple[Reply, ...], progress: Progress
    ) -> None:
        """Send the replies in order, resuming after the last message Telegram accepted.

        Raises:
            NetworkError: Telegram could not be reached; `progress` says what went out.
        """
        units = [unit for reply in replies for unit in self.render(reply)]
        while progress.sent < len(units):
            try:
                await self.send(chat_id, units[progress.sent])
            except Forbidden as exc:
                log.info("telegram: learner unreachable (%s); replies dropped", exc)
                await self.storage.identities.mark_unreachable(
                    CHANNEL, user_ref, "blocked", self.clock()
                )
                progress.sent = len(units)
                return
            except BadRequest as exc:
                # Permanent for this message (e.g. chat not found); the others may still go.
                log.error("telegram: a reply for update %s was refused: %s", progress.key, exc)
            progress.sent += 1

    def render(self, reply: Reply) -> list[Outgoing]:
        """`render(reply)`, remembered: most replies (prompts, lesson bubbles) go out the same to
        many learners. Not remembered: replies with a picture (whose file is looked up each time)
        and replies that `render` has to cut buttons from (so it logs that every time)."""
        units = self._rendered.get(reply)
        if units is not None:
            return units
        units = render(reply, self.media_root)
        if not reply.image and _renders_whole(reply):
            if len(self._rendered) >= _RENDERED:
                self._rendered.clear()
            self._rendered[reply] = units
        return units

    async def send(self, chat_id: int, unit: Outgoing) -> None:
        """One message: a text (with its keyboard), a picture, or a certificate's file.

        Raises:
            TelegramError: as the Bot API call does.
            StorageError: a certificate could not be read.
        """
        if unit.certificate is not None:
            await self._send_certificate(chat_id, *unit.certificate)
            return
        if unit.chart is not None:
            await self._send_chart(chat_id, unit.chart)
            return
        if unit.invite is not None:
            await self._send_invite(chat_id, unit.invite)
            return
        if unit.photo is None:
            await self.bot.send_text(chat_id, unit.text or EMPTY_TEXT, unit.keyboard)
            return
        await self._send_picture(chat_id, unit.photo, unit.text, unit.keyboard)

    async def _send_picture(
        self,
        chat_id: int,
        path: Path,
        caption: str | None,
        keyboard: InlineKeyboardMarkup | None,
    ) -> None:
        """A lesson picture: uploaded the first time, then sent by the file id Telegram gave
        it. The ids live in this process only: Telegram keeps them valid for the bot, a picture
        is a few tens of kilobytes, so each worker uploads each picture once per start (a
        handful of uploads) rather than the database holding a cache every worker must keep
        consistent. A changed file (another size or time) is uploaded again."""
        key = await asyncio.to_thread(file_version, path)
        cached = self._photo_ids.get(key)
        if cached is not None:
            try:
                await self.bot.send_photo(chat_id, cached, caption=caption, reply_markup=keyboard)
                return
            except BadRequest as exc:  # an id Telegram no longer knows: upload again
                log.warning("telegram: the file id of %s was refused (%s)", path.name, exc)
                self._photo_ids.pop(key, None)
        content = await asyncio.to_thread(path.read_bytes)
        sent = await self.bot.send_photo(
            chat_id,
            InputFile(content, filename=path.name),
            caption=caption,
            reply_markup=keyboard,
        )
        if sent.photo:
            self._photo_ids[key] = sent.photo[-1].file_id

    async def _send_chart(self, chat_id: int, secret: str) -> None:
        """An official's `/baocao` chart, drawn now, as a photo (the text after it has the link
        too, so a chart that cannot be drawn loses nothing)."""
        content = None if self.charts is None else await self.charts.png(secret)
        if content is None:
            log.warning("telegram: a report chart could not be drawn; its link is in the text")
            return
        await self.bot.send_photo(chat_id, InputFile(content, filename="hocvuso-baocao.png"))

    async def _send_invite(self, chat_id: int, code: str) -> None:
        """The QR code of an ambassador's invite, as a photo (drawn each time: it is small)."""
        content = await self.invites.png(code, self.public_url)
        if content is None:
            log.warning("telegram: invite %s not found; its QR code is not sent", code)
            return
        await self.bot.send_photo(chat_id, InputFile(content, filename=f"hocvuso-moi-{code}.png"))

    async def _send_certificate(self, chat_id: int, code: str, kind: Kind) -> None:
        """The certificate's picture as a photo, or its PDF as a document (uploaded: each
        certificate is sent once, so there is no file id worth keeping)."""
        found = None
        if self.certificates is not None:
            found = await self.certificates.file(code, kind, self.public_url)
        if found is None:
            log.warning("telegram: certificate %s not found; its %s is not sent", code, kind)
            return
        upload = InputFile(found.content, filename=found.filename)
        if kind == "png":
            await self.bot.send_photo(chat_id, upload)
        else:
            await self.bot.send_document(chat_id, upload)


__all__ = ["Progress", "Sender"]
