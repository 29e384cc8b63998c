"""The composition root: settings -> storage -> content -> service -> web server."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal

from aiohttp import web

from bot.channels.registry import build_channels
from bot.content import load_catalog
from bot.errors import ConfigurationError
from bot.maintenance import retention
from bot.places.data import load_places
from bot.reminders import ReminderJob, WeeklySummaryJob
from bot.scheduler import Scheduler
from bot.service import ConversationService, utc_now
from bot.settings import Settings
from bot.web import build_app
from storage import Storage, current_revision, head_revision

log = logging.getLogger(__name__)


def check_schema(settings: Settings) -> None:
    """Refuse to start on a database whose schema is older than the code.

    Raises:
        ConfigurationError: saying which command brings the schema up to date.
    """
    try:
        current = current_revision(settings.database_url)
    except Exception as exc:  # noqa: BLE001 - any driver error means the same to the operator
        raise ConfigurationError(
            f"Cannot open the database at HOCVUSO_DATABASE_URL ({exc.__class__.__name__}: {exc}). "
            "Check the URL and that the server is running."
        ) from exc
    head = head_revision()
    if current != head:
        raise ConfigurationError(
            f"The database schema is at {current or 'nothing (empty database)'}, the code needs "
            f"{head}. Run `hocvuso db upgrade` first (make run does it for you)."
        )


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run the bot until `stop` is set or the process gets SIGINT/SIGTERM."""
    check_schema(settings)
    catalog = load_catalog()
    storage = Storage.open(settings.database_url)
    service = ConversationService(
        storage,
        catalog,
        default_locale=settings.default_locale,
        zone=settings.zone,
        places=load_places(),
        public_url=settings.public_url,
    )
    channels = build_channels(settings, service)
    app = build_app(service, channels, public_url=settings.public_url)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    started = []
    try:
        for channel in channels:
            await channel.start()
            started.append(channel)
            log.info("channel %s is on", channel.name)
    except BaseException:
        for channel in reversed(started):
            await channel.stop()
        await runner.cleanup()
        await storage.close()
        raise
    scheduler = Scheduler(
        storage, zone=settings.zone, retention=retention(settings), clock=utc_now
    )
    scheduler.add_channels(started)
    reminders = ReminderJob(
        storage,
        catalog,
        zone=settings.zone,
        clock=utc_now,
        default_locale=settings.default_locale,
        channels=[channel.name for channel in started],
    )
    weekly = WeeklySummaryJob(
        storage,
        catalog,
        zone=settings.zone,
        clock=utc_now,
        default_locale=settings.default_locale,
        channels=[channel.name for channel in started],
    )
    scheduler.add_jobs([reminders.periodic(), weekly.periodic()])
    scheduler.start()
    # Content, settings and libraries loaded at start-up live as long as the process: moving
    # them out of the collector's reach saved about a fifth of the CPU per update
    # (docs/performance.md).
    gc.collect()
    gc.freeze()
    log.info(
        "hocvuso is running: web chat at http://%s:%s/ (content %s, %d lessons)",
        settings.http_host,
        settings.http_port,
        catalog.version,
        len(catalog.lessons),
    )
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await scheduler.shutdown()
        for channel in reversed(started):
            await channel.stop()
        await runner.cleanup()
        await storage.close()
        log.info("hocvuso stopped")
