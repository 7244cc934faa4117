"""The comparison's status reads are charged to the profile's ledger by the one rule (issue 20.1 +
issue 17): the question's run list to the question, a single run to that run. Against the strict
emulator (429 beyond 20 status reads per object per hour) comparing again and again crosses no
limit: a completed run is read once and then served from the cache, and a spent budget shows
"next read at HH:MM" instead of calling the platform."""

from __future__ import annotations

from tui.core.compare_load import RunCompare
from tui.core.reads import BudgetWait
from tui.emulator.liveramp.lifecycle import run_state
from tui.ui.screens.compare import open_compare

from .conftest import SIZE, screen_text, wait_for_workers
from .test_budget_strict import PRESSES, strict_app
from .test_compare import completed_question, open_question


async def test_compare_reads_are_charged_and_stay_inside_the_strict_limits(clock):
    app = strict_app(clock)
    session = app.sessions[0]
    world = session.demo.app().state.liveramp
    q, done = completed_question(world, clock.now())
    newest, previous, oldest = done[0], done[1], done[2]
    ledger = session.ledger
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        # two runs named, no question: each run is one status read, charged to it
        cmp = await RunCompare(session, newest.id, previous.id).start()
        assert (cmp.a.id, cmp.b.id) == (previous.id, newest.id)
        assert ledger.reads_used(newest.id) == 1 and ledger.reads_used(previous.id) == 1
        # completed runs never change: comparing them again spends nothing
        for _ in range(PRESSES):
            await RunCompare(session, newest.id, previous.id).start()
        assert ledger.reads_used(newest.id) == 1 and ledger.reads_used(previous.id) == 1

        # the default partner comes from the question's run list: one read charged to the question
        await RunCompare(session, oldest.id, question_id=q.id).start()
        assert ledger.reads_used(q.id) == 1

        # a run whose budget is spent (the screens and the board spent it) is not read: BudgetWait
        other = next(r for r in world.runs.values() if r.id not in {newest.id, previous.id, oldest.id}
                     and run_state(r, clock.now()).status == "COMPLETED")
        while ledger.claim_read(other.id, urgent=True):
            pass
        before = world.counters.status_reads.get(other.id, 0)
        try:
            await RunCompare(session, other.id, newest.id).start()
        except BudgetWait as wait:
            assert wait.obj == other.id
        else:
            raise AssertionError("a spent budget must not be read past")
        assert world.counters.status_reads.get(other.id, 0) == before

        # the screen says when the next read is allowed
        await open_question(pilot, app, q)
        open_compare(app.screen, session, RunCompare(session, other.id, newest.id), "spent")
        await wait_for_workers(pilot)
        assert "next read at" in screen_text(app)
        assert world.limit_violations == []
