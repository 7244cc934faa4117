"""Run every benchmark, print one table and write ``tests/bench/REPORT.md``.

    python -m tests.bench [--quick] [--only NAME ...] [--report PATH]

Each benchmark module exposes ``measure(quick: bool = False) -> list[dict]``; each row compares our
figure with a baseline measured in the same run (see ``report.py``). A module that is missing or
has no ``measure`` yet shows as "not built"; one that raises shows its error — the rest still run.
The hand-written profiling notes (``PROFILING.md`` next to this file) are appended to the report.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench import report  # noqa: E402

#: name → (module, what it measures); run in this order
BENCHES = {
    "startup": ("tests.bench.bench_startup", "start-up to first row, cold and warm cache"),
    "headless": ("tests.bench.bench_headless", "headless runs --json vs the vendor SDK CLI"),
    "eventlog": ("tests.bench.bench_eventlog", "100k-event log vs Textual's DataTable"),
    "table": ("tests.bench.bench_table", "5,000-row list: open, keyed-diff refresh, scroll vs DataTable"),
    "results": ("tests.bench.bench_results", "1M-row result preview: first page, jump to end"),
    "compare": ("tests.bench.bench_compare", "compare two 1M-row runs: first screen of differences"),
    "watch": ("tests.bench.bench_watch", "watcher economy: status calls vs naive polling"),
    "idle": ("tests.bench.bench_idle_tui", "idle CPU of the running TUI watching 10 runs"),
    "serve": ("tests.bench.bench_serve", "browser mode: page to first row vs textual-serve + bare app"),
}


def not_built(name: str, why: str) -> dict:
    return {"figure": f"{name}: {BENCHES[name][1]}", "ours": None, "baseline": None, "unit": "",
            "target": "not built", "passed": None, "note": f"not built ({why})"}


def run_bench(name: str, quick: bool) -> list[dict]:
    module_name = BENCHES[name][0]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return [not_built(name, f"{module_name} does not exist")]
        raise
    measure = getattr(module, "measure", None)
    if measure is None:
        return [not_built(name, f"{module_name} has no measure()")]
    try:
        rows = list(measure(quick=quick))
    except Exception as exc:  # one broken bench must not lose the others' figures
        traceback.print_exc()
        return [{"figure": f"{name}: {BENCHES[name][1]}", "ours": None, "baseline": None, "unit": "",
                 "target": "–", "passed": False, "note": f"the benchmark failed: {type(exc).__name__}: {exc}"}]
    return rows or [not_built(name, "measure() returned no rows")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and shorter windows")
    parser.add_argument("--only", action="append", choices=sorted(BENCHES), metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(BENCHES)}")
    parser.add_argument("--report", type=Path, default=HERE / "REPORT.md",
                        help="where to write the Markdown report (default tests/bench/REPORT.md)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONPATH", str(ROOT))  # benchmark subprocesses import this checkout

    names = [n for n in BENCHES if not args.only or n in args.only]
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    started = time.monotonic()
    rows: list[dict] = []
    for name in names:
        t0 = time.monotonic()
        print(f"… {name}: {BENCHES[name][1]}", file=sys.stderr, flush=True)
        got = run_bench(name, args.quick)
        rows += got
        print(f"  {name} done in {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.monotonic() - started

    command = "python -m tests.bench" + (" --quick" if args.quick else "") + "".join(
        f" --only {n}" for n in args.only or [])
    host = report.machine()
    if load_before is not None:  # other jobs on the machine show up here: read the figures with it
        host["load"] = f"{load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end (1 min)"
    text = report.render(rows, host=host, packages=report.versions(), elapsed_s=elapsed,
                         quick=args.quick, command=command)
    profiling = HERE / "PROFILING.md"
    if profiling.exists():
        text += "\n" + profiling.read_text(encoding="utf-8")
    print()
    print(report.markdown_table(rows))
    print(f"\n{elapsed:.0f} s; report written to {args.report}")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text, encoding="utf-8")
    return 1 if any(r.get("passed") is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
