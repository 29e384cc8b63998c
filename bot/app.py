"""The composition root: settings -> storage -> content -> service -> web server."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import logging
import signal

from aiohttp import web

from bot.channels.base import PeriodicJob
from bot.channels.registry import build_channels
from bot.content import load_catalog
from bot.contests.job import ContestResultsJob
from bot.dashboard.first_run import first_run
from bot.errors import StorageError
from bot.i18n import translator
from bot.maintenance import retention
from bot.pictures import render_pictures
from bot.places.data import load_places
from bot.reminders import ReminderJob, WeeklySummaryJob
from bot.reports.delivery import SnapshotDelivery
from bot.reports.push import DailySnapshot
from bot.reports.source import province_snapshot
from bot.reports.xapi import JOB as XAPI_JOB
from bot.reports.xapi import XAPI_CHANNEL, XapiDelivery, XapiJob
from bot.scheduler import Scheduler
from bot.service import ConversationService, utc_now
from bot.settings import Settings
from bot.startup import check_database, listen
from bot.web import Readiness, build_app
from storage import Storage

log = logging.getLogger(__name__)


async def tell_about_dashboard(storage: Storage, settings: Settings) -> None:
    """On a database with no administrator, create one and print its one-time sign-in link;
    otherwise, when no administrator has a way in, print how to get one (bot.dashboard)."""
    try:
        lines = await first_run(storage, public_url=settings.public_url, now=utc_now())
    except StorageError:
        log.exception("the officials' dashboard: could not check for an administrator")
        return
    if lines:
        # The link goes to standard output only: logs may be kept or shipped elsewhere.
        log.info("the officials' dashboard: see the lines printed below")
        print("\n".join(lines), flush=True)


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run the bot until `stop` is set or the process gets SIGINT/SIGTERM."""
    check_database(settings)
    catalog = load_catalog()
    if not settings.selfcheck:
        catalog = dataclasses.replace(catalog, selfcheck=None)
    render_pictures(catalog.lessons_dir)
    storage = Storage.open(settings.database_url)
    service = ConversationService(
        storage,
        catalog,
        default_locale=settings.default_locale,
        address_form=settings.address_form,
        zone=settings.zone,
        places=load_places(),
        public_url=settings.public_url,
        family_rule=settings.family_rule,
    )
    channels = build_channels(settings, service)
    readiness = Readiness(ready=False)
    app = build_app(
        service,
        channels,
        public_url=settings.public_url,
        trusted_proxies=settings.trusted_proxies,
        readiness=readiness,
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await listen(runner, settings)
    except BaseException:
        await runner.cleanup()
        await storage.close()
        raise
    started = []
    try:
        for channel in channels:
            await channel.start()
            started.append(channel)
    except BaseException:
        for channel in reversed(started):
            await channel.stop()
        await runner.cleanup()
        await storage.close()
        raise
    # Only once all are on: a channel that cannot start leaves its one error line alone.
    for channel in started:
        log.info("channel %s is on", channel.name)
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
        address_form=settings.address_form,
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
    results = ContestResultsJob(
        storage,
        places=service.places,
        tr=translator(settings.default_locale, settings.default_locale, settings.address_form),
        zone=settings.zone,
        clock=utc_now,
    )
    scheduler.add_jobs([reminders.periodic(), weekly.periodic(), results.periodic()])
    deliveries = [
        report_push(scheduler, storage, settings),
        xapi_sink(scheduler, storage, settings),
    ]
    scheduler.start()
    # Before ready: whoever waits for /readyz (an operator, a test) finds the link printed.
    await tell_about_dashboard(storage, settings)
    readiness.started()
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
        for delivery in deliveries:
            if delivery is not None:
                await delivery.close()
        for channel in reversed(started):
            await channel.stop()
        await runner.cleanup()
        await storage.close()
        log.info("hocvuso stopped")


def report_push(
    scheduler: Scheduler, storage: Storage, settings: Settings
) -> SnapshotDelivery | None:
    """Schedule the push of the officials' summary when HOCVUSO_REPORT_URL is set; returns
    its delivery (closed at shutdown), or None."""
    push = settings.report_push
    if push is None:
        log.info("report push: off (set HOCVUSO_REPORT_URL to turn it on)")
        return None
    daily = DailySnapshot(
        storage,
        province_snapshot(storage, settings),
        at=push.at,
        zone=settings.zone,
        clock=utc_now,
    )
    delivery = SnapshotDelivery(storage, push, clock=utc_now)
    scheduler.add_report_push(daily, delivery)
    log.info(
        "report push: to %s (%s) daily at %s %s",
        push.url,
        push.auth.value,
        push.at.strftime("%H:%M"),
        settings.zone.key,
    )
    return delivery


def xapi_sink(scheduler: Scheduler, storage: Storage, settings: Settings) -> XapiDelivery | None:
    """Send completion statements to the LRS when HOCVUSO_XAPI_URL is set; returns the
    delivery (closed at shutdown), or None."""
    url, user, password = settings.xapi_url, settings.xapi_username, settings.xapi_password
    if url is None or user is None or password is None:
        return None
    job = XapiJob(storage, settings.public_url, clock=utc_now)
    delivery = XapiDelivery(storage, url, user, password.get_secret_value(), clock=utc_now)
    scheduler.add_jobs(
        [
            PeriodicJob(XAPI_JOB, 60.0, job.run),
            PeriodicJob(f"outbox:{XAPI_CHANNEL}", 5.0, delivery.deliver_due),
        ]
    )
    log.info("xapi: completion statements to %s", url)
    return delivery
