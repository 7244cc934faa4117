"""Small modules with one concern (issue 17): no module in tui/ over 500 lines.

A module that grows past it is split along its section banners (``# ----- …``), the old module
re-exporting what moved (see tui/core/watch.py, tui/core/launch.py for the pattern), or into a package
whose ``__init__`` re-exports it (tui/api/liveramp/models/, tui/api/liveramp/client/).
"""

from __future__ import annotations

from pathlib import Path

import tui

LIMIT = 500


def test_no_module_over_the_limit():
    root = Path(tui.__file__).parent
    sizes = {path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in root.rglob("*.py")}
    over = {name: n for name, n in sizes.items() if n > LIMIT}
    assert not over, f"modules over {LIMIT} lines (split them along their section banners): {over}"
