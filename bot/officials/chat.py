"""The database half of the officials' chat commands, run by the service in the turn's
transaction before the core answers (`bot.core.official_flow`): `/canbo CODE` redeemed, and
`/madaisu` checked against the official's row (never only the state's mirror of it) and their
scope, then issued.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.context import AmbassadorIssue, Context, IssueStatus
from bot.core.messages import InboundMessage
from bot.core.official_flow import CHAT_CODE_DAYS, IssueRequest, madaisu_typed, official_code_typed
from bot.core.report_flow import report_typed
from bot.core.state import LearnerState, OfficialKind
from bot.officials.report import official_report
from bot.places import Places
from storage import OfficialRecord, Storage, UnitOfWork


async def official_context(
    storage: Storage,
    places: Places,
    uow: UnitOfWork,
    state: LearnerState,
    learner_id: int,
    message: InboundMessage,
    ctx: Context,
) -> Context:
    """`ctx` with the answer to `/canbo CODE`, `/madaisu` or `/baocao` when this input is
    one."""
    if report_typed(state, message):
        return replace(ctx, official_report=await official_report(storage, uow, learner_id, ctx))
    code = official_code_typed(state, message)
    if code is not None:
        result = await storage.officials.redeem(uow, code, learner_id=learner_id)
        return replace(ctx, official_code=result)
    request = madaisu_typed(state, message)
    if request is None or not request.valid:
        return ctx
    official = await storage.officials.by_learner(learner_id, uow)
    if official is None:
        return replace(ctx, ambassador_issue=AmbassadorIssue(IssueStatus.NOT_OFFICIAL))
    issue = await _issue(storage, places, uow, official, request)
    return replace(ctx, ambassador_issue=issue)


async def _issue(
    storage: Storage,
    places: Places,
    uow: UnitOfWork,
    official: OfficialRecord,
    request: IssueRequest,
) -> AmbassadorIssue:
    role = official.role
    wanted = request.commune
    if wanted is None and official.kind is OfficialKind.COMMUNE:
        wanted = official.commune
    if wanted is None:
        return AmbassadorIssue(IssueStatus.NEED_COMMUNE, role)
    commune = places.commune(wanted)
    if commune is None:
        return AmbassadorIssue(IssueStatus.UNKNOWN_COMMUNE, role, wanted)
    if not official.scope.allows(commune.province_code, commune.code):
        return AmbassadorIssue(IssueStatus.OUT_OF_SCOPE, role, commune.code)
    issued = await storage.ambassadors.issue(
        province=commune.province_code,
        commune=commune.code,
        now=uow.now,
        valid_for=timedelta(days=CHAT_CODE_DAYS),
        max_uses=request.uses,
        issued_by=official.public_id,
        admin_version=places.version,
        uow=uow,
    )
    return AmbassadorIssue(
        IssueStatus.ISSUED,
        role,
        commune.code,
        code=issued.code,
        max_uses=issued.max_uses,
        expires_at=issued.expires_at,
    )


__all__ = ["official_context"]
