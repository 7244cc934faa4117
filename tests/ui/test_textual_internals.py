"""Textual internals the app (and its tests) reach into, checked for shape.

pyproject.toml pins the Textual range these were checked against. A newer Textual that renames or
reshapes one of them would otherwise fail quietly: ResourceTable would fall back to DataTable's
slow width pass, QuietFooter would stop coalescing (or stop showing keys), desktop notifications
would stop being written. Each failure here names the module to review before widening the pin.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import BindingsMap
from textual.screen import Screen
from textual.widgets import DataTable, Footer
from textual.widgets._footer import FooterKey
from textual.widgets.data_table import Column
from textual.widgets.data_table import Row as DataRow

from tui.ui.widgets.quiet_footer import QuietFooter
from tui.ui.widgets.resource_table import Col, ResourceTable, Row

from .conftest import SIZE, screen_text, wait_for_workers

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
TABLE = "tui/ui/widgets/resource_table.py overrides DataTable._update_dimensions"
FOOTER = "tui/ui/widgets/quiet_footer.py overrides Footer.bindings_changed"
REFUSAL = "tui/ui/screens/base.py (_refusal) walks Screen._modal_binding_chain and App._check_action_state"


def textual_requirement() -> Requirement:
    deps = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    return next(Requirement(d) for d in deps if Requirement(d).name == "textual")


def test_textual_is_pinned_to_a_minor_range_that_includes_the_installed_one():
    req = textual_requirement()
    uppers = [s for s in req.specifier if s.operator == "<"]
    assert uppers, f"pin Textual with an upper bound (private internals are overridden): {req}"
    installed = version("textual")
    assert req.specifier.contains(installed), (
        f"Textual {installed} is installed but pyproject.toml allows {req.specifier}: run this file against "
        "it and review the internals it checks before changing the pin")


def source(fn) -> str:
    return inspect.getsource(fn)


def test_datatable_internals_resource_table_relies_on():
    # the override is reached: DataTable's idle pass calls it with the rows added since the last pass
    assert list(inspect.signature(DataTable._update_dimensions).parameters) == ["self", "new_rows"], TABLE
    idle = source(DataTable._on_idle)
    assert "self._update_dimensions(" in idle and "_new_rows" in idle, TABLE
    assert "_require_update_dimensions" in idle, TABLE
    # the state it reads and writes
    table = DataTable()
    assert isinstance(table._data, dict) and callable(table._row_locations.get), TABLE
    assert isinstance(table._new_rows, set) and isinstance(table._require_update_dimensions, bool), TABLE
    assert isinstance(table._update_count, int), TABLE
    for name in ("_total_row_height", "_row_label_column_width"):
        assert isinstance(inspect.getattr_static(DataTable, name), property), f"{TABLE}: DataTable.{name}"
    fields = Column.__dataclass_fields__
    assert "content_width" in fields and "auto_width" in fields and callable(Column.get_render_width), TABLE
    assert {"label", "auto_height", "height"} <= set(DataRow.__dataclass_fields__), TABLE


def test_binding_chain_internals_the_key_refusals_rely_on():
    assert isinstance(inspect.getattr_static(Screen, "_modal_binding_chain"), property), REFUSAL
    assert isinstance(BindingsMap().key_to_bindings, dict), REFUSAL
    params = list(inspect.signature(App._check_action_state).parameters)
    assert params == ["self", "action", "default_namespace"], f"{REFUSAL}: {params}"


class OneTable(App):
    def compose(self) -> ComposeResult:
        yield ResourceTable((Col("name", "Name"), Col("status", "Status")), title="rows", id="t")


async def test_resource_table_fast_path_runs_and_measures_as_datatable_does(monkeypatch):
    calls: list[int] = []
    fast = ResourceTable._update_dimensions

    def counting(self, new_rows):
        calls.append(1)
        return fast(self, new_rows)

    monkeypatch.setattr(ResourceTable, "_update_dimensions", counting)
    app = OneTable()
    async with app.run_test(size=(100, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_rows([Row(key=str(i), cells=(Text(f"row {'x' * i}"), Text("RUNNING" if i % 2 else "OK")))
                        for i in range(20)])
        await pilot.pause()
        assert calls, f"{TABLE}, but DataTable never called it"
        ours = [c.content_width for c in table.ordered_columns], table.virtual_size
        for column in table.ordered_columns:
            column.content_width = 0
        DataTable._update_dimensions(table, [k for k in table.rows])
        theirs = [c.content_width for c in table.ordered_columns], table.virtual_size
        assert ours == theirs, f"{TABLE}: its widths differ from DataTable's own pass"


def test_footer_internals_quiet_footer_relies_on():
    assert "bindings_changed" in source(Footer.on_mount), f"{FOOTER}: Footer no longer subscribes it"
    assert list(inspect.signature(Footer.bindings_changed).parameters) == ["self", "screen"], FOOTER
    assert "_bindings_ready" in source(Footer.compose), FOOTER
    assert "_bindings_ready" in source(Footer.bindings_changed), FOOTER
    assert "action" in inspect.signature(FooterKey.__init__).parameters, FOOTER
    assert "self.action = action" in source(FooterKey.__init__), FOOTER


async def test_quiet_footer_shows_the_first_keys_first_and_the_app_driver_writes(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(pilot)
        footer = app.screen.query_one(QuietFooter)
        # Screen.active_bindings: name -> (node, binding, enabled, tooltip), read by _keys_on_show
        assert all(len(v) == 4 for v in app.screen.active_bindings.values()), FOOTER
        keys = [k.action for k in footer.query(FooterKey)]
        assert keys[:2] == ["app.help", "app.command_palette"], f"{FOOTER}: footer keys {keys}"
        assert footer._keys_on_show() == footer._shown, FOOTER
        # tui/ui/notify.py writes desktop notifications straight to the driver
        assert callable(getattr(app._driver, "write", None)), "tui/ui/notify.py writes to App._driver"
        # the tests read the screen through the compositor (tests/helpers.py: screen_text)
        assert "Clean rooms" in screen_text(app)
        app.notify("hello", title="t")
        await pilot.pause()
        assert any(n.title == "t" and n.message == "hello" for n in app._notifications), \
            "tests read App._notifications"


def test_no_other_private_textual_names_are_overridden():
    """Any other underscore name a tui widget/screen shares with its Textual base must be added
    (and checked) here: sharing one by accident silently replaces Textual's."""
    known = {"ResourceTable": {"_data", "_new_rows", "_require_update_dimensions", "_row_label_column_width",
                               "_row_locations", "_total_row_height", "_update_count", "_update_dimensions"},
             "QuietFooter": {"_bindings_ready"}, "BaseScreen": {"_modal_binding_chain"}}
    import importlib
    import pkgutil

    import tui.ui

    found: dict[str, set[str]] = {}
    app_private: set[str] = set()

    def private_names(text: str) -> set[str]:
        return set(re.findall(r"(?:self|super\(\))\.(_[a-zA-Z]\w*)", text)) | set(re.findall(r"def (_[a-zA-Z]\w*)", text))

    for info in pkgutil.walk_packages(tui.ui.__path__, "tui.ui."):
        module = importlib.import_module(info.name)
        text = inspect.getsource(module)
        app_private.update(re.findall(r"\bapp\.(_[a-zA-Z]\w*)", text))
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            base = next((b for b in cls.__mro__[1:] if b.__module__.startswith("textual")), None)
            if base is None:
                continue
            # a plain mixin's methods (ResourceTable's ColumnWidths, EventsScreen's parts) are the class's own
            mixins = [m for m in cls.__bases__ if m.__module__.startswith("tui.") and not issubclass(m, base)]
            used = private_names(text).union(*(private_names(inspect.getsource(m)) for m in mixins))
            names = {n for b in base.__mro__ for n in vars(b)} | textual_instance_names(base)
            shared = {n for n in used & names if not n.startswith("__")}
            if shared:
                found[name] = shared
    assert found == known
    # and the App's private methods called through ``app.`` (``_driver`` is read with getattr in
    # tui/ui/notify.py and checked above)
    app_names = {n for b in App.__mro__ for n in vars(b)}
    assert {n for n in app_private if n in app_names} == {"_check_action_state"}


def textual_instance_names(cls: type) -> set[str]:
    """Attributes a Textual class's ``__init__`` sets on an instance (no app needed for widgets)."""
    try:
        return set(vars(cls()))
    except Exception:  # screens and apps want arguments or a running app: their class names suffice
        return set()
