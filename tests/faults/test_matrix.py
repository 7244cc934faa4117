"""README's Reliability matrix is generated from this suite and must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "reliability_matrix.py"


def _script():
    spec = importlib.util.spec_from_file_location("reliability_matrix", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_matrix_is_current():
    matrix = _script()
    section = matrix.render(matrix.collect())
    readme = matrix.README.read_text(encoding="utf-8")
    assert section in readme, "README's reliability matrix is stale: run python scripts/reliability_matrix.py"
    # it really is the suite: every TUI screen × fault drill is a cell
    assert section.count("✓") >= 7 * 11 + 6 * 11


def test_matrix_marks_only_what_is_collected():
    matrix = _script()
    tests = [("tests/faults/test_tui_drills.py", "test_screen_survives_fault", "home.500"),
             ("tests/faults/test_tui_drills.py", "test_screen_survives_fault", "run.429"),
             ("tests/faults/test_x.py", "test_other_thing", "")]
    section = matrix.render(tests)
    assert "| home | ✓ |   |" in section and "| run |   | ✓ |" in section
    assert "`test_x.py`: other thing" in section
