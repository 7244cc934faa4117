"""Export jobs from a clean room's Exports tab and from a completed run (issue 20.3): the form is
checked before anything is sent, the confirmation shows the exact request and body, the write is
sent once and journaled, pause/resume, read-only refusal, a failed run's error shown in place."""

from __future__ import annotations

import json

from textual.widgets import Input, Select, SelectionList

from tui.store import Store
from tui.ui.jump_index import Target

from .conftest import SIZE, press, screen_text, session, table, wait_for_workers

ROOM = "Northwind × Contoso Media Measurement"


def _room(lr):
    return lr.find_room(ROOM)


async def _exports_tab(pilot, app, lr):
    room = _room(lr)
    s = session(app, "liveramp")
    app.open(s, Target("room", room.id, room.name, s.name, room.display_id))
    await wait_for_workers(pilot)
    app.screen.show_tab("exports")
    await wait_for_workers(pilot)
    jobs = table(app, "#exports-pane")
    jobs.focus()
    await pilot.pause()
    return room


def _account(lr, name):
    return next(a for a in lr.partner_accounts.values() if a.name == name)


async def _fill_form(pilot, app, question_id, account_ids, params):
    form = app.screen
    assert type(form).__name__ == "ExportForm"
    if question_id is not None:
        form.query_one("#export-question", Select).value = question_id
    for account in account_ids:
        form.query_one("#export-destinations", SelectionList).select(account)
    form.query_one("#export-params", Input).value = params
    await pilot.pause()
    form.query_one("#review").press()
    await wait_for_workers(pilot)


async def test_create_checks_the_form_confirms_the_exact_request_and_sends_once(make_app, clock):
    store = Store.in_memory(now=clock.now)
    app = make_app(store=store)
    lr = app.sessions[0].demo.app().state.liveramp
    before = set(lr.export_jobs)
    async with app.run_test(size=SIZE) as pilot:
        room = await _exports_tab(pilot, app, lr)
        q = next(q for q in lr.questions.values() if q.room_id == room.id and q.title == "Large Audience Export")
        s3 = _account(lr, "Northwind S3 exports")
        pending = _account(lr, "Contoso Pinterest")
        await press(pilot, "n")
        form = app.screen
        assert type(form).__name__ == "ExportForm"
        # the destination whose channel is pending is listed, not tickable
        destinations = form.query_one("#export-destinations", SelectionList)
        options = [destinations.get_option_at_index(i) for i in range(destinations.option_count)]
        assert [o.disabled for o in options if o.value == pending.id] == [True]
        # nothing ticked: said under the form, nothing sent
        await _fill_form(pilot, app, q.id, [], "")
        assert "Tick at least one destination" in screen_text(app)
        await _fill_form(pilot, app, None, [s3.id], "s3 path=x")
        assert "upper-case letters" in screen_text(app) and set(lr.export_jobs) == before
        await _fill_form(pilot, app, None, [], "S3_EXPORT_PATH=s3://nw/exports/")
        assert type(app.screen).__name__ == "ConfirmScreen"
        body = app.screen.body.plain
        assert f"POST /v1/cleanrooms/{room.id}/exports/jobs" in body
        sent = {"cleanroomQuestionId": q.id, "partnerAccountIds": [s3.id],
                "exportParameters": [{"name": "S3_EXPORT_PATH", "value": "s3://nw/exports/"}]}
        assert json.dumps(sent, ensure_ascii=False) in body.replace("\n", "")
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        new = set(lr.export_jobs) - before
        assert len(new) == 1
        job = lr.export_jobs[new.pop()]
        assert job.account_id == s3.id and job.parameters == sent["exportParameters"]
        entry = store.journal_for_object("demo-liveramp", job.id)
        assert entry is not None and entry.state == "succeeded" and entry.target == f"export:{room.id}:{q.id}"
        assert table(app, "#exports-pane").row(job.id) is not None  # the tab reloaded


async def test_pause_and_resume_a_job(make_app):
    app = make_app()
    lr = app.sessions[0].demo.app().state.liveramp
    job = next(j for j in lr.export_jobs.values() if j.status == "ACTIVE")
    async with app.run_test(size=SIZE) as pilot:
        await _exports_tab(pilot, app, lr)
        assert table(app, "#exports-pane").select_key(job.id)
        await press(pilot, "p")
        assert type(app.screen).__name__ == "ConfirmScreen"
        body = app.screen.body.plain
        assert f"PATCH /v1/exports/jobs/{job.id}/status" in body and '{"status": "PAUSED"}' in body
        await press(pilot, "escape")  # cancelled: nothing sent
        assert job.status == "ACTIVE"
        await press(pilot, "p", "tab", "enter")
        await wait_for_workers(pilot)
        assert job.status == "PAUSED"
        assert table(app, "#exports-pane").row(job.id).cells[3].plain == "PAUSED"
        assert table(app, "#exports-pane").select_key(job.id)
        await press(pilot, "p")
        assert '{"status": "ACTIVE"}' in app.screen.body.plain
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        assert job.status == "ACTIVE"


async def test_read_only_refuses_and_keys_say_where_they_work(make_app):
    app = make_app(readonly=True)
    lr = app.sessions[0].demo.app().state.liveramp
    job = next(j for j in lr.export_jobs.values() if j.status == "ACTIVE")
    before = set(lr.export_jobs)
    async with app.run_test(size=SIZE) as pilot:
        await _exports_tab(pilot, app, lr)
        assert table(app, "#exports-pane").select_key(job.id)
        await press(pilot, "n")
        await press(pilot, "p")
        assert type(app.screen).__name__ == "CleanRoomScreen"
        assert job.status == "ACTIVE" and set(lr.export_jobs) == before

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        room = _room(lr)
        s = session(app, "liveramp")
        app.open(s, Target("room", room.id, room.name, s.name, room.display_id))
        await wait_for_workers(pilot)
        await press(pilot, "n")  # the Overview tab: the key says where it works
        assert type(app.screen).__name__ == "CleanRoomScreen"
        assert "Exports tab" in " ".join(str(n.message) for n in app._notifications)


async def test_a_job_screen_lists_runs_and_shows_a_failed_runs_error(make_app):
    app = make_app()
    lr = app.sessions[0].demo.app().state.liveramp
    job = next(j for j in lr.export_jobs.values() if j.status == "ACTIVE")
    async with app.run_test(size=SIZE) as pilot:
        await _exports_tab(pilot, app, lr)
        assert table(app, "#exports-pane").select_key(job.id)
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "ExportJobScreen"
        runs = table(app, "#job-runs-pane")
        failed = [r for r in runs.visible_rows() if r.payload.status == "FAILED"]
        assert failed, "seed 7 has a failed run of this job"
        assert runs.select_key(failed[0].key)
        await wait_for_workers(pilot)
        text = screen_text(app)
        assert "FAILED" in text and failed[0].payload.error_message[:40] in text
        # a job's runs are a status read charged to the job (LiveRamp's per-object hourly cap)
        ledger = session(app, "liveramp").ledger
        used = ledger.reads_used(job.id)
        assert used >= 1
        await press(pilot, "r")
        assert ledger.reads_used(job.id) == used + 1
        # the newest run is the one the job started at its last due time: queued, then processing
        assert runs.row(runs.selected_key) is not None


async def test_n_on_a_completed_run_preselects_its_question(make_app, clock):
    from tui.emulator.liveramp.lifecycle import run_state

    app = make_app()
    lr = app.sessions[0].demo.app().state.liveramp
    room = _room(lr)
    q = next(q for q in lr.questions.values() if q.room_id == room.id and q.title == "Large Audience Export")
    run = next(lr.runs[r] for r in lr.runs_by_question[q.id]
               if run_state(lr.runs[r], clock.now()).status == "COMPLETED")
    async with app.run_test(size=SIZE) as pilot:
        s = session(app, "liveramp")
        room_t = Target("room", room.id, room.name, s.name, room.display_id)
        q_t = Target("question", q.id, q.title, s.name, q.display_id, path=(room_t,))
        app.open(s, Target("run", run.id, run.name, s.name, path=(room_t, q_t)))
        await wait_for_workers(pilot)
        assert app.screen.run.status == "COMPLETED"
        await press(pilot, "n")
        assert type(app.screen).__name__ == "ExportForm"
        assert app.screen.query_one("#export-question", Select).value == q.id


async def test_flow_node_exports_tab_create_and_pause(make_app):
    app = make_app()
    lr = app.sessions[0].demo.app().state.liveramp
    room = _room(lr)
    flow = next(f for f in lr.flows.values() if f.room_id == room.id)
    node = flow.nodes[0]
    before = set(lr.export_jobs)
    async with app.run_test(size=SIZE) as pilot:
        s = session(app, "liveramp")
        room_t = Target("room", room.id, room.name, s.name, room.display_id)
        app.open(s, Target("flow", flow.id, flow.name, s.name, flow.display_id, path=(room_t,)))
        await wait_for_workers(pilot)
        await press(pilot, "n")  # not on the Exports tab: said, nothing opens
        assert type(app.screen).__name__ == "FlowScreen"
        app.screen.show_tab("exports")
        await wait_for_workers(pilot)
        await press(pilot, "n")
        assert type(app.screen).__name__ == "ExportForm" and app.screen.what == "Flow node"
        ttd = _account(lr, "Northwind TTD seat")
        await _fill_form(pilot, app, node.id, [ttd.id], "")
        assert type(app.screen).__name__ == "ConfirmScreen"
        body = app.screen.body.plain.replace("\n", "")
        assert f"POST /v1/cleanrooms/{room.id}/cleanroom-flows/" in body and "/nodes/exports" in body
        assert f'"nodeId": "{node.id}"' in body
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        (new,) = set(lr.export_jobs) - before
        assert lr.export_jobs[new].node_id == node.id
        pane = table(app, "#flow-exports-pane")
        assert pane.select_key(new)
        await press(pilot, "p")
        assert "/nodes/exports/status" in app.screen.body.plain and '"status": "PAUSED"' in app.screen.body.plain
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        assert lr.export_jobs[new].status == "PAUSED"
