"""Walk every screen on the demo world and check real content (the emulator's world is the truth)."""

from __future__ import annotations

from tui.ui.widgets.flow_tree import FlowTree
from tui.ui.widgets.results_pane import ResultsPane

from .conftest import SIZE, open_key, plain_rows, press, screen_text, table, wait_for_workers

ROOM = "CR-199659"  # the demo's busiest room: questions, runs of every kind, flows


def busiest(lr):
    room = lr.find_room(ROOM)
    questions = [q for q in lr.questions.values() if q.room_id == room.id]
    return room, questions


def runs_of(lr, question):
    return [lr.runs[r] for r in lr.runs_by_question.get(question.id, [])]


async def open_room(pilot, room):
    await wait_for_workers(pilot)
    await open_key(pilot, table(pilot.app, "#table-0"), room.id)
    assert type(pilot.app.screen).__name__ == "CleanRoomScreen"


async def test_clean_room_tabs(world):
    app, lr, _inf = world
    room, questions = busiest(lr)
    async with app.run_test(size=SIZE) as pilot:
        await open_room(pilot, room)
        text = screen_text(app)
        assert room.name in text and "Hybrid" in text and "REGION" in text
        await press(pilot, "right_square_bracket")  # partners & users
        partners = {r[0] for r in plain_rows(table(app, "#partners-pane"))}
        assert partners == {lr.orgs[p.org_id].name for p in room.partners}
        users = plain_rows(table(app, "#users-pane"))
        assert {u[3] for u in users} >= {"Administrator"}
        assert any(u[0] in partners for u in users), "partner users are attributed to their partner"
        await press(pilot, "right_square_bracket")  # datasets
        assert {r[0] for r in plain_rows(table(app, "#datasets-pane"))} == {d.name for d in room.datasets}
        await press(pilot, "right_square_bracket")  # questions
        rows = plain_rows(table(app, "#questions-pane"))
        assert {r[0] for r in rows} == {q.display_id for q in questions}
        assert {r[4] for r in rows} <= {"READY", "MISSING_DATASETS"}
        assert all(r[5] != "–" for r in rows if runs_of(lr, next(q for q in questions if q.display_id == r[0])))
        await press(pilot, "right_square_bracket")  # flows
        flows = {r[1] for r in plain_rows(table(app, "#flows-pane"))}
        assert flows == {f.name for f in lr.flows.values() if f.room_id == room.id}
        await press(pilot, "right_square_bracket")  # exports & destinations
        assert "Export jobs ·" in screen_text(app)
        await press(pilot, "right_square_bracket")  # schedules
        expected = {s.name for s in lr.schedules.values() if s.question_id in {q.id for q in questions}}
        assert {r[1] for r in plain_rows(table(app, "#schedules-pane"))} == expected


async def test_question_runs_and_a_failed_runs_reason(world):
    app, lr, _inf = world
    room, questions = busiest(lr)
    question = next(q for q in questions if any(r.plan.final == "FAILED" for r in runs_of(lr, q)))
    failed = next(r for r in runs_of(lr, question) if r.plan.final == "FAILED")
    async with app.run_test(size=SIZE) as pilot:
        await open_room(pilot, room)
        app.screen.show_tab("questions")
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#questions-pane"), question.id)
        assert type(app.screen).__name__ == "QuestionScreen"
        runs = table(app, "#runs-pane")
        assert runs.row_count == min(100, len(runs_of(lr, question)))
        submitted = [r.cells[2].plain for r in runs.visible_rows()]
        assert submitted == sorted(submitted, reverse=True), "newest first"
        row = runs.row(failed.id)
        assert row.cells[1].plain == "FAILED"
        assert row.cells[4].plain == failed.plan.failure_reason
        assert row.cells[5].plain == ("yes" if failed.plan.retryable else "no")
        assert f"Home › {room.display_id} {room.name} › {question.display_id} {question.title}" in screen_text(app)
        # the other tabs
        await press(pilot, "right_square_bracket")  # definition
        assert question.display_id in screen_text(app) and "READY" in screen_text(app)
        await press(pilot, "right_square_bracket")  # parameters
        params = {r[0] for r in plain_rows(table(app, "#parameters-pane"))}
        assert params == {p.name for p in question.template.params}
        await press(pilot, "right_square_bracket")  # datasets
        assert table(app, "#bound-pane").row_count == len(question.bindings)
        await press(pilot, "right_square_bracket")  # permissions
        assert table(app, "#permissions-pane").row_count == len(question.permissions)
        await press(pilot, "right_square_bracket")  # schedules
        assert "Schedules ·" in screen_text(app)
        # the failed run itself
        app.screen.show_tab("runs")
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#runs-pane"), failed.id)
        assert type(app.screen).__name__ == "RunScreen"
        text = screen_text(app)
        assert "FAILED" in text and failed.plan.failure_reason in text
        assert "retryable: " + ("yes" if failed.plan.retryable else "no") in text
        assert "Results are available once the run has COMPLETED" in text


async def test_completed_run_results_are_paged_with_a_count(world):
    app, lr, _inf = world
    room, questions = busiest(lr)
    question = next(q for q in questions if q.title == "Large Audience Export")
    done = next(r for r in runs_of(lr, question) if r.plan.final == "COMPLETED")
    async with app.run_test(size=SIZE) as pilot:
        await open_room(pilot, room)
        app.screen.show_tab("questions")
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#questions-pane"), question.id)
        await open_key(pilot, table(app, "#runs-pane"), done.id)
        pane = app.screen.query_one(ResultsPane)
        assert pane.total and pane.total > 500, "this demo question has a large result"
        assert pane.loaded == 500
        assert f"500 of {pane.total:,} rows loaded" in screen_text(app)
        results = pane.table
        assert results.has_focus
        # m (or scrolling near the last loaded row) fetches the next page
        await press(pilot, "m")
        assert pane.loaded == min(1000, pane.total)
        assert results.row_count == pane.loaded
        # G jumps to the last rows of the whole result, fetching only the last page
        reads = lr.counters.data_reads[done.id]
        await press(pilot, "G")
        last = (pane.total - 1) // 500 * 500
        assert lr.counters.data_reads[done.id] == reads + 1
        assert (pane.start, pane.loaded) == (last, pane.total)
        assert results.cursor_row == results.row_count - 1
        assert results.selected.key == f"row{pane.total - 1}"
        assert f"rows {last + 1:,}–{pane.total:,} of {pane.total:,} loaded" in screen_text(app)
        # near the top of that window the page before is fetched; g goes back to the first rows
        results.move_cursor(row=3)
        await wait_for_workers(pilot)
        assert pane.start == last - 500 and results.row_count == pane.loaded - pane.start
        assert results.selected.key == f"row{last + 3}", "the cursor stays on its row"
        await press(pilot, "g")
        assert (pane.start, results.cursor_row) == (0, 0)
        assert results.selected.key == "row0"
        # parameters and audit
        await press(pilot, "right_square_bracket")
        names = {r[0] for r in plain_rows(table(app, "#params-pane"))}
        assert names == set(done.parameters) | {p["name"] for p in done.partition_parameters}
        await press(pilot, "right_square_bracket")
        events = plain_rows(table(app, "#audit-pane"))
        assert len(events) >= 2 and any("COMPLETED" in " ".join(e) for e in events)


async def test_flow_graph_and_flow_run_nodes(world):
    app, lr, _inf = world
    room, _questions = busiest(lr)
    flow = next(f for f in lr.flows.values() if f.room_id == room.id and len(f.nodes) >= 4)
    async with app.run_test(size=SIZE) as pilot:
        await open_room(pilot, room)
        app.screen.show_tab("flows")
        await wait_for_workers(pilot)
        await open_key(pilot, table(app, "#flows-pane"), flow.id)
        assert type(app.screen).__name__ == "FlowScreen"
        tree = app.screen.query_one(FlowTree)
        labels = []

        def walk(node, depth=0):
            for child in node.children:
                labels.append((depth, child.label.plain))
                walk(child, depth + 1)

        walk(tree.root)
        # the tree has the keys at once (no Tab first): j moves its cursor
        assert app.screen.focused is tree
        before = tree.cursor_line
        await press(pilot, "j")
        assert tree.cursor_line == before + 1
        assert {n.label for n in flow.nodes} <= {label.split()[0] for _d, label in labels}
        child = next(n for n in flow.nodes if n.parents)
        assert any(d >= 1 and label.startswith(child.label) for d, label in labels), "children nest under parents"
        assert all("READY" in label or "MISSING_DATASETS" in label for _d, label in labels)
        # runs → a completed flow run: per-node statuses and a node report
        await press(pilot, "right_square_bracket")
        runs = table(app, "#flow-runs-pane")
        done = next(r for r in runs.visible_rows() if r.cells[1].plain == "COMPLETED")
        await open_key(pilot, runs, done.key)
        assert type(app.screen).__name__ == "FlowRunScreen"
        run_tree = app.screen.query_one(FlowTree)
        statuses = []

        def collect(node):
            for c in node.children:
                if c.data is not None:
                    statuses.append(c.data.status)
                collect(c)

        collect(run_tree.root)
        assert statuses and set(statuses) == {"COMPLETED"}
        # as a user does: the tree has focus, its cursor is on the first node; j, k, Enter opens it
        assert app.screen.focused is run_tree
        first = run_tree.root.children[0]
        assert run_tree.cursor_node is first
        await press(pilot, "j", "k", "enter")
        assert "Report of " + first.data.label in screen_text(app)
        pane = app.screen.query_one(ResultsPane)
        assert pane.loaded > 0 and pane.table is not None and pane.table.row_count == pane.loaded
        assert "Report of" in screen_text(app)


async def test_collaboration_members_datasets_destinations_and_stats(world):
    app, _lr, inf = world
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        collabs = table(app, "#table-1")
        target = next(r for r in collabs.visible_rows() if r.cells[3].plain == "STATUS_ACTIVE"
                      and r.cells[1].plain == "Northwind Retail")
        truth = inf.collaborations[target.key]
        await open_key(pilot, collabs, target.key)
        assert type(app.screen).__name__ == "CollaborationScreen"
        members = plain_rows(table(app, "#members-pane"))
        assert members[0][1] == "owner" and members[0][0] == "Northwind Retail"
        assert len(members) == 1 + len(truth.members)
        assert [m[5] for m in members] == [truth.owner_id, *truth.members]
        assert "You       owner" in screen_text(app)
        await press(pilot, "right_square_bracket")
        datasets = plain_rows(table(app, "#collab-datasets-pane"))
        assert datasets and all(r[3] != "–" for r in datasets), "row counts come from the dataset list"
        await press(pilot, "right_square_bracket")
        assert "Destinations ·" in screen_text(app)
        await press(pilot, "right_square_bracket")
        await wait_for_workers(pilot)
        text = screen_text(app)
        assert "Rows" in text and "Key columns ·" in text and "Attribute columns ·" in text
        assert table(app, "#key-stats-pane").row_count > 0
        assert table(app, "#attribute-stats-pane").row_count > 0
