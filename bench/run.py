"""Run the benchmarks and print the table of their figures (`make bench`, `make bench-quick`).

    python bench/run.py [--quick] [--readme] [NAME ...]

Each benchmark runs in its own process (a clean heap and event loop each, so one does not
warm up or slow down the next) as `python bench/<script> [--quick]`. NAME picks some of them
(`throughput`, `reports`, ...). `--readme` rewrites the table in README.md between its
`<!-- bench:start -->` and `<!-- bench:end -->` markers.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from results_file import table  # noqa: E402

# name -> script: in the order they run (the cheap, noise-sensitive ones first).
BENCHMARKS = {
    "webchat": "webchat_throughput.py",
    "throughput": "telegram_throughput.py",
    "reports": "reports_summary.py",
    "footprint": "footprint.py",
    "fanout": "fanout.py",
    "contest": "contest_load.py",
    "scaleout": "scaleout.py",
}
README = HERE.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_readme(text: str) -> None:
    content = README.read_text(encoding="utf-8")
    if START not in content or END not in content:
        print(f"README.md has no {START} / {END} markers; table not written", file=sys.stderr)
        return
    head, tail = content.partition(START)[0], content.partition(END)[2]
    README.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (under 3 minutes)")
    parser.add_argument("--readme", action="store_true", help="put the table in README.md")
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    args = parser.parse_args()
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; choose among {', '.join(BENCHMARKS)}")
    failed = []
    for name in args.names or list(BENCHMARKS):
        script = HERE / BENCHMARKS[name]
        if not script.exists():
            print(f"# {name}: {script.name} is not written yet; skipped", file=sys.stderr)
            continue
        print(f"# {name} ({script.name}{' --quick' if args.quick else ''})", flush=True)
        started = time.monotonic()
        command = [sys.executable, str(script), *(["--quick"] if args.quick else [])]
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(name)
        print(f"# {name}: {time.monotonic() - started:.0f} s", flush=True)
    text = table()
    print(text)
    if args.readme:
        write_readme(text)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
