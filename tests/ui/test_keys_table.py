"""README's TUI key table is generated from tui/ui/bindings.py and must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tui.ui.bindings import COMMANDS

SCRIPT = Path(__file__).parents[2] / "scripts" / "keys_table.py"


def _script():
    spec = importlib.util.spec_from_file_location("keys_table", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_key_table_is_current():
    keys = _script()
    section = keys.render()
    readme = keys.README.read_text(encoding="utf-8")
    assert section in readme, "README's key table is stale: run python scripts/keys_table.py"
    # every command is a row, with its description
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith(("| Where", "| ---"))]
    assert len(rows) == len(COMMANDS)
    for command in COMMANDS:
        assert any(f"| {command.description} |" in row for row in rows), command.id


def test_a_pipe_in_a_help_text_cannot_break_the_table():
    assert _script()._cell("a | b") == "a \\| b"
