"""Issue 16: one gate for platform text, and no way around it in the UI code.

Textual draws an ``Input``/``TextArea`` value, a placeholder or a ``Select`` label as it is, and the
terminal obeys what it draws. So in ``tui/ui`` every such value must be a literal or come through
``tui.ui.text.editable``/``editable_lines`` (or ``plain``/``safe``); toasts and the clipboard are
sanitised by the app itself (``CleanroomApp.notify``/``copy_to_clipboard``); nothing but the
desktop-notification module writes to the terminal driver. This test reads the source (AST) and
fails on a sink filled any other way; a new exception needs a reason in ``ALLOWED``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tui.ui

UI = Path(tui.ui.__file__).parent
#: functions whose result is safe for a widget
GATES = {"editable", "editable_lines", "plain", "safe", "s", "clipboard", "multiline", "starting_query"}
WIDGETS = {"Input", "DateInput", "TextArea", "FilterBar"}
#: (file, source of the value) → why it is not platform text
ALLOWED = {
    ("widgets/filter_bar.py", "value"): "what the operator typed into the filter",
    ("screens/prompt.py", "self.value"): "the prompt's default, built by the app (paths from sanitised slugs)",
    ("screens/prompt.py", "value"): "the same default, kept on the screen",
    ("screens/launch.py", "(current + timedelta(days=days)).isoformat()"): "a date the app computed",
    ("widgets/param_fields.py", "(current + timedelta(days=days)).isoformat()"): "a date the app computed",
    ("screens/launch.py", "pause"): "what the operator typed (tests fill it)",
    ("screens/query.py", "self._written"): "starting_query() of names passed through plain() just above",
    ("screens/events.py", "self.server_filter"): "the filter the operator typed or built from sanitised values",
    ("screens/exports.py", "questions"): "Text labels built with safe() from each question's id and name",
    ("screens/activation.py", "[(_pair_label(p), p.key) for p in self.pairs]"):
        "Text labels built with safe() from each dataset and destination name (_pair_label)",
}


def _safe(node: ast.AST | None) -> bool:
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.JoinedStr):
        return all(_safe(v.value) if isinstance(v, ast.FormattedValue) else True for v in node.values)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return name in GATES
    return False


def _sinks(tree: ast.AST):
    """(node, value) for every widget value, placeholder, prompt or assignment to ``.value``/``.text``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in WIDGETS:
                if node.args:
                    yield node, node.args[0]
                for kw in node.keywords:
                    if kw.arg in ("value", "placeholder", "text"):
                        yield node, kw.value
            if name == "Select":
                for kw in node.keywords:
                    if kw.arg in ("prompt",):
                        yield node, kw.value
                if node.args:  # the options: labels must come through the gate
                    labels = ast.unparse(node.args[0])
                    if "editable(" not in labels and not isinstance(node.args[0], ast.List | ast.Constant):
                        yield node, node.args[0]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in ("value", "text", "placeholder"):
                    yield node, node.value


def _violations() -> list[str]:
    found = []
    for path in sorted(UI.rglob("*.py")):
        rel = path.relative_to(UI).as_posix()
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node, value in _sinks(tree):
            if _safe(value) or (rel, ast.unparse(value)) in ALLOWED:
                continue
            found.append(f"{rel}:{node.lineno}: {ast.unparse(value)[:80]}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "write" \
                    and "driver" in ast.unparse(node.func.value) and rel != "notify.py":
                found.append(f"{rel}:{node.lineno}: writes to the terminal driver")
    return found


def test_every_widget_value_from_the_ui_goes_through_the_gate():
    assert _violations() == []


def test_the_check_catches_a_raw_value():
    tree = ast.parse("Input(value=run.name)\nw.value = question.title\nInput(value=editable(run.name))")
    bad = [ast.unparse(v) for _n, v in _sinks(tree) if not _safe(v)]
    assert sorted(bad) == ["question.title", "run.name"]


def test_toasts_and_clipboard_are_sanitised_by_the_app():
    from tui.ui.app import CleanroomApp

    assert "notify" in CleanroomApp.__dict__ and "copy_to_clipboard" in CleanroomApp.__dict__
