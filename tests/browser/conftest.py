"""Browser tests: headless Chromium (the distribution's package) driven through the DevTools protocol."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .cdp import find_chromium


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        pytest.skip("textual-serve is not installed (pip install -e '.[test]')")
    path = find_chromium()
    if path is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium; "
                    "or set CLEANROOM_TUI_CHROMIUM to its path)")
    return path


@pytest.fixture
def isolated_env(tmp_path) -> dict[str, str]:
    """Environment for served app processes: their own state, cache and (absent) config."""
    from .harness import env

    return env(CLEANROOM_TUI_STATE_DIR=str(tmp_path / "state"), CLEANROOM_TUI_CACHE_DIR=str(tmp_path / "cache"),
               CLEANROOM_TUI_CONFIG=str(tmp_path / "config.toml"))


@pytest.fixture
def artifacts(tmp_path) -> Path:
    """Where a failing browser test leaves its screenshot (``CLEANROOM_TUI_ARTIFACTS`` or the test's tmp dir)."""
    path = Path(os.environ.get("CLEANROOM_TUI_ARTIFACTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path
