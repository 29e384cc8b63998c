"""Reminders: at most one nudge a day, at the learner's time, through the outbox.

Modules:
    policy: the pure rules (slots, quiet hours, done today, back-off) -> due or why not.
    messages: the rotating texts naming the next lesson, with their buttons.
    job: `ReminderJob`, the one periodic job that queues the due reminders.
    weekly: `WeeklySummaryJob`, each ambassador's summary of their villagers' week (Monday
        08:00), with its text in `summary`.
"""

from bot.reminders.job import INTERVAL, JOB, ReminderJob, ReminderRun
from bot.reminders.weekly import WeeklyRun, WeeklySummaryJob

__all__ = ["INTERVAL", "JOB", "ReminderJob", "ReminderRun", "WeeklyRun", "WeeklySummaryJob"]
