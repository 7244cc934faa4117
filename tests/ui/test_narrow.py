"""80×24: the essentials stay on screen (ids, statuses, the footer's Help/Jump/Quit, the
confirmation's request and buttons), checked against the demo world's truth."""

from __future__ import annotations

from tests.helpers import open_form
from tui.emulator.liveramp.views import room_status
from tui.store import Store

from .conftest import screen_text, wait_for_workers

SMALL = (80, 24)


async def test_home_shows_every_id_and_status_and_the_main_keys(world, clock):
    app, lr, inf = world
    async with app.run_test(size=SMALL) as pilot:
        await wait_for_workers(pilot)
        lines = screen_text(app).splitlines()
        for room in lr.cleanrooms.values():
            row = next(line for line in lines if room.display_id in line)
            assert row.rstrip().endswith(room_status(room, clock.now())), row  # the status column is whole, not cut
        shown = [c for c in inf.collaborations.values() if any(c.name in line for line in lines)]
        assert shown
        for collab in shown:
            row = next(line for line in lines if collab.name in line)
            assert row.rstrip().endswith(collab.status), row
        footer = lines[-1]
        for key in ("? Help", ": Jump", "q Quit", "/ Filter"):
            assert key in footer, footer


async def test_launch_confirmation_fits_with_its_request_and_buttons(make_app, clock):
    app = make_app(store=Store.in_memory(now=clock.now))
    lr = app.sessions[0].demo.app().state.liveramp
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, app, lr)
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        text = screen_text(app)
        assert "Launch a question run" in text and "Request   POST" in text
        assert "Cancel" in text and "Launch" in text.splitlines()[-4] + text.splitlines()[-3]


async def test_collaboration_members_keep_whole_company_ids_headers_give_way(world):
    """Yes/no columns under long headers give up header letters ("Detailed …") before an id or a
    company name is cut."""
    from .conftest import open_key, table

    app, _lr, inf = world
    collab = max(inf.collaborations.values(), key=lambda c: len(c.events))
    async with app.run_test(size=SMALL) as pilot:
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#table-1"), collab.id)
        await wait_for_workers(pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Company id" in line)
        assert "Detailed …" in header, header
        for company in [collab.owner_id, *collab.members]:
            row = next(line for line in lines if company in line)
            assert row.rstrip().endswith(company), row  # whole, at the end of its row
