"""Layout snapshots of every main screen (plain text of the rendered screen).

pytest-textual-snapshot cannot be installed next to pytest 9, so this compares the text of what
``export_screenshot`` renders with tests/ui/snapshots/<name>.txt (an SVG is written next to it for
review). Regenerate after an intended change with ``UPDATE_SNAPSHOTS=1 pytest tests/ui``.
"""

from __future__ import annotations

from .conftest import assert_snapshot, wait_for_workers
from .tour import tour


async def test_main_screens_at_120x40(make_app):
    app = make_app()
    seen = []
    async with app.run_test(size=(120, 40)) as pilot:
        async for name in tour(pilot):
            assert_snapshot(app, name)
            seen.append(name)
    assert len(seen) == 11


async def test_home_and_a_question_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        steps = tour(pilot)
        assert await anext(steps) == "home"
        assert_snapshot(app, "home-80x24")
        assert await anext(steps) == "room-overview"
        assert await anext(steps) == "room-questions"
        assert_snapshot(app, "room-questions-80x24")
        assert await anext(steps) == "question-runs"
        assert_snapshot(app, "question-runs-80x24")
        await steps.aclose()
        await wait_for_workers(pilot)
