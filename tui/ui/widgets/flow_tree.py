"""A flow's node graph as a tree: each node under its parents, with its status.

A flow is a DAG: a node with two parents appears under both (marked "↺ also under …" the second
time, without repeating its subtree). Without usable edges the nodes are grouped by level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.widgets import Tree

from ...core.sanitize import plain
from ..bindings import bindings
from ..text import state_text, status_text


@dataclass
class GraphNode:
    id: str
    label: str
    title: str = ""
    level: int | None = None
    status: str = ""
    #: "run" statuses are coloured as run lifecycles, others as object states
    run_status: bool = False
    parents: list[str] = field(default_factory=list)
    payload: Any = None

    def text(self) -> Text:
        text = Text()
        text.append(plain(self.label or self.id, 40), style="bold")
        if self.title:
            text.append("  ")
            text.append(plain(self.title, 60))
        if self.status:
            text.append("  ")
            text.append_text(status_text("liveramp", self.status) if self.run_status
                             else state_text(self.status))
        return text


def edges_to_parents(nodes: Sequence[GraphNode], edges: Sequence[dict[str, Any]]) -> None:
    """Fill ``parents`` from edge dicts, whichever spelling they use (source/target, parentID/…)."""
    ids = {n.id for n in nodes}
    by_label = {n.label: n.id for n in nodes if n.label}
    by_id = {n.id: n for n in nodes}

    def resolve(value: Any) -> str | None:
        if not isinstance(value, str):
            return None
        return value if value in ids else by_label.get(value)

    for edge in edges:
        if not isinstance(edge, dict):
            continue
        parent = resolve(edge.get("source") or edge.get("parentID") or edge.get("parentId")
                         or edge.get("from"))
        child = resolve(edge.get("target") or edge.get("childID") or edge.get("childId") or edge.get("to")
                        or edge.get("nodeIdentifier"))
        if parent and child and parent != child and parent not in by_id[child].parents:
            by_id[child].parents.append(parent)


class FlowTree(Tree[GraphNode]):
    DEFAULT_CSS = """
    FlowTree { height: 1fr; }
    """
    # the tables' keys (j/k, g/G, Enter), so a tree reads like the table next to it
    BINDINGS = bindings("open", "down", "up", "top", "bottom")

    def __init__(self, label: str, id: str | None = None) -> None:
        super().__init__(Text(plain(label, 80)), id=id)
        self.show_root = True
        self.guide_depth = 3

    def action_scroll_top(self) -> None:
        self.action_scroll_home()

    def action_scroll_bottom(self) -> None:
        self.action_scroll_end()

    def show_graph(self, root_label: str, nodes: Sequence[GraphNode]) -> None:
        # a repaint (the run moved on) keeps the cursor on its node; the first paint starts on the
        # first node, so Enter opens it without moving first
        current = self.cursor_node.data if self.cursor_node is not None else None
        keep = current.id if isinstance(current, GraphNode) else None
        self.clear()
        self.root.set_label(Text(plain(root_label, 80), style="bold"))
        by_id = {n.id: n for n in nodes}
        children: dict[str, list[GraphNode]] = {}
        for n in nodes:
            for p in n.parents:
                if p in by_id:
                    children.setdefault(p, []).append(n)
        roots = [n for n in nodes if not any(p in by_id for p in n.parents)]
        order = sorted(nodes, key=lambda n: (n.level if n.level is not None else 0, n.label))
        if not roots or not any(n.parents for n in nodes):
            self._by_level(order)
        else:
            placed: set[str] = set()
            for n in sorted(roots, key=lambda n: n.label):
                self._add(self.root, n, children, placed, ())
        self.root.expand_all()
        self._place_cursor(keep)

    def _place_cursor(self, node_id: str | None) -> None:
        def walk(node):
            for child in node.children:
                yield child
                yield from walk(child)

        nodes = list(walk(self.root))
        found = next((n for n in nodes if isinstance(n.data, GraphNode) and n.data.id == node_id), None)
        if nodes:
            # every branch is expanded and the root shown, so a node's line is 1 + its pre-order index
            # (a node's own ``_line`` is only set once the tree lines are rebuilt, after this call)
            first = next((n for n in nodes if isinstance(n.data, GraphNode)), nodes[0])  # not a "Level" heading
            self.cursor_line = 1 + nodes.index(found or first)

    def _add(self, parent, node: GraphNode, children: dict[str, list[GraphNode]], placed: set[str],
             path: tuple[str, ...]) -> None:
        if node.id in path:
            return  # a cycle: a flow should not have one, but never loop
        if node.id in placed:
            text = node.text()
            text.append("  ↺ shown above", style="dim italic")
            parent.add_leaf(text, data=node)
            return
        placed.add(node.id)
        kids = sorted(children.get(node.id, []), key=lambda n: n.label)
        if kids:
            branch = parent.add(node.text(), data=node, expand=True)
            for kid in kids:
                self._add(branch, kid, children, placed, (*path, node.id))
        else:
            parent.add_leaf(node.text(), data=node)

    def _by_level(self, nodes: Sequence[GraphNode]) -> None:
        levels: dict[Any, list[GraphNode]] = {}
        for n in nodes:
            levels.setdefault(n.level, []).append(n)
        for level, members in levels.items():
            branch = self.root.add(Text(f"Level {level}" if level is not None else "Nodes", style="bold"),
                                   expand=True)
            for n in members:
                branch.add_leaf(n.text(), data=n)
