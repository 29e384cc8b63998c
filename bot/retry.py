"""One back-off policy for every retry in the bot: doubling waits, a cap, a number of tries.

Each use keeps its own numbers (a `Backoff` value next to the code that retries); the formula is
this one. A platform's own hint (Telegram's or Zalo's "retry after N seconds") wins when it asks
for a longer wait, still within the cap.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Waits between retries: `initial` before the first retry, doubling up to `maximum`.

    Attributes:
        initial: seconds before retry number 0.
        maximum: the longest wait, hints included.
        attempts: how many tries the caller makes before it gives up or hands the work back
            (the caller decides what giving up means; `delay` never refuses).
    """

    initial: float = 1.0
    maximum: float = 60.0
    attempts: int = 6

    def delay(self, attempt: int, hint: float | None = None) -> float:
        """The wait before retry number `attempt` (0-based); a platform hint wins if longer."""
        computed: float = min(self.maximum, self.initial * 2.0 ** max(0, attempt))
        return max(computed, min(hint, self.maximum)) if hint else computed

    def exhausted(self, tries: int) -> bool:
        """Whether `tries` tries use up the attempts."""
        return tries >= self.attempts


__all__ = ["Backoff"]
