"""Place search speed over the real 3,321 communes, in microseconds per search.

Prints one JSON object: the time to build the index from the package data, then for each typed
text the median over `--repeat` rounds of `--calls` searches. The baseline, measured in the same
run, is the least any search does: one substring test of the folded text against every
commune's precomputed folded name. `vs_scan` is a search's time over that scan's (the search
reads the text several ways, ranks and may scan more than once). Absolute numbers vary with
the machine: compare the ratios.

    python bench/places_search.py [--calls 500] [--repeat 5]
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

from bot.places.data import load_places  # noqa: E402
from bot.text import fold  # noqa: E402

TEXTS = [
    "Ba Đình",  # exact, accents typed
    "ba dinh",  # folded, three communes
    "phuong ba dinh",  # with the unit word
    "tân phú",  # thirteen matches, five shown
    "tan phu dong nai",  # narrowed by a province named after it
    "xã phú lâm, huyện tân phú, tỉnh đồng nai",  # an old full address
    "tp hcm",  # a province alone
    "hoà",  # two hundred matches
    "t",  # one letter: nearly every name
    "xyzzy",  # nothing
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
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    places = load_places()
    build_ms = round((time.perf_counter() - start) * 1000, 1)
    names = [fold(commune.name) for commune in places.communes]

    def scan(text: str) -> Callable[[], object]:
        key = fold(text)
        return lambda: [name for name in names if key in name]

    baseline = per_call(scan("ba dinh"), args.calls, args.repeat)
    searches = {}
    for text in TEXTS:
        micros = per_call(lambda text=text: places.search(text), args.calls, args.repeat)
        searches[text] = {"us": micros, "vs_scan": round(micros / baseline, 2)}
    print(
        json.dumps(
            {
                "communes": len(places),
                "data_version": places.version,
                "build_ms": build_ms,
                "scan_us": baseline,
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
