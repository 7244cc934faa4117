"""Benchmark: a 5,000-row list in the app's table (``ResourceTable``) — open, keyed-diff refresh and
scroll — against Textual's built-in ``DataTable`` loading the same rows, in the same run (issue 5:
"a 5,000-row list opens in < 1 s and scrolls without stutter").

Both tables run in a headless Textual app (``run_test``) at 120×40, each run in a fresh process;
each figure is the median of a few interleaved runs. Open = from handing over the rows to the frame that shows them. Refresh = the same list
again with 1 % of rows changed (ours: ``set_rows`` diffs by key; DataTable: clear and reload, what it
offers). Scroll = PageDown from the top to the bottom, the worst single step: the action plus rendering
the lines it brings into view (a step longer than a frame or two is what a user sees as stutter).

    python -m tests.bench.bench_table [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable

from tui.ui.widgets.resource_table import Col, ResourceTable, Row

ROWS = 5000
COLUMNS = ("Name", "Id", "Type", "Status", "Partners", "Questions", "Updated")


def _cells(i: int, generation: int = 0) -> tuple[str, ...]:
    status = "RUNNING" if (i + generation) % 100 == 0 else "COMPLETED"
    return (f"Clean room {i:05d} measurement", f"CR-{i:06d}", "Hybrid", status, "Contoso Media, Fabrikam",
            str(i % 40), f"2026-11-{1 + i % 28:02d} 09:{i % 60:02d}")


def _ours(generation: int = 0) -> list[Row]:
    return [Row(key=f"r{i}", cells=tuple(Text(c) for c in _cells(i, generation)), copy_id=f"CR-{i:06d}")
            for i in range(ROWS)]


class Bench(App):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.animation_level = "none"  # page-down scrolls at once

    def compose(self) -> ComposeResult:
        if self.kind == "ours":
            yield ResourceTable(tuple(Col(c.lower(), c) for c in COLUMNS), title="rooms", id="t")
        else:
            table = DataTable(id="t")
            table.add_columns(*COLUMNS)
            yield table


def _fill(app: Bench, generation: int) -> None:
    table = app.query_one("#t")
    if app.kind == "ours":
        table.set_rows(_ours(generation))
    else:
        table.clear()
        for i in range(ROWS):
            table.add_row(*_cells(i, generation), key=f"r{i}")


async def _run(kind: str) -> dict[str, float]:
    app = Bench(kind)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.query_one("#t")
        table.focus()
        t0 = time.perf_counter()
        _fill(app, 0)
        await pilot.pause()
        opened = time.perf_counter() - t0
        t0 = time.perf_counter()
        _fill(app, 1)
        await pilot.pause()
        refreshed = time.perf_counter() - t0
        worst = 0.0
        region = Region(0, 0, table.size.width, table.size.height)
        while table.scroll_y < table.max_scroll_y:
            # one step = the page-down action and rendering the lines it brings into view (what a
            # frame costs the app); the key and frame plumbing around it is the same for both
            t0 = time.perf_counter()
            table.action_page_down()
            table.render_lines(region)
            worst = max(worst, time.perf_counter() - t0)
            await pilot.pause()
        return {"open": opened, "refresh": refreshed, "scroll": worst}


def _in_child(kind: str) -> dict[str, float]:
    """One run in a fresh process, as an app has its own: a runner process that already holds other
    benchmarks' objects would charge their garbage collection to whichever step it lands in."""
    import json
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, "-m", "tests.bench.bench_table", "--child", kind], cwd=root, env=env,
                         capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(quick: bool = False) -> list[dict]:
    repeat = 1 if quick else 3
    ours, base = [], []
    for _ in range(repeat):  # interleaved
        ours.append(_in_child("ours"))
        base.append(_in_child("datatable"))

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    note = f"headless app 120×40, {ROWS:,} rows × {len(COLUMNS)} columns, median of {repeat}; baseline: Textual DataTable"
    return [
        {"figure": "5,000-row list: open to first frame", "ours": med(ours, "open"), "baseline": med(base, "open"),
         "unit": "s", "target": "< 1 s", "passed": med(ours, "open") < 1.0, "note": note},
        {"figure": "5,000-row list: refresh with 1 % changed", "ours": med(ours, "refresh"),
         "baseline": med(base, "refresh"), "unit": "s", "target": "keyed diff, < 1 s",
         "passed": med(ours, "refresh") < 1.0,
         "note": "ours diffs by row key (set_rows); DataTable: clear and reload"},
        {"figure": "5,000-row list: worst PageDown step, top to bottom", "ours": med(ours, "scroll"),
         "baseline": med(base, "scroll"), "unit": "s", "target": "≤ 100 ms",
         "passed": med(ours, "scroll") <= 0.1, "note": "each step = the page-down action and rendering the newly visible lines"},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", choices=("ours", "datatable"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        import json

        print(json.dumps(asyncio.run(_run(args.child))))
        return 0
    for row in measure(args.quick):
        print(f"{row['figure']}: ours {row['ours']:.3f} s, DataTable {row['baseline']:.3f} s "
              f"({row['ours'] / row['baseline']:.2f}×; {row['target']}: {'pass' if row['passed'] else 'MISS'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
