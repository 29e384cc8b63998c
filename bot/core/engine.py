"""The conversation engine: a pure function of (state, input, content, clock) -> outcome.

Nothing here touches a database, a network or a platform type. Every prompt's choices are
derived from the state, so the engine can always re-show "where we are" after bad input
without changing anything, and a typed answer is matched against exactly the choices shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.context import Context
from bot.core.events import (
    ConsentChanged,
    DataErased,
    DomainEvent,
    LessonCompleted,
    LessonStarted,
    LocaleChanged,
    QuestionAnswered,
    QuizFinished,
)
from bot.core.messages import Choice, InboundMessage, InputKind, Reply
from bot.core.model_copy import copy_model as _copy_model
from bot.core.outcome import Outcome
from bot.core.state import LearnerState, Mode, QuizProgress
from bot.handbook import Hit
from bot.i18n import SUPPORTED_LOCALES, Translator, translator
from bot.text import clean, fold, is_meaningful, match_free_text, match_option, option_index
from lessons.models import Lesson
from quizzes.models import Question, QuestionType, Quiz

MAX_INPUT_CHARS = 2000
ANSWER_LOG_CHARS = 200

COMMANDS = {
    "start": "start",
    "batdau": "start",
    "menu": "menu",
    "help": "help",
    "trogiup": "help",
    "giupdo": "help",
    "progress": "progress",
    "tiendo": "progress",
    "lang": "language",
    "language": "language",
    "ngonngu": "language",
    "delete": "erase",
    "xoadulieu": "erase",
    "xoa_du_lieu": "erase",
    "sotay": "handbook",
    "so_tay": "handbook",
    "handbook": "handbook",
    "hoidap": "handbook",
}
KEYWORDS = {
    "menu": "menu",
    "help": "help",
    "giup": "help",
    "tro giup": "help",
    "giup do": "help",
    "tien do": "progress",
    "progress": "progress",
    "so tay": "handbook",
    "so tay hoi dap": "handbook",
    "hoi dap": "handbook",
}
HANDBOOK_HITS = 3


def handle(state: LearnerState, message: InboundMessage, ctx: Context) -> Outcome:
    """Answer one learner input."""
    return _Turn(state, message, ctx).run()


@dataclass
class _Turn:
    before: LearnerState
    message: InboundMessage
    ctx: Context
    state: LearnerState = field(init=False)
    replies: list[Reply] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.state = _copy_model(self.before)

    # -- helpers -------------------------------------------------------------------------------

    @property
    def t(self) -> Translator:
        return translator(self.state.locale, self.ctx.default_locale)

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def say(self, text: str, image: str | None = None) -> None:
        self.replies.append(Reply(text=text, image=image))

    def outcome(self) -> Outcome:
        return Outcome(self.state, tuple(self.replies), tuple(self.events))

    def unchanged(self, text: str) -> Outcome:
        """Answer bad input: explain, re-show the current prompt, keep the state as it was."""
        self.state = _copy_model(self.before)
        self.events.clear()
        self.say(text)
        self._prompt(full=False)
        return self.outcome()

    # -- dispatch ------------------------------------------------------------------------------

    def run(self) -> Outcome:
        kind = self.message.kind
        if self.state.mode is Mode.NEW:
            return self._first_contact()
        if kind is InputKind.UNSUPPORTED:
            return self.unchanged(
                self._("Sorry, I can only read text and button taps. Please type or tap a button.")
            )
        if kind is InputKind.COMMAND:
            return self._command(self.message.command or "", self.message.args)
        if kind is InputKind.CHOICE:
            return self._choice(self.message.choice_id or "")
        return self._text(self.message.text)

    def _first_contact(self) -> Outcome:
        hint = self.message.locale
        self.state.locale = translator(hint, self.ctx.default_locale).locale if hint else None
        if self.message.kind is InputKind.COMMAND and self.message.command in ("start", "batdau"):
            self.state.invite = self.message.args[0][:64] if self.message.args else None
        self.say(
            self._(
                "Hello! I am Học vụ số, your digital skills companion. In short lessons of a few "
                "messages you will learn to use your phone safely: VNeID, online payments, "
                "spotting scams and more."
            )
        )
        self._go(Mode.CONSENT)
        return self.outcome()

    def _command(self, name: str, args: tuple[str, ...]) -> Outcome:
        action = COMMANDS.get(fold(name).lstrip("/"))
        if action is None:
            return self.unchanged(
                self._(
                    "I don't know the command /{name}. Try /menu to see the lessons or /help "
                    "for help."
                ).format(name=clean(name)[:32])
            )
        if action == "start":
            return self._welcome_back()
        if action == "handbook" and args and self.state.consent:
            return self._ask_handbook(" ".join(args))
        return self._act(action)

    def _choice(self, choice_id: str) -> Outcome:
        turn, _, action = choice_id.partition(":")
        offered = {a for a, _label in self._choices()}
        if turn != str(self.state.turn) or action not in offered:
            return self.unchanged(
                self._("That button belongs to an earlier message. Here is where we are now:")
            )
        return self._act(action)

    def _text(self, raw: str) -> Outcome:
        if len(raw) > MAX_INPUT_CHARS:
            return self.unchanged(
                self._(
                    "Your message is too long for me to read. Please send a short answer, or "
                    "tap one of the buttons."
                )
            )
        text = clean(raw)
        if not is_meaningful(text):
            return self.unchanged(
                self._("I didn't catch that. Please tap a button or type the number of an answer.")
            )
        if text.startswith("/"):
            name, *args = text[1:].split()
            return self._command(name or "", tuple(args))
        question = self._question()
        if question is not None and question.type is QuestionType.SHORT:
            return self._answer_short(question, text)
        if question is not None and question.type is QuestionType.MULTIPLE:
            picked = self._typed_multiple(question, text)
            if picked:
                self.state.quiz.selected = picked  # type: ignore[union-attr]
                return self._act("done")
        choices = self._choices()
        if choices:
            found = match_option(text, [label for _action, label in choices])
            if isinstance(found, int):
                return self._act(choices[found][0])
            if isinstance(found, list) and question is not None:
                return self._clarify(question, [choices[i][0] for i in found])
        keyword = KEYWORDS.get(fold(text))
        if keyword:
            return self._act(keyword)
        if self.state.mode in (Mode.HANDBOOK, Mode.HANDBOOK_ANSWER) and self.state.consent:
            return self._ask_handbook(text)
        if self.state.mode is Mode.MENU and self.state.consent:
            # Text that is no button or command may be a question: answer it if clearly so.
            hits = self.ctx.catalog.handbook.search(text, HANDBOOK_HITS)
            if hits and hits[0].confident:
                return self._ask_handbook(text, hits)
        if self.state.mode is Mode.CONSENT:
            return self.unchanged(self._("Please tap “I agree” or “I do not agree” first."))
        return self.unchanged(
            self._("I didn't understand that answer. Please tap a button or type its number.")
        )

    # -- actions ---------------------------------------------------------------------------------

    def _act(self, action: str) -> Outcome:
        handlers: dict[str, Callable[[], None]] = {
            "agree": self._agree,
            "decline": self._decline,
            "privacy": self._privacy,
            "menu": lambda: self._go(Mode.MENU),
            "modules": lambda: self._go(Mode.MODULES),
            "help": self._help,
            "progress": self._progress,
            "language": lambda: self._detour(Mode.LANGUAGE),
            "erase": lambda: self._detour(Mode.CONFIRM_ERASE),
            "erase_yes": self._erase,
            "erase_no": self._back_from_detour,
            "next_lesson": self._next_lesson,
            "continue": self._continue_lesson,
            "quiz": self._start_quiz,
            "retry": self._start_quiz,
            "reread": lambda: self._open_lesson(self.state.lesson_id or ""),
            "true": lambda: self._answer_choice("true"),
            "false": lambda: self._answer_choice("false"),
            "done": self._finish_multiple,
            "handbook": lambda: self._go(Mode.HANDBOOK),
        }
        if action in handlers:
            needs_consent = action not in ("agree", "decline", "privacy", "help", "language")
            if needs_consent and not self.state.consent and action != "erase":
                self.say(self._("Before we start, I need your agreement to save your progress."))
                self._go(Mode.CONSENT)
                return self.outcome()
            handlers[action]()
        elif action.startswith("module."):
            self.state.module_id = action.removeprefix("module.")
            self._go(Mode.MODULE)
        elif action.startswith("lesson."):
            self._open_lesson(action.removeprefix("lesson."))
        elif action.startswith("opt."):
            self._answer_choice(action.removeprefix("opt."))
        elif action.startswith("hb."):
            self.state.handbook_entry = action.removeprefix("hb.")
            self._go(Mode.HANDBOOK_ANSWER)
        elif action.startswith("locale."):
            self.state.locale = action.removeprefix("locale.")
            self.events.append(LocaleChanged(self.state.locale))
            self.say(self._("Language changed to English."))
            self._back_from_detour()
        return self.outcome()

    def _go(self, mode: Mode) -> None:
        self.state.mode = mode
        self._prompt(full=True)

    def _detour(self, mode: Mode) -> None:
        if self.state.mode not in (Mode.LANGUAGE, Mode.CONFIRM_ERASE):
            self.state.resume = self.state.mode
        self._go(mode)

    def _back_from_detour(self) -> None:
        self._go(self.state.resume or (Mode.MENU if self.state.consent else Mode.CONSENT))
        self.state.resume = None

    def _welcome_back(self) -> Outcome:
        if not self.state.consent:
            self._go(Mode.CONSENT)
            return self.outcome()
        self.say(self._("Welcome back!"))
        if self.state.mode in (Mode.LESSON, Mode.QUIZ):
            self.say(self._("Let's continue where you left off."))
        self._prompt(full=True)
        return self.outcome()

    def _agree(self) -> None:
        self.state.consent = True
        self.events.append(ConsentChanged(True, self.ctx.consent_version))
        self.say(self._("Thank you! Your progress will now be saved. Let's begin."))
        self._go(Mode.MENU)

    def _decline(self) -> None:
        self.say(
            self._(
                "No problem. Without your agreement I cannot save any progress, so lessons stay "
                "closed. If you change your mind, tap “I agree”."
            )
        )
        self._go(Mode.CONSENT)

    def _privacy(self) -> None:
        self.say(
            self._(
                "What I keep: a random learner number (no name), your lesson progress and quiz "
                "answers, and the language you chose. Why: to let you continue where you "
                "stopped and to count, anonymously, how many people finished the lessons. "
                "I never ask for your ID card number, passwords or OTP codes. You can "
                "see your progress with /tiendo and delete everything at any time with "
                "/xoadulieu."
            )
        )
        self._go(Mode.CONSENT)

    def _help(self) -> None:
        self.say(
            self._(
                "Tap the buttons under my messages, or type the number of a choice (1, 2, 3) or "
                "its letter (a, b, c). Answers typed without accents are fine.\n"
                "Commands: /menu lessons, /tiendo your progress, /ngonngu language, "
                "/xoadulieu delete your data, /trogiup this help."
            )
        )
        if len(self.ctx.catalog.handbook):
            self.say(self._("Have a question? Type /sotay to search the handbook."))
        self._prompt(full=False)

    def _progress(self) -> None:
        t, total = self.t, len(self.ctx.catalog.lessons)
        passed = [lesson for lesson in self.ctx.catalog.lessons if lesson.id in self.state.passed]
        self.say(
            self._("You have passed {passed} of {total} lessons ({percent}).").format(
                passed=t.number(len(passed)),
                total=t.number(total),
                percent=t.percent(len(passed) / total if total else 0),
            )
        )
        if self.state.last_passed_at is not None:
            self.say(
                self._("You last passed a lesson on {date}.").format(
                    date=t.day(self.state.last_passed_at, self.ctx.zone)
                )
            )
        self._go(Mode.MENU)

    def _erase(self) -> None:
        locale = self.state.locale
        self.events.append(DataErased())
        self.state = LearnerState(mode=Mode.NEW, locale=locale, turn=self.state.turn + 1)
        self.say(
            self._(
                "Done: your progress, answers and settings have been deleted. If you write to me "
                "again, we will start afresh."
            )
        )

    # -- handbook -------------------------------------------------------------------------------

    def _ask_handbook(self, question: str, hits: list[Hit] | None = None) -> Outcome:
        """Search the handbook; show the best answer and offer the next ones as buttons."""
        if hits is None:
            hits = self.ctx.catalog.handbook.search(question, HANDBOOK_HITS)
        if not hits:
            if self.state.mode not in (Mode.HANDBOOK, Mode.HANDBOOK_ANSWER):
                self.say(self._("Sorry, I found nothing about that in the handbook."))
                self._go(Mode.HANDBOOK)
                return self.outcome()
            return self.unchanged(
                self._(
                    "Sorry, I found nothing about that in the handbook. Try other words, for "
                    "example “QR”, “OTP” or “VNeID”."
                )
            )
        self.state.handbook_hits = [hit.entry.id for hit in hits]
        self.state.handbook_entry = hits[0].entry.id
        self._go(Mode.HANDBOOK_ANSWER)
        return self.outcome()

    # -- lessons --------------------------------------------------------------------------------

    def _next_lesson(self) -> None:
        lesson = self.ctx.catalog.next_lesson(self.state.lesson_id, frozenset(self.state.passed))
        if lesson is None:
            self.say(self._("You have passed every lesson. Congratulations!"))
            self._go(Mode.MENU)
            return
        self._open_lesson(lesson.id)

    def _open_lesson(self, lesson_id: str) -> None:
        lesson = self.ctx.catalog.lesson(lesson_id)
        if lesson is None:
            self._go(Mode.MENU)
            return
        self.state.lesson_id, self.state.module_id = lesson.id, lesson.module
        self.state.bubble, self.state.quiz = 0, None
        self.events.append(LessonStarted(lesson.id))
        self._show_bubble(lesson)

    def _continue_lesson(self) -> None:
        lesson = self._lesson()
        if lesson is None:
            self._go(Mode.MENU)
            return
        self.state.bubble = min(self.state.bubble + 1, len(_bubbles(lesson)) - 1)
        self._show_bubble(lesson)

    def _show_bubble(self, lesson: Lesson) -> None:
        if self.state.bubble == len(_bubbles(lesson)) - 1 and lesson.id not in self.state.read:
            self.state.read.append(lesson.id)
            self.events.append(LessonCompleted(lesson.id))
        self._go(Mode.LESSON)

    def _lesson(self) -> Lesson | None:
        return self.ctx.catalog.lesson(self.state.lesson_id or "")

    # -- quizzes --------------------------------------------------------------------------------

    def _quiz(self) -> Quiz | None:
        return self.ctx.catalog.quiz(self.state.lesson_id or "")

    def _question(self) -> Question | None:
        quiz, progress = self._quiz(), self.state.quiz
        if self.state.mode is not Mode.QUIZ or quiz is None or progress is None:
            return None
        return quiz.questions[progress.index] if progress.index < len(quiz.questions) else None

    def _start_quiz(self) -> None:
        lesson_id = self.state.lesson_id or ""
        if self._quiz() is None:
            self._go(Mode.MENU)
            return
        attempt = self.state.attempts.get(lesson_id, 0) + 1
        self.state.attempts[lesson_id] = attempt
        self.state.quiz = QuizProgress(attempt=attempt)
        self._go(Mode.QUIZ)

    def _clarify(self, question: Question, actions: list[str]) -> Outcome:
        assert self.state.quiz is not None
        self.state.quiz.candidates = [a.removeprefix("opt.") for a in actions]
        self.say(self._("Several answers look like that without accents. Which one do you mean?"))
        self.state.turn += 1
        self.replies.append(Reply(text=question.prompt, choices=self._rendered_choices()))
        return self.outcome()

    def _answer_choice(self, value: str) -> None:
        question, progress = self._question(), self.state.quiz
        if question is None or progress is None:
            self._go(Mode.MENU)
            return
        if question.type is QuestionType.MULTIPLE:
            if value in progress.selected:
                progress.selected.remove(value)
            else:
                progress.selected.append(value)
            self.state.turn += 1
            self.replies.append(Reply(text=question.prompt, choices=self._rendered_choices()))
            return
        if question.type is QuestionType.TRUE_FALSE:
            truth = value == "true"
            correct = truth == question.answer
            feedback = question.feedback_true if truth else question.feedback_false
            self._record(question, value, correct, 1.0 if correct else 0.0, feedback)
            return
        option = next((o for o in question.options if o.id == value), None)
        if option is None:
            self._prompt(full=False)
            return
        self._record(question, option.id, option.correct, option.score, option.feedback)

    def _finish_multiple(self) -> None:
        question, progress = self._question(), self.state.quiz
        if question is None or progress is None:
            self._go(Mode.MENU)
            return
        if not progress.selected:
            self.say(self._("Choose at least one answer, then tap “Done”."))
            self.state.turn += 1
            self.replies.append(Reply(text=question.prompt, choices=self._rendered_choices()))
            return
        right = {o.id for o in question.options if o.correct}
        picked = set(progress.selected)
        points = max(0.0, (len(picked & right) - len(picked - right)) / len(right))
        feedback = "\n".join(
            f"• {o.text}: {o.feedback}" for o in question.options if o.id in picked and o.feedback
        )
        answer = ",".join(sorted(picked))
        self._record(question, answer, picked == right, points, feedback or None)

    def _typed_multiple(self, question: Question, text: str) -> list[str]:
        tokens = [tok for tok in text.replace(",", " ").replace(";", " ").split() if tok]
        indexes = [option_index(tok, len(question.options)) for tok in tokens]
        if len(tokens) < 2 or any(index is None for index in indexes):
            return []
        return list(dict.fromkeys(question.options[i].id for i in indexes if i is not None))

    def _answer_short(self, question: Question, text: str) -> Outcome:
        correct = match_free_text(text, question.answers)
        feedback = question.feedback_correct if correct else question.feedback_wrong
        self._record(question, text[:ANSWER_LOG_CHARS], correct, float(correct), feedback)
        return self.outcome()

    def _record(
        self, question: Question, answer: str, correct: bool, points: float, feedback: str | None
    ) -> None:
        progress, quiz, lesson_id = self.state.quiz, self._quiz(), self.state.lesson_id or ""
        assert progress is not None and quiz is not None
        self.events.append(
            QuestionAnswered(lesson_id, progress.attempt, question.id, answer, correct, points)
        )
        verdict = self._("✅ Correct!") if correct else self._("❌ Not quite.")
        lines = [verdict]
        if feedback:
            lines.append(feedback)
        if not correct and question.feedback:
            lines.append(question.feedback)
        if not correct:
            lines.append(
                self._("The right answer: {answer}").format(answer=_key(question, self.t))
            )
        self.say("\n".join(lines))
        progress.points += points
        progress.index += 1
        progress.selected, progress.candidates = [], []
        if progress.index < len(quiz.questions):
            self._go(Mode.QUIZ)
            return
        total = len(quiz.questions)
        passed = progress.points / total >= quiz.pass_mark - 1e-9
        self.events.append(
            QuizFinished(lesson_id, progress.attempt, progress.points, total, passed)
        )
        progress.last_points, progress.last_passed = progress.points, passed
        if passed:
            self.state.last_passed_at = self.ctx.now
            if lesson_id not in self.state.passed:
                self.state.passed.append(lesson_id)
        self._go(Mode.QUIZ_DONE)

    # -- prompts --------------------------------------------------------------------------------

    def _choices(self) -> list[tuple[str, str]]:
        """The (action, label) pairs the current prompt offers, derived from the state."""
        _, state, catalog = self._, self.state, self.ctx.catalog
        mode = state.mode
        if mode is Mode.CONSENT:
            return [
                ("agree", _("I agree")),
                ("decline", _("I do not agree")),
                ("privacy", _("What data do you keep?")),
            ]
        if mode is Mode.MENU:
            choices = []
            upcoming = catalog.next_lesson(state.lesson_id, frozenset(state.passed))
            if upcoming is not None:
                choices.append(("next_lesson", _("Learn: {title}").format(title=upcoming.title)))
            handbook = [("handbook", _("Handbook: questions and answers"))]
            return (
                choices
                + [("modules", _("All lessons"))]
                + (handbook if len(catalog.handbook) else [])
                + [("progress", _("My progress")), ("help", _("Help"))]
            )
        if mode is Mode.MODULES:
            filled = {lesson.module for lesson in catalog.lessons}
            modules = [m for m in catalog.modules if m.id in filled]
            return [(f"module.{m.id}", f"{m.id}. {m.title}") for m in modules] + [
                ("menu", _("Back to menu"))
            ]
        if mode is Mode.MODULE:
            lessons = [lesson for lesson in catalog.lessons if lesson.module == state.module_id]
            return [
                (f"lesson.{lesson.id}", _mark(lesson.id in state.passed) + lesson.title)
                for lesson in lessons
            ] + [("modules", _("Back"))]
        if mode is Mode.LESSON:
            lesson = self._lesson()
            if lesson is not None and state.bubble < len(_bubbles(lesson)) - 1:
                return [("continue", _("Continue ▶")), ("menu", _("Menu"))]
            return [("quiz", _("Take the quiz")), ("menu", _("Later"))]
        if mode is Mode.QUIZ:
            return self._quiz_choices()
        if mode is Mode.QUIZ_DONE:
            passed = bool(state.quiz and state.quiz.last_passed)
            if passed:
                upcoming = catalog.next_lesson(state.lesson_id, frozenset(state.passed))
                choices = []
                if upcoming is not None:
                    choices.append(
                        ("next_lesson", _("Next: {title}").format(title=upcoming.title))
                    )
                return choices + [("menu", _("Menu"))]
            return [
                ("retry", _("Try the quiz again")),
                ("reread", _("Read the lesson again")),
                ("menu", _("Later")),
            ]
        if mode is Mode.CONFIRM_ERASE:
            return [("erase_yes", _("Yes, delete my data")), ("erase_no", _("No, keep it"))]
        if mode is Mode.LANGUAGE:
            names = {"vi": "Tiếng Việt", "en": "English"}
            return [(f"locale.{code}", names[code]) for code in SUPPORTED_LOCALES]
        if mode is Mode.HANDBOOK:
            return [("menu", _("Back to menu"))]
        if mode is Mode.HANDBOOK_ANSWER:
            return self._handbook_choices()
        return []

    def _handbook_choices(self) -> list[tuple[str, str]]:
        _, state, catalog = self._, self.state, self.ctx.catalog
        choices = []
        entry = catalog.handbook.entry(state.handbook_entry or "")
        lesson = catalog.lesson(entry.lesson) if entry else None
        if lesson is not None:
            label = _("📘 Open the lesson: {title}").format(title=lesson.title)
            choices.append((f"lesson.{lesson.id}", label))
        for other_id in state.handbook_hits:
            other = catalog.handbook.entry(other_id)
            if other is not None and other_id != state.handbook_entry:
                choices.append((f"hb.{other.id}", "❓ " + other.question))
        return choices + [("handbook", _("Ask another question")), ("menu", _("Menu"))]

    def _quiz_choices(self) -> list[tuple[str, str]]:
        question, progress = self._question(), self.state.quiz
        if question is None or progress is None:
            return []
        if question.type is QuestionType.TRUE_FALSE:
            return [("true", self._("True")), ("false", self._("False"))]
        if question.type is QuestionType.SHORT:
            return []
        options = question.options
        if progress.candidates:
            options = [o for o in options if o.id in progress.candidates]
        if question.type is QuestionType.MULTIPLE:
            return [
                (f"opt.{o.id}", ("☑ " if o.id in progress.selected else "☐ ") + o.text)
                for o in options
            ] + [("done", self._("Done"))]
        return [(f"opt.{o.id}", o.text) for o in options]

    def _rendered_choices(self) -> tuple[Choice, ...]:
        turn = self.state.turn
        return tuple(Choice(f"{turn}:{action}", label) for action, label in self._choices())

    def _prompt(self, *, full: bool) -> None:
        """Show the current step. `full` after a move; a short reminder after bad input."""
        if full:
            # New choices are on screen: buttons of older messages stop working.
            self.state.turn = max(self.state.turn, self.before.turn + 1)
        choices = self._rendered_choices()
        texts, image = self._prompt_texts(full)
        for text in texts[:-1]:
            self.replies.append(Reply(text=text, image=image))
            image = None
        self.replies.append(Reply(text=texts[-1], choices=choices, image=image))

    def _prompt_texts(self, full: bool) -> tuple[list[str], str | None]:
        _, state, t = self._, self.state, self.t
        mode = state.mode
        if mode is Mode.CONSENT:
            return [
                _(
                    "To save your progress I need your agreement. I keep only a learner number, "
                    "your lesson progress and quiz answers: no name, no ID number, no phone "
                    "number. You can delete them at any time with /xoadulieu. Do you agree?"
                )
                if full
                else _("Do you agree that I save your progress?")
            ], None
        if mode is Mode.MENU:
            return [_("What would you like to do?")], None
        if mode is Mode.MODULES:
            return [_("Choose a topic:")], None
        if mode is Mode.MODULE:
            module = self.ctx.catalog.module(state.module_id or "")
            title = module.title if module else ""
            return [_("Lessons in “{module}”:").format(module=title)], None
        if mode is Mode.LESSON:
            lesson = self._lesson()
            if lesson is None:
                return [_("What would you like to do?")], None
            bubbles = _bubbles(lesson)
            index = min(state.bubble, len(bubbles) - 1)
            text, image = bubbles[index]
            header = f"📘 {lesson.title} · {t.number(index + 1)}/{t.number(len(bubbles))}"
            if not full:
                return [
                    _("You are reading “{title}” ({step}/{total}).").format(
                        title=lesson.title, step=t.number(index + 1), total=t.number(len(bubbles))
                    )
                ], None
            if index == 0 and lesson.image and not image:
                image = lesson.image
            return [f"{header}\n\n{text}"], image
        if mode is Mode.QUIZ:
            return self._question_texts(full), None
        if mode is Mode.QUIZ_DONE:
            return [self._result_text()], None
        if mode is Mode.CONFIRM_ERASE:
            return [
                _(
                    "Delete all your progress and answers? This cannot be undone. Anonymous "
                    "totals (for example “one more person finished lesson A1”) are kept."
                )
            ], None
        if mode is Mode.LANGUAGE:
            return [_("Choose your language:")], None
        if mode is Mode.HANDBOOK:
            return [
                _(
                    "What would you like to ask? Type your question in a few words, for example: "
                    "“how to transfer money with a QR code”."
                )
                if full
                else _("Type your question, or tap “Back to menu”.")
            ], None
        if mode is Mode.HANDBOOK_ANSWER:
            entry = self.ctx.catalog.handbook.entry(state.handbook_entry or "")
            if entry is None:
                return [_("What would you like to do?")], None
            if not full:
                return [_("Type another question, or tap a button.")], None
            return [f"📖 {entry.question}\n\n{entry.answer}"], None
        return [_("What would you like to do?")], None

    def _question_texts(self, full: bool) -> list[str]:
        question, quiz, progress, t = self._question(), self._quiz(), self.state.quiz, self.t
        if question is None or quiz is None or progress is None:
            return [self._("What would you like to do?")]
        header = self._("Question {n}/{total}").format(
            n=t.number(progress.index + 1), total=t.number(len(quiz.questions))
        )
        if question.type is QuestionType.SHORT:
            hint = self._("Type your answer.")
        elif question.type is QuestionType.MULTIPLE:
            hint = self._("Choose every right answer, then tap “Done”.")
        else:
            hint = ""
        body = f"❓ {header}\n{question.prompt}" + (f"\n({hint})" if hint else "")
        if full and question.scenario:
            return [f"💬 {question.scenario}", body]
        return [body]

    def _result_text(self) -> str:
        progress, quiz, t = self.state.quiz, self._quiz(), self.t
        if progress is None or quiz is None or progress.last_points is None:
            return self._("What would you like to do?")
        score = self._("You got {points} of {total} points.").format(
            points=t.number(round(progress.last_points, 2)), total=t.number(len(quiz.questions))
        )
        if progress.last_passed:
            return score + " " + self._("🎉 You passed this lesson!")
        return (
            score
            + " "
            + self._(
                "You need {percent} to pass. Read the lesson again and have another go!"
            ).format(percent=t.percent(quiz.pass_mark))
        )


def _bubbles(lesson: Lesson) -> list[tuple[str, str | None]]:
    bubbles = [(bubble.text, bubble.image) for bubble in lesson.bubbles]
    if lesson.try_it:
        bubbles.append(("👉 " + lesson.try_it, None))
    return bubbles


def _mark(done: bool) -> str:
    return "✅ " if done else ""


def _key(question: Question, t: Translator) -> str:
    if question.type is QuestionType.TRUE_FALSE:
        return t.gettext("True") if question.answer else t.gettext("False")
    if question.type is QuestionType.SHORT:
        return question.answers[0]
    return "; ".join(o.text for o in question.options if o.correct)
