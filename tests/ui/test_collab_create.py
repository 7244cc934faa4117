"""Create an InfoSum collaboration from home (issue 20.4): name, description, members and their
rights, the creator's rights; company ids checked before sending; a confirmation that says members
cannot be added later and shows the exact request; one POST, journaled; the new collaboration opens."""

from __future__ import annotations

from textual.widgets import Checkbox, Input

from tests.helpers import confirmed_body
from tui.store import Store

from .conftest import SIZE, press, table, wait_for_workers


async def _open_form(pilot, app):
    await wait_for_workers(pilot)
    table(app, "#table-1").focus()  # the InfoSum profile's collaborations
    await press(pilot, "n")
    await wait_for_workers(pilot)
    assert type(app.screen).__name__ == "CollabCreateScreen"
    return app.screen


async def _member(pilot, screen, i: int, company_id: str, **rights: bool) -> None:
    rows = list(screen.query("MemberRow"))
    while len(rows) <= i:
        await press(pilot, "ctrl+n")
        rows = list(screen.query("MemberRow"))
    rows[i].query_one(".member-id", Input).value = company_id
    for right, on in rights.items():
        rows[i].query_one(f".right-{right}", Checkbox).value = on
    await pilot.pause()


async def test_create_checks_ids_confirms_the_exact_request_and_opens_it(make_app, clock):
    store = Store.in_memory(now=clock.now)
    app = make_app(store=store)
    world = app.sessions[1].demo.app().state.infosum
    contoso, fabrikam = world.company_by_name("Contoso Media"), world.company_by_name("Fabrikam Publishing")
    own = world.company_by_name("Northwind Retail")
    before = set(world.collaborations)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_form(pilot, app)
        assert screen.form.own_id == own.id and contoso.id in screen.form.known
        screen.query_one("#c-name", Input).value = "Q3 retail measurement"
        screen.query_one("#c-description", Input).value = "Reach of the autumn campaign"
        screen.query_one("#own-detailed_logs", Checkbox).value = False
        await _member(pilot, screen, 0, "CMP bad id")
        await _member(pilot, screen, 1, own.id)
        await press(pilot, "ctrl+s")
        message = screen.query_one("#collab-message").render().plain
        assert "Member 1:" in message and "not a company id" in message
        assert "Member 2:" in message and "your own company" in message
        assert type(app.screen).__name__ == "CollabCreateScreen" and set(world.collaborations) == before
        await _member(pilot, screen, 0, contoso.id, operator=True, contributor=True)
        await _member(pilot, screen, 1, fabrikam.id, operator=False, detailed_logs=True)
        await press(pilot, "ctrl+s")
        confirm = app.screen
        assert type(confirm).__name__ == "ConfirmScreen"
        text = confirm.body.plain
        assert "Members cannot be added later" in text
        sent = confirmed_body(text, "POST /api/v2/collaborations")
        assert sent == {
            "name": "Q3 retail measurement", "description": "Reach of the autumn campaign",
            "creator_rights": {"contributor": True, "detailed_logs": False, "operator": True},
            "collaborators": [
                {"company_id": contoso.id, "rights": {"contributor": True, "detailed_logs": False, "operator": True}},
                {"company_id": fabrikam.id, "rights": {"contributor": False, "detailed_logs": True, "operator": False}},
            ]}
        assert "Contoso Media" in text  # members named as the company knows them
        await press(pilot, "tab", "enter")
        await wait_for_workers(pilot)
        made = [c for cid, c in world.collaborations.items() if cid not in before]
        assert len(made) == 1 and made[0].name == "Q3 retail measurement" and made[0].owner_id == own.id
        assert set(made[0].members) == {contoso.id, fabrikam.id}
        assert type(app.screen).__name__ == "CollaborationScreen" and app.screen.target.id == made[0].id
        entry = store.journal_for_object("demo-infosum", made[0].id)
        assert entry is not None and entry.state == "succeeded" and entry.target == "collaboration:new"


async def test_unknown_company_is_named_and_read_only_refuses(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_form(pilot, app)
        screen.query_one("#c-name", Input).value = "Pilot"
        await _member(pilot, screen, 0, "CMP.nobodyknows1")
        await press(pilot, "ctrl+s")
        assert "Not seen in any of your collaborations: CMP.nobodyknows1" in app.screen.body.plain
        await press(pilot, "escape")
        assert type(app.screen).__name__ == "CollabCreateScreen"

    readonly = make_app(readonly=True)
    async with readonly.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        table(readonly, "#table-1").focus()
        await press(pilot, "n")
        assert type(readonly.screen).__name__ == "HomeScreen"
