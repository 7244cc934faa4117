"""Headless quick checks for scripts and cron: ``rooms``, ``runs``, ``run``, ``events``, ``watch``,
``status``, ``launch``.

Data on stdout (a table, ``--json`` or ``--jsonl``), narration and errors on stderr, stable exit
codes (:mod:`tui.headless.exitcodes`). Same profiles, token cache, SQLite cache and budgets as the
TUI, through :mod:`tui.core`; never imports Textual, and each command imports only what it uses
(see :mod:`tui.headless.context` and :mod:`tui.headless.quick` for the fast path).
"""

from __future__ import annotations

import argparse
import importlib

from .parser import COMMANDS


def main(args: argparse.Namespace) -> int:
    """Run the headless command ``args.command``; returns the process exit code."""
    from .runner import run

    module = importlib.import_module(f".{args.command}", __name__)
    return run(args, module.execute)


__all__ = ["COMMANDS", "main"]
