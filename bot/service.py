"""Runs one inbound message through storage and the core, in one transaction per message."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from weakref import WeakValueDictionary
from zoneinfo import ZoneInfo

from bot.address_form import AddressForm
from bot.batching import BatchWriter
from bot.content import Catalog
from bot.contests.lookup import ContestLookup
from bot.core import Context, InboundMessage, LearnerState, Reply, handle
from bot.core.ambassador_flow import ambassador_code_typed
from bot.core.assisted_inputs import desk_requested
from bot.core.assisted_session import (
    SessionOutcome,
    added_villager,
    live_session,
    open_session,
    opened_with,
    relay,
    session_route,
    villager_state,
)
from bot.core.context import Companion, LinkResult, PublicLinks
from bot.core.engine import PROACTIVE_PREFIX
from bot.core.events import VillagerErased
from bot.core.families import FamilyRule
from bot.core.invite_flow import invite_in_play
from bot.core.link_flow import link_code_typed
from bot.core.messages import Choice, ReplyKind, certificate_image, replies_from_json
from bot.core.needs import (
    family_wanted,
    roster_wanted,
    skills_wanted,
)
from bot.core.quiet_hours import next_allowed
from bot.core.streak import local_day
from bot.errors import StorageError
from bot.i18n import SUPPORTED_LOCALES, Translator, translator
from bot.officials.chat import official_context
from bot.officials.report import successors_of
from bot.places import Places
from bot.reports.build import ReportContext
from storage import (
    LoadedTurn,
    SavedTurn,
    Storage,
    TurnKey,
    UnitOfWork,
    dumps_replies,
    queue_family_news,
)

log = logging.getLogger(__name__)

MAX_BATCH = 200
DEFAULT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Handled:
    """What came of one inbound message."""

    replies: tuple[Reply, ...]
    duplicate: bool = False
    learner_public_id: str | None = None


class ConversationService:
    """The one place where inbound messages meet storage and the core engine.

    Different learners are handled concurrently; one learner's messages strictly in order
    (an asyncio lock per identity here, a database lock across workers).
    """

    def __init__(
        self,
        storage: Storage,
        catalog: Catalog,
        *,
        default_locale: str = "vi",
        address_form: AddressForm = AddressForm.BAC,
        zone: ZoneInfo = DEFAULT_ZONE,
        clock: Callable[[], datetime] = utc_now,
        places: Places | None = None,
        public_url: str = "",
        family_rule: FamilyRule = FamilyRule.ADULTS,
    ) -> None:
        self.zone = zone
        self.family_rule = family_rule
        # Where invites point (`/moi`); the Telegram and Messenger channels add the bot's
        # username and the Page once they know them (`set_telegram_bot`, `set_messenger_page`).
        self.links = PublicLinks(web=public_url)
        self.places = places or Places.empty()
        self.storage = storage
        self.catalog = catalog
        self.default_locale = default_locale
        self.address_form = address_form
        self.clock = clock
        self._module_of = {lesson.id: lesson.module for lesson in catalog.lessons}
        self.contests = ContestLookup(storage)
        self._locks: WeakValueDictionary[tuple[str, str], asyncio.Lock] = WeakValueDictionary()
        self._writer: BatchWriter[InboundMessage, Handled] = BatchWriter(
            self._run, max_batch=MAX_BATCH, name="conversation"
        )

    def set_telegram_bot(self, username: str | None) -> None:
        """The Telegram bot's username (from getMe), for the deep links in invites."""
        self.links = replace(self.links, telegram_bot=username or None)

    def set_messenger_page(self, page: str | None) -> None:
        """The Facebook Page's username or id (from the Graph API), for m.me invite links."""
        self.links = replace(self.links, messenger_page=page or None)

    def _lock(self, channel: str, user_ref: str) -> asyncio.Lock:
        key = (channel, user_ref)
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    def report_context(self) -> ReportContext:
        """What officials' summaries need besides the storage (`bot.reports.build`)."""
        return ReportContext(
            self.places, successors_of(self.places), self.zone, self.catalog.version
        )

    async def handle(self, message: InboundMessage) -> Handled:
        """Process one message and return the replies to send.

        Messages that arrive while a transaction is being written are committed together in
        the next one (bulk statements; a refused batch is replayed one message at a time), so
        a burst costs a few commits, not one per message, and no message waits for a timer.

        Raises:
            StorageError: the database is down; nothing was recorded and the caller should
                answer with `unavailable_replies()` (and the platform may retry).
        """
        async with self._lock(message.channel, message.user_ref):
            return await self._writer.submit(message)

    async def _run(self, batch: list[InboundMessage]) -> list[Handled | Exception]:
        """One transaction for a batch of messages from different learners.

        Two turns of one learner (linked apps writing at once) never share a transaction, nor
        does a link code with anything else: the merge it makes changes a learner another turn
        of the batch may have loaded. Such turns are set aside and run alone afterwards, in
        order, each in a transaction of its own.
        """
        keys = [TurnKey(m.channel, m.user_ref, m.message_id) for m in batch]
        results: list[Handled | Exception | None] = [None] * len(batch)
        later: list[int] = []
        async with self.storage.unit_of_work(self.clock()) as uow:
            turns = await self.storage.turns.load(uow, keys)
            ctx = Context(
                self.catalog,
                uow.now,
                default_locale=self.default_locale,
                address_form=self.address_form,
                zone=self.zone,
                places=self.places,
                links=self.links,
            )
            saves: list[SavedTurn] = []
            learners: set[int] = set()
            for index, (message, turn) in enumerate(zip(batch, turns, strict=True)):
                if turn.duplicate is not None:
                    results[index] = Handled(_replies_from_json(turn.duplicate.response), True)
                    continue
                assert turn.learner is not None
                state = turn.learner.state
                # No code is redeemed during learning together: such commands are refused.
                code = None if live_session(state, ctx.now) else link_code_typed(state, message)
                if turn.learner.id in learners or (code is not None and len(batch) > 1):
                    later.append(index)
                    continue
                villager_id = session_route(state, message, ctx.now)
                if villager_id is not None:
                    run = await self._relay(uow, turn, message, villager_id, ctx, learners)
                else:
                    turn_ctx = ctx
                    if code is not None:
                        turn, turn_ctx = await self._redeem(uow, turn, message, code, ctx)
                    else:
                        turn_ctx = await self._ambassador_context(uow, turn, message, ctx)
                        turn_ctx = await self._roster_context(uow, turn, message, turn_ctx)
                        turn_ctx = await self._family_context(uow, turn, message, turn_ctx)
                        turn_ctx = await self._contest_context(uow, turn, message, turn_ctx)
                    assert turn.learner is not None
                    run = await self._own_turn(uow, turn, message, turn_ctx, learners)
                if isinstance(run, Exception):
                    results[index] = run
                    continue
                if run is None:  # the villager's turn is already in this batch
                    later.append(index)
                    continue
                assert turn.learner is not None
                learners.add(turn.learner.id)
                replies = run.session.replies
                response = None
                if message.message_id:
                    response = dumps_replies([reply.to_json() for reply in replies])
                own = run.session.ambassador
                saves.append(SavedTurn(turn, own.state, own.events, response))
                if run.villager is not None and run.session.villager is not None:
                    assert run.villager.learner is not None
                    learners.add(run.villager.learner.id)
                    done = run.session.villager
                    saves.append(
                        SavedTurn(run.villager, done.state, done.events, None, assisted=True)
                    )
                results[index] = Handled(replies, learner_public_id=turn.learner.public_id)
            newly = await self.storage.turns.save(
                uow,
                saves,
                content_version=self.catalog.version,
                module_of=self._module_of,
                family_rule=self.family_rule,
            )
            for family in newly:
                await queue_family_news(
                    uow,
                    family,
                    self._family_news(family.certificate),
                    not_before=next_allowed(uow.now, self.zone).astimezone(UTC),
                )
        for index in later:
            try:
                [results[index]] = await self._run([batch[index]])
            except Exception as exc:  # noqa: BLE001 - as the writer would answer it
                results[index] = exc
        return [result for result in results if result is not None]

    async def _relay(
        self,
        uow: UnitOfWork,
        turn: LoadedTurn,
        message: InboundMessage,
        villager_id: str,
        ctx: Context,
        busy: set[int],
    ) -> _Run | Exception | None:
        """An ambassador's input during learning together, run on the villager's state.
        None: the villager's turn is in this batch already (run it alone afterwards)."""
        assert turn.learner is not None
        villager = await self.storage.assisted.load(
            uow,
            ambassador_learner_id=turn.learner.id,
            public_id=villager_id,
            channel=message.channel,
        )
        if villager is not None and villager.learner is not None and villager.learner.id in busy:
            return None
        try:
            session = relay(turn.learner.state, _state(villager), message, ctx)
        except Exception as exc:  # noqa: BLE001 - a bug for one message, not the batch
            log.exception("the engine failed on %r; nothing was recorded for it", message)
            return exc
        return _Run(session, villager)

    async def _own_turn(
        self,
        uow: UnitOfWork,
        turn: LoadedTurn,
        message: InboundMessage,
        ctx: Context,
        busy: set[int],
    ) -> _Run | Exception | None:
        """A learner's own turn; for an ambassador, what it did to villagers (added,
        deleted) and, when it opened a session, where that villager is."""
        assert turn.learner is not None
        try:
            outcome = handle(turn.learner.state, message, ctx)
        except Exception as exc:  # noqa: BLE001 - a bug for one message, not the batch
            log.exception("the engine failed on %r; nothing was recorded for it", message)
            return exc
        opened = opened_with(outcome)
        if opened is None and not any(isinstance(e, VillagerErased) for e in outcome.events):
            return _Run(SessionOutcome(outcome), None)
        ambassador, assisted = turn.learner.id, self.storage.assisted
        added = added_villager(outcome)
        villager = None
        if opened is not None and (added is None or added.public_id != opened):
            villager = await assisted.load(
                uow, ambassador_learner_id=ambassador, public_id=opened, channel=message.channel
            )
            if villager is not None and villager.learner and villager.learner.id in busy:
                return None
        for event in outcome.events:
            if isinstance(event, VillagerErased):
                await assisted.erase(
                    uow, ambassador_learner_id=ambassador, public_id=event.public_id
                )
        if added is not None and added.public_id == opened:
            villager = await assisted.add(
                uow,
                ambassador_learner_id=ambassador,
                event=added,
                state=villager_state(added),
                channel=message.channel,
            )
        if opened is None:
            return _Run(SessionOutcome(outcome), None)
        # Pure, after writes that must not be kept alone: a failure here fails the batch.
        return _Run(open_session(outcome, _state(villager), message, ctx), villager)

    async def _redeem(
        self, uow: UnitOfWork, turn: LoadedTurn, message: InboundMessage, code: str, ctx: Context
    ) -> tuple[LoadedTurn, Context]:
        """Check a typed link code; when it links, the turn is the merged learner's."""
        assert turn.learner is not None
        redeemed = await self.storage.links.redeem(
            uow, code, channel=message.channel, learner_id=turn.learner.id
        )
        if redeemed.learner is not None:
            turn = replace(
                turn,
                learner=redeemed.learner,
                consent_version=redeemed.consent_version,
                consent_at=redeemed.consent_at,
            )
        return turn, replace(ctx, link=LinkResult(redeemed.status, code))

    def _family_news(self, certificate: str) -> dict[str | None, Reply]:
        """ "Your family is a Gia đình số", in each language (None: the default)."""
        link = f"{self.links.web.rstrip('/')}/verify/{certificate}"
        news: dict[str | None, Reply] = {}
        for locale in (None, *SUPPORTED_LOCALES):
            t = self.translator(locale)
            text = t.gettext(
                "🏅 Congratulations! Your family is now a “Gia đình số”: everyone who counts "
                "has completed the course. Family certificate: {code}, check it at {link}"
            ).format(code=certificate, link=link)
            news[locale] = Reply(
                text,
                (Choice(f"{PROACTIVE_PREFIX}:family", t.gettext("See my family")),),
                image=certificate_image(certificate),
                kind=ReplyKind.REMINDER,
            )
        return news

    def translator(self, locale: str | None) -> Translator:
        """Interface strings for a learner outside the core (errors, pages, reminders), in
        this deployment's default language and address form."""
        return translator(locale, self.default_locale, self.address_form)

    async def _ambassador_context(
        self, uow: UnitOfWork, turn: LoadedTurn, message: InboundMessage, ctx: Context
    ) -> Context:
        """Check `/daisu CODE`, look up the invite in play, or an ambassador's villagers for
        /hoccung, in the turn's transaction."""
        assert turn.learner is not None
        state, learner_id = turn.learner.state, turn.learner.id
        if state.ambassador is not None and desk_requested(message):
            found_villagers = await self.storage.assisted.villagers(uow, learner_id)
            return replace(
                ctx,
                villagers=tuple(Companion(v.public_id, v.alias) for v in found_villagers),
            )
        if live_session(state, ctx.now):
            return ctx  # codes and invites are refused during learning together
        ctx = await official_context(
            self.storage, self.places, uow, state, learner_id, message, ctx
        )
        ambassadors = self.storage.ambassadors
        code = ambassador_code_typed(state, message)
        if code is not None:
            result = await ambassadors.redeem(
                uow, code, learner_id=learner_id, commune=state.profile.commune
            )
            return replace(ctx, ambassador_code=result)
        invite = invite_in_play(state, message)
        if invite is not None:
            found = await ambassadors.check_invite(uow, invite[0], learner_id=learner_id)
            return replace(ctx, invite=found)
        return ctx

    async def _roster_context(
        self, uow: UnitOfWork, turn: LoadedTurn, message: InboundMessage, ctx: Context
    ) -> Context:
        """Load what the turn may show from outside the state: an ambassador's roster, the
        learner's confirmed real-world skills (`bot.core.needs` says when)."""
        assert turn.learner is not None
        state, learner_id = turn.learner.state, turn.learner.id
        roster = self.storage.roster
        if roster_wanted(state, message):
            today = local_day(uow.now, self.zone)
            ctx = replace(ctx, roster=await roster.load(learner_id, today=today, uow=uow))
        if skills_wanted(state, message):
            ctx = replace(ctx, real_skills=await roster.real_skills(learner_id, uow))
        return ctx

    async def _family_context(
        self, uow: UnitOfWork, turn: LoadedTurn, message: InboundMessage, ctx: Context
    ) -> Context:
        """Load the learner's family and the family a code in play names, when the input
        concerns them (`bot.core.needs.family_wanted`)."""
        assert turn.learner is not None
        wanted, code = family_wanted(turn.learner.state, message)
        if not wanted and code is None:
            return ctx
        found = await self.storage.families.context(
            uow,
            turn.learner.id,
            code,
            today=local_day(uow.now, self.zone),
            rule=self.family_rule,
        )
        return replace(ctx, family=found)

    async def _contest_context(
        self, uow: UnitOfWork, turn: LoadedTurn, message: InboundMessage, ctx: Context
    ) -> Context:
        """The contest `/thi` may start, or the one being played (`bot.contests.lookup`)."""
        assert turn.learner is not None
        found = await self.contests.offer(uow, turn.learner.id, turn.learner.state, message)
        return ctx if found is None else replace(ctx, contest=found)

    def unavailable_replies(self, locale: str | None = None) -> tuple[Reply, ...]:
        """The friendly answer when the database is down: nothing was lost, try again soon."""
        t = self.translator(locale)
        return (
            Reply(
                t.gettext(
                    "Sorry, I am having a technical problem right now. Nothing you did was lost: "
                    "please send your answer again in a few minutes."
                )
            ),
        )


@dataclass(frozen=True)
class _Run:
    """One message's turn: the ambassador's (or any learner's) outcome, and the villager's
    turn to save with it when learning together."""

    session: SessionOutcome
    villager: LoadedTurn | None


def _state(villager: LoadedTurn | None) -> LearnerState | None:
    return villager.learner.state if villager is not None and villager.learner else None


def _replies_from_json(raw: str | None) -> tuple[Reply, ...]:
    if not raw:
        return ()
    try:
        return replies_from_json(json.loads(raw))
    except ValueError:
        return ()


__all__ = ["ConversationService", "Handled", "StorageError", "utc_now"]
