"""Create an InfoSum collaboration (issue 20.4): name, description, the partner companies with their
rights (operator, contributor, detailed logs) and the creator's own rights.

Members cannot be added later, so the confirmation says so and shows the exact request. Company ids
are checked before anything is sent (:mod:`tui.core.collab_create`); ids not seen in any of the
company's collaborations are allowed but named in the confirmation. The write is journaled, sent
once (a lost answer is settled by listing), refused read-only; the new collaboration opens.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Static

from ...core import collab_create as cc
from ...core import infosum as isum
from ...core.reads import Write
from ...core.sanitize import plain
from ...core.session import Session
from ..jump_index import Target
from ..widgets.load_state import LoadState
from .base import BaseScreen

_LABELS = (("operator", "operator"), ("contributor", "contributor"), ("detailed_logs", "detailed logs"))


class MemberRow(Horizontal):
    """One partner company: its id and its three rights."""

    def __init__(self, n: int, suggestions: list[str]) -> None:
        super().__init__(classes="member")
        self.n = n
        self.suggestions = suggestions

    def compose(self) -> ComposeResult:
        suggester = SuggestFromList(self.suggestions, case_sensitive=False) if self.suggestions else None
        yield Input(placeholder="partner company id (CMP.…)", classes="member-id", max_length=128,
                    suggester=suggester)
        for right, label in _LABELS:
            yield Checkbox(label, value=right == "operator", classes=f"right-{right}")
        yield Button("Remove", classes="member-remove")

    def member(self) -> cc.Member:
        rights = {r: self.query_one(f".right-{r}", Checkbox).value for r, _l in _LABELS}
        return cc.Member(self.query_one(".member-id", Input).value, dict(sorted(rights.items())))


class CollabCreateScreen(BaseScreen):
    DEFAULT_CSS = """
    CollabCreateScreen #collab-intro { height: auto; padding: 0 1; }
    CollabCreateScreen #collab-fields { height: 1fr; padding: 0 1; }
    CollabCreateScreen .label { height: auto; margin-top: 1; text-style: bold; }
    CollabCreateScreen .hint { height: auto; color: $text-muted; }
    CollabCreateScreen Input { width: 100%; max-width: 80; }
    CollabCreateScreen .rights { height: auto; }
    CollabCreateScreen .member { height: auto; }
    CollabCreateScreen .member Input { width: 36; }
    CollabCreateScreen .member Button { min-width: 10; width: 10; }
    CollabCreateScreen .error { height: auto; color: $text-error; text-style: bold; }
    CollabCreateScreen #collab-buttons { height: auto; padding: 0 1; }
    CollabCreateScreen #collab-buttons Button { margin-right: 2; }
    """
    BINDINGS = [Binding("ctrl+s", "review", "Review", show=True),
                Binding("ctrl+n", "add_member", "Add member", show=True)]
    NOT_HERE = frozenset({"filter", "export", "copy_id", "next_tab", "prev_tab"})

    def __init__(self, session: Session, origin: Any = None) -> None:
        super().__init__(session)
        self.origin = origin
        self.form = cc.CollabForm()
        self.existing: set[str] = set()
        self._rows = 0
        self._sending = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.NOT_HERE:
            return False
        return super().check_action(action, parameters)

    def crumb(self) -> Text:
        return Text("new collaboration")

    def compose_body(self) -> ComposeResult:
        assert self.session is not None
        with Vertical(classes="body"):
            intro = Text()
            intro.append("New collaboration", style="bold")
            intro.append(f" · profile {plain(self.session.name, 40)} (InfoSum) · you are its owner\n")
            intro.append("Members cannot be added later: list every partner company now.", style="bold yellow")
            intro.append("  ctrl+n adds a member; ctrl+s shows the exact request before anything is sent.",
                         style="dim")
            yield Static(intro, id="collab-intro")
            yield LoadState(id="collab-state")
            with VerticalScroll(id="collab-fields"):
                yield Static("Name *", classes="label")
                yield Input(id="c-name", max_length=cc.MAX_NAME, placeholder="e.g. Q3 retail measurement")
                yield Static("Description", classes="label")
                yield Input(id="c-description", placeholder="optional: the collaboration's purpose")
                yield Static("Your rights (the creator's)", classes="label")
                with Horizontal(classes="rights"):
                    for right, label in _LABELS:
                        yield Checkbox(label, value=True, id=f"own-{right}")
                yield Static("Members * — partner company ids and their rights", classes="label")
                yield Static(Text("operator: queries, audiences, exports · contributor: adds datasets and "
                                  "destinations · detailed logs: query parameters and row counts in the log",
                                  style="dim"), classes="hint")
                yield Vertical(id="members")
                yield Static(Text(""), id="collab-known", classes="hint")
            yield Static(Text(""), id="collab-message", classes="error")
            with Horizontal(id="collab-buttons"):
                yield Button("Review", id="c-go", variant="primary", disabled=self.session.readonly)
                yield Button("Add member", id="c-add")
                yield Button("Cancel", id="c-cancel")

    def initial_load(self) -> None:
        self.action_add_member()
        self.query_one("#c-name", Input).focus()
        self.reload()

    def reload(self) -> None:
        """``r``: read the company and its collaborations again (the form keeps what was typed)."""
        self.start("collab-context", self._load_context())

    async def _load_context(self) -> None:
        """The company's own id and the companies it already works with (suggestions, checks)."""
        session = self.session
        assert session is not None
        state = self.query_one("#collab-state", LoadState)
        state.loading("your company and its collaborations")
        try:
            me = (await session.load(isum.identity())).value
            collabs = (await session.load(isum.collaborations())).value
        except Exception as exc:  # the form still works; the checks against known ids wait (r retries)
            state.failed(exc)
            return
        state.idle()
        self._as_of["collab-context"] = session.repo.now()
        self.update_chrome()
        self.form.own_id = str(me.get("id") or "")
        known: dict[str, str] = {}
        for c in collabs:
            self.existing.add(c.id)
            for m in [c.owner, *c.members]:
                if m.id and m.id != self.form.own_id:
                    known[m.id] = m.display_name or m.id
        self.form.known = known
        if known:
            listed = ", ".join(f"{plain(name, 30)} {plain(cid, 40)}" for cid, name in sorted(known.items())[:6])
            self.query_one("#collab-known", Static).update(
                Text(f"Companies you already work with: {listed}", style="dim"))
        for row in self.query(MemberRow):
            row.query_one(".member-id", Input).suggester = SuggestFromList(sorted(known), case_sensitive=False)

    # ------------------------------------------------------------------ members
    def action_add_member(self) -> None:
        self._rows += 1
        row = MemberRow(self._rows, sorted(self.form.known))
        self.query_one("#members", Vertical).mount(row)
        if self._rows > 1:
            self.call_after_refresh(lambda: row.query_one(".member-id", Input).focus())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button
        if button.id == "c-go":
            self.action_review()
        elif button.id == "c-add":
            self.action_add_member()
        elif button.id == "c-cancel":
            self.app.pop_screen()
        elif button.has_class("member-remove") and isinstance(button.parent, MemberRow):
            button.parent.remove()

    # ------------------------------------------------------------------ review and send
    def _read_form(self) -> cc.CollabForm:
        form = self.form
        form.name = self.query_one("#c-name", Input).value
        form.description = self.query_one("#c-description", Input).value
        form.creator_rights = {r: self.query_one(f"#own-{r}", Checkbox).value for r in sorted(cc.RIGHTS)}
        form.members = [row.member() for row in self.query(MemberRow)]
        return form

    def _message(self, text: str) -> None:
        self.query_one("#collab-message", Static).update(Text(plain(text, 600)))

    def action_review(self) -> None:
        assert self.session is not None
        if self._sending:
            return
        if self.session.readonly:
            self.notify("Read-only mode: collaborations cannot be created.", title="Refused", severity="warning",
                        markup=False)
            return
        form = self._read_form()
        errors = form.errors()
        if errors:
            self._message("Not sent: " + " · ".join(errors.values()))
            return
        self._message("")
        self._confirm(form.build_request(), form.unknown())

    def _confirm(self, body: dict[str, Any], unknown: list[str]) -> None:
        from ..writes import confirm_and_send

        session = self.session
        assert session is not None
        known = self.form.known
        objects = [("Owner", f"{session.org_name or 'this API key’s company'} — {cc.rights_text(body['creator_rights'])}")]
        for m in body["collaborators"]:
            who = f"{known[m['company_id']]} ({m['company_id']})" if m["company_id"] in known else m["company_id"]
            objects.append(("Member", f"{who} — {cc.rights_text(m['rights'])}"))
        effect = ("Members cannot be added later: this is everyone who will ever be in this collaboration. "
                  "Only you (the owner) can close it.")
        if unknown:
            effect += (f" Not seen in any of your collaborations: {', '.join(unknown)} — check the id with the "
                       "partner (the platform refuses unknown companies).")
        screen = self
        app = self.cr_app

        def created(answer: Any) -> None:
            cid = cc.created_id(answer)
            if isinstance(answer, cc.Recovered):
                app.notify(answer.note, title="Create collaboration", markup=False, timeout=15)
            target = Target("collaboration", cid, body["name"], session.name)
            app.jumps.add(target)

            async def show() -> None:
                if screen.is_mounted and app.screen is screen:
                    await app.pop_screen()
                app.open(session, target)

            app.call_later(show)

        def done() -> None:
            home = next((s for s in app.screen_stack if type(s).__name__ == "HomeScreen"), None)
            if home is not None:
                home.reload()

        inner = cc.journal_create(session, cc.create(body), set(self.existing))

        async def send(client: Any) -> Any:
            self._sending = True  # a second ctrl+s while this is in flight sends nothing
            try:
                return await inner.call(client)
            finally:
                self._sending = False

        # the write's worker runs on the screen below: leaving this form never cancels a POST in flight
        confirm_and_send(self.origin or self, session, title="Create collaboration",
                         write=Write(inner.method, inner.path, send, inner.body), objects=objects, effect=effect,
                         done=f"Created {plain(body['name'], 60)}.", confirm_label="Create collaboration",
                         on_answer=created, on_done=done)


__all__ = ["CollabCreateScreen", "MemberRow"]
