"""Reminders: at most one nudge a day, at the learner's time, through the outbox.

Modules:
    policy: the pure rules (slots, quiet hours, done today, back-off) -> due or why not.
    messages: the rotating texts naming the next lesson, with their buttons.
    job: `ReminderJob`, the one periodic job that queues the due reminders.
"""

from bot.reminders.job import INTERVAL, JOB, ReminderJob, ReminderRun

__all__ = ["INTERVAL", "JOB", "ReminderJob", "ReminderRun"]
