"""What the core needs to know of contests for one turn (`Context.contest`).

Kept apart from the service so a contest answer, the traffic peak, costs one indexed read of
the learner's attempt at most: contests never change once created, so their rows and parsed
questions are kept in the process after the first read.
"""

from __future__ import annotations

from bot.core.contest_screens import CONTEST_MODES
from bot.core.context import ContestOffer, ContestStatus
from bot.core.messages import InboundMessage
from bot.core.needs import contest_asked, contest_wanted
from bot.core.state import LearnerState
from quizzes.models import Question
from storage import ContestRecord, Storage, UnitOfWork


class ContestLookup:
    """Finds the contest a turn is about: the one being played, or the one `/thi` may start."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._questions: dict[int, tuple[Question, ...]] = {}
        self._contests: dict[int, ContestRecord] = {}

    async def offer(
        self, uow: UnitOfWork, learner_id: int, state: LearnerState, message: InboundMessage
    ) -> ContestOffer | None:
        """The contest for this input (None: the input is not about contests): two indexed
        reads at most (the contest, the learner's attempt)."""
        if not contest_wanted(state, message):
            return None
        contests, progress = self.storage.contests, state.contest
        # The attempt in progress, or the contest whose result screen is shown (`/thi` there
        # looks for the contest open now, which may be another).
        shown = state.mode in CONTEST_MODES and not contest_asked(message)
        if progress is not None and (not progress.finished or shown):
            found = self._contests.get(progress.contest_id)
            if found is None:
                found = await contests.get(progress.contest_id, uow)
                if found is not None:
                    self._contests[found.id] = found
            if found is not None:
                status = ContestStatus.PLAYED if progress.finished else ContestStatus.OPEN
                return self._offer(found, status)
        profile = state.profile
        if not profile.commune:
            return ContestOffer(ContestStatus.NO_PLACE)
        found = await contests.open_for(
            uow,
            province=profile.province,
            commune=profile.commune,
            group=profile.group.value if profile.group else None,
        )
        if found is None:
            return ContestOffer(ContestStatus.NONE)
        attempt = await contests.attempt(found.id, learner_id, uow)
        status = ContestStatus.OPEN if attempt is None else ContestStatus.PLAYED
        return self._offer(found, status, None if attempt is None else attempt.score)

    def _offer(
        self, found: ContestRecord, status: ContestStatus, score: int | None = None
    ) -> ContestOffer:
        questions = self._questions.get(found.id)
        if questions is None:
            questions = tuple(Question.model_validate(q) for q in found.questions)
            self._questions[found.id] = questions
        return ContestOffer(
            status, found.id, found.title, found.closes_at, found.seconds, questions, score
        )
