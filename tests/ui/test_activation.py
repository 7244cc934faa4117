"""InfoSum activation to a collaboration destination (issue 20.3): only where the collaboration's
rights allow it, checked before sending, confirmed with the exact request, the status shown, and the
push sent once after its own confirmation."""

from __future__ import annotations

from textual.widgets import Input, Select

from tui.ui.jump_index import Target

from .conftest import SIZE, press, screen_text, session, table, wait_for_workers

COLLAB = "Retail Media Measurement 2026"


async def _collab(pilot, app, inf, name=COLLAB):
    c = next(c for c in inf.collaborations.values() if c.name == name)
    s = session(app, "infosum")
    app.open(s, Target("collaboration", c.id, c.name, s.name))
    await wait_for_workers(pilot)
    return c


async def test_activate_where_rights_allow_then_push_once(make_app, clock):
    app = make_app()
    inf = app.sessions[0].demo.app().state.infosum
    async with app.run_test(size=SIZE) as pilot:
        c = await _collab(pilot, app, inf)
        await press(pilot, "n")
        form = app.screen
        assert type(form).__name__ == "ActivationForm"
        labels = [str(p) for p in form.pairs]
        allowed = [p for p in form.pairs if p.why_not is None]
        # nwactivation may go to Contoso's seat only (Contoso is its one exportable member)
        assert [(p.dataset, p.destination.name) for p in allowed] == [("nwactivation", "The Trade Desk - Contoso Seat")]
        assert any("exportable_to_members" in (p.why_not or "") for p in form.pairs), labels
        # a pair the rights refuse is said, not sent
        refused = next(p for p in form.pairs if p.why_not)
        form.query_one("#act-pair", Select).value = refused.key
        form.query_one("#act-campaign", Input).value = "spring"
        form.query_one("#review").press()
        await wait_for_workers(pilot)
        assert "Not allowed here" in screen_text(app)
        form.query_one("#act-pair", Select).value = allowed[0].key
        form.query_one("#act-file", Input).value = "../x.csv"
        form.query_one("#review").press()
        await wait_for_workers(pilot)
        assert "file name" in screen_text(app).lower()
        form.query_one("#act-file", Input).value = "spring.csv"
        form.query_one("#review").press()
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        body = app.screen.body.plain.replace("\n", "")
        assert "POST /api/v1/activations" in body and '"campaign_name": "spring"' in body
        assert f'"collaboration_id": "{c.id}"' in body and "/push" in body
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ActivationScreen"
        assert "QUERY_RUNNING" in screen_text(app)
        await press(pilot, "p")  # not completed yet: the key says so, nothing is sent
        assert type(app.screen).__name__ == "ActivationScreen"
        clock.advance(600)
        await press(pilot, "r")
        assert "QUERY_COMPLETED" in screen_text(app)
        await press(pilot, "p")
        assert type(app.screen).__name__ == "ConfirmScreen"
        push_body = app.screen.body.plain.replace("\n", "")
        dest = allowed[0].destination
        assert f"/api/v2/activations/queries/{screen.activation_id}/destinations/{dest.id}/push" in push_body
        assert '{"push_config": {"filename": "spring.csv"}}' in push_body
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        pushes = table(app, "#act-pushes-pane")
        assert len(pushes.visible_rows()) == 1
        clock.advance(120)
        await press(pilot, "r")
        assert "PUSH_COMPLETED" in screen_text(app)


async def test_read_only_and_a_collaboration_without_operator_rights(make_app):
    app = make_app(readonly=True)
    inf = app.sessions[0].demo.app().state.infosum
    async with app.run_test(size=SIZE) as pilot:
        await _collab(pilot, app, inf)
        await press(pilot, "n")
        assert type(app.screen).__name__ == "CollaborationScreen"

    app = make_app()
    inf = app.sessions[0].demo.app().state.infosum
    async with app.run_test(size=SIZE) as pilot:
        # Contoso's marketplace: its ids may go to Northwind's destinations, and the only destination
        # is Contoso's own: the pair is listed with the reason, and Review refuses it
        await _collab(pilot, app, inf, "Contoso Audience Marketplace")
        await press(pilot, "n")
        assert type(app.screen).__name__ == "ActivationForm"
        assert app.screen.pairs and all("exportable_to_members" in p.why_not for p in app.screen.pairs)
        app.screen.query_one("#act-campaign", Input).value = "x"
        app.screen.query_one("#review").press()
        await wait_for_workers(pilot)
        assert type(app.screen).__name__ == "ActivationForm"
