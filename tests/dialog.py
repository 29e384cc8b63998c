"""Drive the pure engine like a learner would, for readable dialog tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.address_form import AddressForm
from bot.content import Catalog, load_catalog
from bot.core import (
    Context,
    InboundMessage,
    InputKind,
    LearnerState,
    Mode,
    Outcome,
    Reply,
    handle,
)
from bot.core.catalog import bubbles
from bot.core.events import DomainEvent
from lessons.models import Lesson

FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"
# The dialog's clock starts here (9:00 in Hà Nội) and moves only when a test says so.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def step_texts(lesson: Lesson) -> list[str]:
    """Every text a learner reads in a lesson: bubbles, quick questions with their options and
    feedback, try-it steps."""
    texts: list[str] = []
    for step in bubbles(lesson):
        if step.check is not None:
            texts.append(step.check.prompt)
            texts += [text for o in step.check.options for text in (o.text, o.feedback)]
        else:
            texts.append(step.text or step.try_ or "")
    return texts


def fixture_catalog() -> Catalog:
    """Small stable content for engine tests: A1 (all question types) and A2 (ambiguity)."""
    return load_catalog(FIXTURE_CONTENT / "lessons", FIXTURE_CONTENT / "quizzes")


class Dialog:
    """One learner talking to the engine; keeps the state between turns."""

    def __init__(
        self,
        catalog: Catalog,
        locale: str | None = "vi",
        now: datetime = START,
        address_form: AddressForm = AddressForm.BAC,
    ) -> None:
        self.catalog = catalog
        self.address_form = address_form
        self.now = now
        self.state = LearnerState()
        self.locale = locale
        self.replies: tuple[Reply, ...] = ()
        self.events: list[DomainEvent] = []
        self.last: Outcome | None = None

    def _send(self, kind: InputKind, **fields: object) -> tuple[Reply, ...]:
        message = InboundMessage(
            channel="test",
            user_ref="u1",
            kind=kind,
            received_at=self.now,
            locale=self.locale,
            **fields,  # type: ignore[arg-type]
        )
        ctx = Context(self.catalog, self.now, address_form=self.address_form)
        outcome = handle(self.state, message, ctx)
        self.last, self.state, self.replies = outcome, outcome.state, outcome.replies
        self.events.extend(outcome.events)
        return outcome.replies

    def advance(self, **delta: float) -> None:
        """Move the clock on (`days=1`, `minutes=40`...)."""
        self.now += timedelta(**delta)

    def text(self, text: str) -> tuple[Reply, ...]:
        return self._send(InputKind.TEXT, text=text)

    def command(self, name: str, *args: str) -> tuple[Reply, ...]:
        return self._send(InputKind.COMMAND, command=name, args=args)

    def choice_id(self, choice_id: str) -> tuple[Reply, ...]:
        return self._send(InputKind.CHOICE, choice_id=choice_id)

    def unsupported(self) -> tuple[Reply, ...]:
        return self._send(InputKind.UNSUPPORTED)

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(id, label) of the choices on the newest message."""
        for reply in reversed(self.replies):
            if reply.choices:
                return [(c.id, c.label) for c in reply.choices]
        return []

    def tap(self, label_part: str) -> tuple[Reply, ...]:
        """Tap the choice whose label contains `label_part`."""
        matches = [cid for cid, label in self.choices if label_part in label]
        assert len(matches) == 1, f"{label_part!r} not exactly one of {self.choices}"
        return self.choice_id(matches[0])

    @property
    def said(self) -> str:
        return "\n".join(reply.text for reply in self.replies)

    def agree(self) -> None:
        """Consent, then skip the profile questions: the menu (content with a self-check
        offers it there, left unanswered: the menu is asked for)."""
        self.tap("Đồng ý")
        self.tap("Bỏ qua phần này")
        if self.state.mode is Mode.SELFCHECK_OFFER:
            self.command("menu")

    def skip_selfcheck(self) -> None:
        """Decline the self-check if it is offered (it opens lesson 1)."""
        if self.state.mode is Mode.SELFCHECK_OFFER:
            self.tap("Bỏ qua, học từ bài 1")

    def start_lesson_one(self) -> None:
        self.command("start")
        self.tap("Đồng ý")
        self.tap("Học bài")
        self.skip_selfcheck()

    def read_lesson(self) -> None:
        """Read the open lesson to its end: "Continue", "I did it", and the first button of
        each quick question inside the lesson, until the quiz is offered."""
        while True:
            labels = [label for _id, label in self.choices]
            if any("Tiếp tục" in label or "Làm xong rồi" in label for label in labels):
                self.tap(
                    "Tiếp tục" if any("Tiếp tục" in label for label in labels) else "Làm xong rồi"
                )
            elif any("check." in cid for cid, _label in self.choices):
                self.choice_id(next(cid for cid, _l in self.choices if "check." in cid))
            else:
                return
