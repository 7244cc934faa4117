"""The UI and the headless commands reach the platforms only through the domain services
(tui/core/liveramp.py, tui/core/infosum.py): no client method calls, no URL paths, no cache kinds
of platform reads in tui/ui or tui/headless (issue 17)."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "tui"
SCANNED = sorted([*ROOT.joinpath("ui").rglob("*.py"), *ROOT.joinpath("headless").rglob("*.py")])
#: method names that also mean something else (``ResultsPane.health``? no: dict.get-like or widget names)
COMMON = {"aclose", "health", "tokens", "me"}


def _client_methods() -> set[str]:
    """Public methods and properties of both clients, their resource-group mixins included."""
    from tui.api.infosum.client import InfoSumClient
    from tui.api.liveramp.client import LiveRampClient

    names: set[str] = set()
    for client in (LiveRampClient, InfoSumClient):
        for cls in client.__mro__:
            if cls.__module__.startswith("tui.api."):
                names |= {name for name, value in vars(cls).items() if not name.startswith("_")
                          and (inspect.isfunction(value) or isinstance(value, property | staticmethod | classmethod))}
    return names - COMMON


def _cache_kinds() -> set[str]:
    kinds: set[str] = set()
    for path in (ROOT / "core/liveramp.py", ROOT / "core/infosum.py"):
        kinds |= set(re.findall(r'Read\(\s*"([a-z][a-z-]*)"', path.read_text()))
    return kinds


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """Lines of code with comments dropped (docstrings may name paths when they explain)."""
    out = []
    doc_lines: set[int] = set()
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            doc_lines |= set(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if i in doc_lines:
            continue
        code = line.split("  #", 1)[0] if "  #" in line else line
        if code.lstrip().startswith("#"):
            continue
        out.append((i, code))
    return out


def test_the_scan_sees_the_layers() -> None:
    assert len(SCANNED) > 40
    assert {"list_runs", "get_run", "create_run", "get_collaboration", "list_events"} <= _client_methods()
    assert {"runs", "run", "questions", "cleanrooms", "collaboration", "flow-runs"} <= _cache_kinds()


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_client_calls_urls_or_cache_kinds(path: Path) -> None:
    methods = _client_methods()
    # the services name their functions after what they read (``isum.summary_stats``): not a client call
    call = re.compile(r"(?<!\blr)(?<!\bisum)(?<!\bwrites)(?<!launcher)\.(" + "|".join(sorted(methods)) + r")\(")
    lambda_call = re.compile(r"lambda c\b[^:]*:\s*c\.\w+\(")
    url = re.compile(r"""["'f](?:/v1/|/api/v\d|/cleanrooms\b|/cleanroom-|/collaborations\b|/queries\b)""")
    kinds = _cache_kinds()
    kind_arg = re.compile(r"""(?:\.(?:cached|load|raw|put_raw|forget_raw|remember|refresh)\((?:[^()"]*,\s*)?"""
                          r"""|\bkind=)"([a-z][a-z-]*)\"""")
    found = []
    for i, line in _code_lines(path):
        if call.search(line) or lambda_call.search(line):
            found.append(f"{i}: client call: {line.strip()}")
        if url.search(line):
            found.append(f"{i}: URL path: {line.strip()}")
        for kind in kind_arg.findall(line):
            if kind in kinds:
                found.append(f"{i}: cache kind {kind!r}: {line.strip()}")
    assert not found, f"{path.relative_to(ROOT)} reaches past the domain services:\n" + "\n".join(found)
