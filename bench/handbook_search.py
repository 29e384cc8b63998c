"""Handbook ("Sổ tay") search speed over the shipped handbook, in microseconds per search.

The search runs on every text typed in the menu, so it must stay cheap. Prints one JSON object:
the time to build the index from the loaded entries, then for each typed text the median over
`--repeat` rounds of `--calls` searches. The baseline, measured in the same run, is the least a
search does: folding the text into words. `vs_fold` is a search's time over that. Absolute
numbers vary with the machine: compare the ratios, or run the script on two commits in turn.

    python bench/handbook_search.py [--calls 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.content import load_catalog  # noqa: E402
from bot.handbook import Handbook  # noqa: E402
from bot.text import words  # noqa: E402

TEXTS = [
    "Làm sao chuyển tiền bằng mã QR?",  # a whole question, accents typed
    "cach chuyen tien qr",  # folded
    "chuyển tiền",  # two common words
    "tôi bị lừa",  # accents that must not fold
    "otp là gì",  # a question form
    "ck nham tai khoan thi lam sao",  # abbreviations
    "chuyen tein bang ma qr",  # a typo: the close-word lookup
    "Con tôi nhắn Zalo hỏi mượn 5 triệu gấp, có phải lừa đảo không vậy bác ơi",  # long
    "xin chào",  # nothing
    "asdfgh qwerty",  # nothing, with the close-word lookup
]


def per_call(action: Callable[[], object], calls: int, repeat: int) -> float:
    """Median microseconds per call over `repeat` rounds of `calls` calls."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            action()
        rounds.append((time.perf_counter() - start) / calls * 1e6)
    return round(statistics.median(rounds), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    entries = load_catalog().handbook.entries
    start = time.perf_counter()
    handbook = Handbook(entries)
    build_ms = round((time.perf_counter() - start) * 1000, 1)

    baseline = per_call(lambda: words(TEXTS[0]), args.calls, args.repeat)
    searches = {}
    for text in TEXTS:
        micros = per_call(lambda text=text: handbook.search(text), args.calls, args.repeat)
        searches[text] = {"us": micros, "vs_fold": round(micros / baseline, 1)}
    print(
        json.dumps(
            {
                "entries": len(handbook),
                "build_ms": build_ms,
                "fold_us": baseline,
                "search": searches,
                "median_us": statistics.median(item["us"] for item in searches.values()),
                "max_us": max(item["us"] for item in searches.values()),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
