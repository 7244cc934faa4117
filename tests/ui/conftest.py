"""UI tests use the root fixtures (tests/conftest.py: ``make_app``, ``clock``, ``world``, isolated
dirs) and the Pilot helpers in tests/helpers.py, re-exported here for ``from .conftest import …``."""

from tests.helpers import (  # noqa: F401
    SIZE,
    SNAPSHOTS,
    assert_snapshot,
    open_key,
    plain_rows,
    press,
    screen_text,
    session,
    settle,
    table,
    until,
    wait_for_workers,
)
