"""One turn being answered: the state before the input, the state being changed, the output.

Every job module of the engine (consent, lessons, quizzes, handbook, ...) takes the `Turn` and
changes it in place; `Turn.outcome()` freezes the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.address_form import AddressForm, address
from bot.core.context import Context
from bot.core.events import DomainEvent
from bot.core.messages import Choice, InboundMessage, Reply
from bot.core.model_copy import copy_model
from bot.core.outcome import Outcome
from bot.core.spaced import question_of
from bot.core.state import LearnerState, Mode, ReviewCard
from bot.i18n import Translator, translator
from lessons.models import Lesson
from quizzes.models import Question, Quiz


@dataclass
class Turn:
    """The working state of one `handle()` call; `before` stays as it came in."""

    before: LearnerState
    message: InboundMessage
    ctx: Context
    state: LearnerState = field(init=False)
    replies: list[Reply] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.state = copy_model(self.before)

    @property
    def t(self) -> Translator:
        """Gettext and formatting in the learner's language (it can change during the turn)."""
        return translator(self.state.locale, self.ctx.default_locale, self.ctx.address_form)

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def say(self, text: str, image: str | None = None) -> None:
        self.replies.append(Reply(text=text, image=image))

    def outcome(self) -> Outcome:
        """The turn's result, every reply addressing the learner as the deployment does
        (lessons and quizzes included, not only the interface)."""
        replies = tuple(self.replies)
        form = self.ctx.address_form
        if form is not AddressForm.BAC:
            replies = tuple(_addressed(reply, form) for reply in replies)
        return Outcome(self.state, replies, tuple(self.events))

    # -- where the learner is -------------------------------------------------------------------

    def make_current(self, lesson_id: str) -> Lesson | None:
        """Make this lesson (and its module) the current one; None, changing nothing, when
        the content has no such lesson."""
        lesson = self.ctx.catalog.lesson(lesson_id)
        if lesson is not None:
            self.state.lesson_id, self.state.module_id = lesson.id, lesson.module
        return lesson

    def lesson(self) -> Lesson | None:
        """The lesson being read (or last read)."""
        return self.ctx.catalog.lesson(self.state.lesson_id or "")

    def quiz(self) -> Quiz | None:
        """The quiz of that lesson."""
        return self.ctx.catalog.quiz(self.state.lesson_id or "")

    def question(self) -> Question | None:
        """The quiz question on screen, while a quiz or a review round is in progress."""
        if self.state.mode is Mode.REVIEW:
            item = self.review_item()
            return question_of(self.ctx.catalog, item) if item is not None else None
        quiz, progress = self.quiz(), self.state.quiz
        if self.state.mode is not Mode.QUIZ or quiz is None or progress is None:
            return None
        return quiz.questions[progress.index] if progress.index < len(quiz.questions) else None

    def review_item(self) -> ReviewCard | None:
        """The review item on screen during a review round (the head of its queue)."""
        queue, reviews = self.state.review_queue, self.state.reviews
        if self.state.mode is not Mode.REVIEW or self.state.quiz is None or not queue:
            return None
        return reviews[queue[0]] if 0 <= queue[0] < len(reviews) else None


def _addressed(reply: Reply, form: AddressForm) -> Reply:
    choices = tuple(Choice(c.id, address(c.label, form)) for c in reply.choices)
    return replace(reply, text=address(reply.text, form), choices=choices)
