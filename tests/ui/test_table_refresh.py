"""ResourceTable's keyed-diff refresh: a changed cell is updated in place and a cell that grew widens
its column (QUEUED → COMPLETED must not be cut), without re-measuring the whole column."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tui.ui.widgets.resource_table import Col, ResourceTable, Row


class One(App):
    def compose(self) -> ComposeResult:
        yield ResourceTable((Col("name", "Name"), Col("status", "Status")), title="runs", id="t")


def rows(status_of_b: str) -> list[Row]:
    return [Row(key="a", cells=(Text("run a"), Text("DONE"))),
            Row(key="b", cells=(Text("run b"), Text(status_of_b)))]


async def test_a_grown_cell_widens_its_column_and_is_shown_whole():
    app = One()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_rows(rows("QUEUED"))
        await pilot.pause()
        status = table.ordered_columns[1]
        before = status.content_width
        table.set_rows(rows("COMPLETED_WITH_WARNINGS"))
        await pilot.pause()
        assert table.get_cell("b", "status").plain == "COMPLETED_WITH_WARNINGS"
        assert status.content_width == len("COMPLETED_WITH_WARNINGS") > before
        shown = "\n".join(strip.text for strip in table.render_lines(table.region.reset_offset))
        assert "COMPLETED_WITH_WARNINGS" in shown


async def test_refresh_keeps_the_selection_on_its_row():
    app = One()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_rows(rows("QUEUED"))
        await pilot.pause()
        table.select_key("b")
        table.set_rows([Row(key="c", cells=(Text("run c"), Text("NEW"))), *rows("RUNNING")])
        await pilot.pause()
        assert table.selected_key == "b" and table.row_count == 3
