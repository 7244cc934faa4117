"""The start-up baseline: a bare Textual app with a Header, a 50-row DataTable and a Footer.

Run as a script (``python tests/bench/bare_app.py``); the benchmark times it to the first table row
(``bare-row-00``) on a 120×40 pty, interleaved with our app.
"""

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

MARKER = "bare-row-00"


class BareApp(App):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Id", "Type", "Status", "Partners")
        for i in range(50):
            table.add_row(f"bare-row-{i:02d}", f"CR-{100000 + i}", "Hybrid", "COMPLETE", "Contoso Media")


if __name__ == "__main__":
    BareApp().run()
