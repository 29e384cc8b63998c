"""Everything the bot sends first: queued in the outbox, drained per channel by the scheduler.

Modules:
    drainer: `OutboxDrainer`, one channel's drain: claim due rows, check, render, send, mark.
    announce: `queue_announcement`, the first sender (`hocvuso announce`), everywhere or in
        one area and target group; `announcement_reach` counts its recipients (dry run).
    payload: the outbox row's payload <-> neutral replies.
"""

from bot.outbox.announce import announcement_reach, queue_announcement
from bot.outbox.drainer import DrainReport, OutboxDrainer
from bot.outbox.payload import payload_of, replies_of

__all__ = [
    "DrainReport",
    "OutboxDrainer",
    "announcement_reach",
    "payload_of",
    "queue_announcement",
    "replies_of",
]
