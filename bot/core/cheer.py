"""A completed step (a lesson read, a quiz finished, a review round done) counts for the
streak; the first step of a day gets a short encouraging line. Never a word about a lost
streak: after a break the learner is welcomed back."""

from __future__ import annotations

from bot.core.streak import StreakNews, count_step, local_day
from bot.core.turn import Turn


def step_done(turn: Turn) -> None:
    """Count today's step and, when it is the day's first, say something kind."""
    streak = turn.state.streak
    news = count_step(streak, local_day(turn.ctx.now, turn.ctx.zone))
    if news is StreakNews.FIRST:
        turn.say(turn._("🌱 One step done today. Well done!"))
    elif news is StreakNews.CONTINUED:
        turn.say(
            turn._("🔥 {days} days in a row! Keep it up.").format(
                days=turn.t.number(streak.current)
            )
        )
    elif news is StreakNews.FRESH_START:
        turn.say(turn._("🌱 Welcome back! One step done today: every day of learning counts."))
