"""``e`` on a result (a question run's results, a flow-run node's report): what to export, then where.

The table holds only the rows scrolled through (500 a page), so when the result has more, ``e``
offers the whole result — streamed page by page to the file, with progress under the table, and
``e`` again offers to cancel — besides the loaded rows, and the platform's own output file where
the run has one (downloaded as the platform sends it). The file never replaces an existing one
(:mod:`tui.core.export`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.screen import Screen

from ..core.export import exists_problem, export_result, save_bytes, unique_name
from ..core.sanitize import plain
from .widgets.load_state import describe_error
from .widgets.results_pane import PAGE, ResultsPane

GROUP = "results-export"


@dataclass
class ResultSource:
    """What can be exported of one result."""

    pane: ResultsPane
    #: a file-name stem (``results-<run>``)
    stem: str
    #: ``fetch(offset)`` → one page, fetched fresh (an export does not fill the local cache)
    fetch: Callable[[int], Awaitable[Any]]
    #: (file name, ``download()`` → bytes) of the platform's output file, when the run has one
    output_file: tuple[str, Callable[[], Awaitable[bytes]]] | None = None


def running(screen: Screen) -> bool:
    return any(w.group == GROUP and not w.is_finished for w in screen.app.workers)


def offer(screen: Screen, source: ResultSource, export_loaded: Callable[[], None]) -> None:
    """``e`` on a result: a choice when there is more than the loaded rows, else the loaded rows."""
    from .screens.pick import PickScreen

    if running(screen):
        def answer(choice: str | None) -> None:
            if choice == "cancel":
                for worker in screen.app.workers:
                    if worker.group == GROUP:
                        worker.cancel()
        screen.app.push_screen(PickScreen("An export of this result is running.", [
            ("cancel", Text("Cancel the export (no file is left behind)")),
            ("keep", Text("Keep exporting"))]), answer)
        return
    pane = source.pane
    total, loaded = pane.total, pane.loaded
    whole = total is not None and total > loaded
    if not whole and source.output_file is None:
        export_loaded()
        return
    choices: list[tuple[str, Text]] = []
    if whole:
        pages = -(-total // PAGE)
        choices.append(("whole", Text(f"The whole result: {total:,} rows, fetched {PAGE} at a time "
                                      f"({pages:,} requests), with progress")))
    choices.append(("loaded", Text(f"The {loaded:,} rows loaded so far")))
    if source.output_file is not None:
        choices.append(("file", Text.assemble("The platform's output file ",
                                              (plain(source.output_file[0], 80), "bold"), " (as it sends it)")))

    def chosen(choice: str | None) -> None:
        if choice == "loaded":
            export_loaded()
        elif choice == "whole":
            ask_path(screen, f"Export the whole result ({total:,} rows) to:", unique_name(source.stem),
                     lambda path: _start(screen, _whole(screen, source, path)))
        elif choice == "file" and source.output_file is not None:
            name, download = source.output_file
            suffix = Path(name).suffix or ".csv"
            ask_path(screen, f"Save the output file {plain(name, 60)} to:", unique_name(source.stem, suffix),
                     lambda path: _start(screen, _download(screen, source, path, download)))

    screen.app.push_screen(PickScreen("Export which rows?", choices), chosen)


def ask_path(screen: Screen, title: str, default: str, go: Callable[[Path], None]) -> None:
    from .screens.prompt import PromptScreen

    def answered(answer: str | None) -> None:
        if answer:
            go(Path(answer).expanduser())

    screen.app.push_screen(PromptScreen(title, default, help="A path ending in .json writes JSON; anything "
                                        "else CSV. An existing file is never replaced.", check=exists_problem),
                           answered)


def _start(screen: Screen, work: Awaitable[None]) -> None:
    screen.run_worker(work, group=GROUP, exit_on_error=False, description="result export")


async def _whole(screen: Screen, source: ResultSource, path: Path) -> None:
    pane, total = source.pane, source.pane.total

    def progress(rows: int) -> None:
        pane.state.note(f"Exporting to {plain(str(path), 60)}: {rows:,} of {total:,} rows written "
                        "(e cancels)")

    progress(0)
    try:
        rows = await export_result(path, source.fetch, page_size=PAGE, total=total, on_progress=progress)
    except asyncio.CancelledError:
        pane.state.note(f"Export cancelled: nothing written to {plain(str(path), 60)}.")
        raise
    except Exception as exc:
        pane.state.idle()
        _failed(screen, path, exc)
        return
    pane.state.note(f"Exported {rows:,} rows to {plain(str(path), 80)}.")
    screen.notify(f"Exported {rows:,} rows (the whole result) to {path}", title="Export", markup=False)


async def _download(screen: Screen, source: ResultSource, path: Path,
                    download: Callable[[], Awaitable[bytes]]) -> None:
    source.pane.state.note(f"Downloading the output file to {plain(str(path), 60)}… (e cancels)")
    try:
        size = save_bytes(path, await download())
    except asyncio.CancelledError:
        source.pane.state.note("Download cancelled: nothing written.")
        raise
    except Exception as exc:
        source.pane.state.idle()
        _failed(screen, path, exc)
        return
    source.pane.state.note(f"Saved the output file ({size:,} bytes) to {plain(str(path), 80)}.")
    screen.notify(f"Saved the output file ({size:,} bytes) to {path}", title="Export", markup=False)


def _failed(screen: Screen, path: Path, exc: BaseException) -> None:
    if isinstance(exc, FileExistsError):
        message = f"{path} appeared meanwhile: exports never replace a file. Nothing written."
    elif isinstance(exc, OSError):
        message = f"Could not write {path}: {exc.strerror or exc}"
    else:
        message = describe_error(exc).plain + " Nothing written."
    screen.notify(message, title="Export failed", severity="error", markup=False, timeout=10)


__all__ = ["ResultSource", "ask_path", "offer", "running"]
